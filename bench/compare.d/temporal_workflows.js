'use strict';
// The workflows the Temporal TypeScript worker runs against `endure server start-dev`. `steps`
// has the same logic as Endure's C++ `steps` workflow (histories recorded from one replay
// through the other): n sequential activities of type `step`, each given its index, with the
// default activity options but a 10 s start-to-close timeout; the result is n.
const { proxyActivities, sleep } = require('@temporalio/workflow');

const { step } = proxyActivities({ startToCloseTimeout: '10s' });

async function steps(n) {
  for (let i = 0; i < n; i++) await step(i);
  return n;
}

// Sleeps until the absolute time `deadlineMs` (ms since the epoch) and returns how late it
// woke (Date.now() in a workflow is the start time of the workflow task that runs it), and
// whether it slept at all (false: its first workflow task ran after the deadline).
async function sleeper(deadlineMs) {
  const wait = deadlineMs - Date.now();
  if (wait > 0) await sleep(wait);
  return { late: Date.now() - deadlineMs, slept: wait > 0 };
}

// Stays open (the footprint and start-up figures with open workflows).
async function idle() {
  await sleep('30 days');
}

module.exports = { steps, sleeper, idle };
