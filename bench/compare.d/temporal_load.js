'use strict';
// The Temporal TypeScript SDK's side of bench/compare: a client process driving workflows on
// `endure server start-dev` (run by temporal_worker.js), and the SDK's replayer. Each command
// prints one JSON line on stdout.
//
//   bundle     --out FILE                          bundle temporal_workflows.js once
//   latency    --address A --task-queue Q --steps N --count M
//   throughput --address A --task-queue Q --steps N --clients C --seconds S [--warmup W]
//   timers     --address A --task-queue Q --count N --delay-ms D
//   history    --address A --task-queue Q --steps N --id ID   (run steps(N) to completion)
//   open       --address A --task-queue Q --count N            (start N `idle` workflows)
//   replay     --bundle FILE --warmup W.json --history F1.json [--history F2.json ...]
//   recovery   --address A --task-queue Q --steps N --clients C
//              (reads "killed <ms>" and "restarted <ms>" lines on stdin, see compare.js)
const fs = require('node:fs');
const readline = require('node:readline');
const { Connection, Client, WorkflowExecutionAlreadyStartedError } = require('@temporalio/client');
const { args, emit, summary, closedLoop, pool, sleep, runCommand } = require('./lib');

const a = args();
const cmd = a._[0];
let seq = 0;
const runTag = `${process.pid.toString(36)}-${Date.now().toString(36)}`;
const newId = (prefix) => `${prefix}-${runTag}-${(seq++).toString(36)}`;

async function connect() {
  const connection = await Connection.connect({ address: a.address });
  return { connection, client: new Client({ connection }) };
}

function executeSteps(client, n, id = newId('s')) {
  return client.workflow.execute('steps', { taskQueue: a['task-queue'], workflowId: id, args: [n] });
}

async function latency() {
  const { client } = await connect();
  const n = Number(a.steps);
  const count = Number(a.count);
  for (let i = 0; i < Math.min(10, count); i++) await executeSteps(client, n); // warm-up
  const lat = [];
  for (let i = 0; i < count; i++) {
    const s = performance.now();
    const r = await executeSteps(client, n);
    lat.push(performance.now() - s);
    if (r !== n) throw new Error(`steps(${n}) returned ${r}`);
  }
  emit(summary(lat));
}

async function throughput() {
  const { client } = await connect();
  const n = Number(a.steps);
  let bad = 0;
  const res = await closedLoop(Number(a.clients), Number(a.seconds), Number(a.warmup ?? 2), async () => {
    if ((await executeSteps(client, n)) !== n) bad += 1;
  });
  if (bad) throw new Error(`${bad} workflows returned a wrong result`);
  emit(res);
}

async function timers() {
  const { client } = await connect();
  const count = Number(a.count);
  const deadline = Date.now() + Number(a['delay-ms']);
  const handles = new Array(count);
  await pool(count, 64, async (i) => {
    handles[i] = await client.workflow.start('sleeper', { taskQueue: a['task-queue'], workflowId: newId('t'), args: [deadline] });
  });
  const startedBy = Date.now() - deadline; // > 0: starting took longer than the delay
  const late = [];
  let lost = 0;
  let unslept = 0;
  await pool(count, 256, async (i) => {
    try {
      const r = await handles[i].result();
      if (r.slept) late.push(r.late);
      else unslept += 1;
    } catch {
      lost += 1;
    }
  });
  // A run has one result; "doubled" counts runs whose history holds more than one fired timer.
  let doubled = 0;
  const sample = Math.min(count, 200);
  await pool(sample, 32, async (i) => {
    const h = await handles[Math.floor((i * count) / sample)].fetchHistory();
    if (h.events.filter((e) => e.timerFiredEventAttributes).length > 1) doubled += 1;
  });
  emit({ ...summary(late), fired: late.length + unslept, lost, doubled, unslept, start_overran_ms: Math.max(0, startedBy) });
}

async function history() {
  const { client } = await connect();
  const r = await executeSteps(client, Number(a.steps), a.id);
  if (r !== Number(a.steps)) throw new Error(`steps returned ${r}`);
  emit({ id: a.id });
}

async function open() {
  const { client } = await connect();
  await pool(Number(a.count), 64, async () => {
    await client.workflow.start('idle', { taskQueue: a['task-queue'], workflowId: newId('o') });
  });
  emit({ open: Number(a.count) });
}

async function bundle() {
  const { bundleWorkflowCode } = require('@temporalio/worker');
  const b = await bundleWorkflowCode({ workflowsPath: require.resolve('./temporal_workflows.js'), logger: quietLogger() });
  fs.writeFileSync(a.out, b.code);
  emit({ bundle: a.out });
}

function quietLogger() {
  const { DefaultLogger } = require('@temporalio/worker');
  return new DefaultLogger('ERROR');
}

// One replay worker replays a warm-up history, then each file; each figure is the time from
// handing the parsed history to the replayer to its result (the worker's creation excluded).
async function replay() {
  const { Runtime, Worker } = require('@temporalio/worker');
  Runtime.install({ logger: quietLogger() });
  // The warm-up is a run of its own: the replayer answers once per run id.
  const files = [a.warmup, ...[].concat(a.history)];
  const histories = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
  const order = files.map((_, i) => i);
  const handed = [];
  async function* feed() {
    for (const i of order) {
      handed.push(performance.now());
      yield { workflowId: `replay-${handed.length}`, history: histories[i] };
    }
  }
  const out = [];
  let k = 0;
  for await (const r of Worker.runReplayHistories({ workflowBundle: { codePath: a.bundle } }, feed())) {
    const ms = performance.now() - handed[k];
    const i = order[k];
    if (r.error) throw new Error(`replay of ${files[i]} failed: ${r.error}`);
    if (k > 0) {
      const events = histories[i].events.length;
      out.push({ file: files[i], events, ms, events_per_s: (events / ms) * 1000 });
    }
    k += 1;
  }
  emit({ replays: out });
}

// SIGKILL under load: the driver kills and restarts the server; this process keeps its 16
// clients going, learns the kill and restart times from stdin, then checks that every
// workflow acknowledged before the kill (start and result) is still there with its whole history.
async function recovery() {
  const { client } = await connect();
  const n = Number(a.steps);
  const clients = Number(a.clients);
  const expectedEvents = 6 * n + 5;
  const started = new Set();
  const completed = new Map(); // id -> time the result arrived (ms since the epoch)
  const inflight = new Set();
  let killedAt = null;
  let restartedAt = null;
  let stopping = false;
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const [what, at] = line.trim().split(/\s+/);
    if (what === 'killed') {
      killedAt = Number(at);
      stopping = true; // no new workflows: the ones in flight at the kill are watched to the end
    } else if (what === 'restarted') {
      restartedAt = Number(at);
    }
  });
  const startRetrying = async (id) => {
    for (;;) {
      try {
        await client.workflow.start('steps', { taskQueue: a['task-queue'], workflowId: id, args: [n] });
        return;
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return; // it was persisted
        if (!killedAt) throw err;
        await sleep(20);
      }
    }
  };
  const resultRetrying = async (id) => {
    for (;;) {
      try {
        return await client.workflow.getHandle(id).result();
      } catch (err) {
        if (!killedAt) throw err;
        await sleep(20);
      }
    }
  };
  const loops = [];
  for (let c = 0; c < clients; c++) {
    loops.push((async () => {
      while (!stopping) {
        const id = newId(`r${c}`);
        inflight.add(id);
        await startRetrying(id);
        started.add(id);
        const r = await resultRetrying(id);
        if (r !== n) throw new Error(`${id} returned ${r}`);
        completed.set(id, Date.now());
        inflight.delete(id);
      }
    })());
  }
  process.stdout.write('load running\n');
  await Promise.all(loops);
  // Time until the last workflow in flight at the kill finished.
  let lastDone = 0;
  let beforeKill = 0;
  for (const t of completed.values()) {
    if (t > killedAt) lastDone = Math.max(lastDone, t);
    else beforeKill += 1;
  }
  // Every acknowledged start must exist; every acknowledged result must be a completed run with
  // its whole history.
  // Each workflow in flight at the kill progresses again with its first event after the restart.
  let lostWorkflows = 0;
  let lostEvents = 0;
  let lastProgress = 0;
  const eventMs = (e) => Number(e.eventTime.seconds) * 1000 + Math.floor((e.eventTime.nanos || 0) / 1e6);
  const ids = [...started];
  await pool(ids.length, 32, async (i) => {
    const id = ids[i];
    try {
      const h = await client.workflow.getHandle(id).fetchHistory();
      if (completed.get(id) > killedAt) {
        const first = h.events.find((e) => eventMs(e) >= restartedAt - 1000 && eventMs(e) > killedAt);
        if (first) lastProgress = Math.max(lastProgress, eventMs(first));
      }
      if (completed.has(id)) {
        const last = h.events[h.events.length - 1];
        if (h.events.length < expectedEvents || !last.workflowExecutionCompletedEventAttributes) {
          lostWorkflows += 1;
          lostEvents += Math.max(0, expectedEvents - h.events.length);
        }
      }
    } catch {
      lostWorkflows += 1;
      if (completed.has(id)) lostEvents += expectedEvents;
    }
  });
  emit({
    completed_before_kill: beforeKill,
    inflight_at_kill: completed.size - beforeKill,
    checked: ids.length,
    restart_to_progress_ms: lastProgress ? lastProgress - restartedAt : NaN,
    kill_to_progress_ms: lastProgress ? lastProgress - killedAt : NaN,
    kill_to_done_ms: lastDone ? lastDone - killedAt : NaN,
    lost_workflows: lostWorkflows,
    lost_transitions: lostEvents,
  });
  rl.close();
}

const commands = { bundle, latency, throughput, timers, history, open, replay, recovery };
runCommand(commands, cmd);
