'use strict';
// Workflow code of the compatibility suite, bundled once by the runner (bundleWorkflowCode) and
// given to every worker. Each workflow exercises one part of Temporal's model; they return what
// they observed (error classes, cause types, infos) so that the cases can assert on it from the
// client side.
//
// Some functions exist in several versions (patchedWorkflow*, replaySubject*): the replay cases
// rename the workflow type in a recorded history to replay it against another version, which
// is how a code change is simulated without a second bundle.

const wf = require('@temporalio/workflow');

const {
  proxyActivities, proxyLocalActivities, getExternalWorkflowHandle, sleep, condition, setHandler, defineSignal, defineQuery, defineUpdate,
  CancellationScope, isCancellation, ActivityFailure, ApplicationFailure, TimeoutFailure,
  ChildWorkflowFailure, ActivityCancellationType, continueAsNew, workflowInfo, startChild,
  executeChild, patched, deprecatePatch, upsertSearchAttributes, upsertMemo,
} = wf;
const { SearchAttributeType, defineSearchAttributeKey } = require('@temporalio/common');

// Short retry intervals keep the retrying cases fast; the server computes the backoff.
const acts = proxyActivities({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '100ms', backoffCoefficient: 1, maximumAttempts: 5 },
});

// What a caught failure looked like, as plain data the client can compare.
function describeError(err) {
  if (!err) return null;
  return {
    name: err.name,
    message: err.message,
    type: err.type,
    nonRetryable: err.nonRetryable,
    timeoutType: err.timeoutType,
    retryState: err.retryState,
    isCancellation: isCancellation(err),
    cause: describeError(err.cause),
  };
}

// ---- activities ---------------------------------------------------------------------------

async function retryingActivity() {
  return await acts.failTwice();
}

async function nonRetryableActivity() {
  try {
    await acts.failNonRetryable();
    return null;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    return describeError(err);
  }
}

async function heartbeatDetailsWorkflow() {
  const a = proxyActivities({
    startToCloseTimeout: '10s',
    heartbeatTimeout: '5s',
    retry: { initialInterval: '100ms', maximumAttempts: 3 },
  });
  return await a.heartbeatThenFail();
}

async function heartbeatTimeoutWorkflow() {
  const a = proxyActivities({
    startToCloseTimeout: '30s',
    heartbeatTimeout: '1s',
    retry: { maximumAttempts: 1 },
  });
  try {
    await a.stopsHeartbeating();
    return null;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    return { ...describeError(err), causeIsTimeoutFailure: err.cause instanceof TimeoutFailure };
  }
}

const activityStarted = defineSignal('activityStarted');

// Starts a heartbeating activity in a cancellation scope and cancels the scope once the activity
// said it runs; waits for the activity to acknowledge the cancellation.
async function cancelActivityWorkflow() {
  let started = false;
  setHandler(activityStarted, () => void (started = true));
  const a = proxyActivities({
    startToCloseTimeout: '60s',
    heartbeatTimeout: '2s',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { maximumAttempts: 1 },
  });
  const scope = new CancellationScope();
  const running = scope.run(() => a.waitForCancel());
  await condition(() => started);
  scope.cancel();
  try {
    await running;
    return { completed: true };
  } catch (err) {
    return describeError(err);
  }
}

async function localActivityWorkflow(value) {
  const local = proxyLocalActivities({ startToCloseTimeout: '5s' });
  return await local.echo(value);
}

// ---- timers, signals, queries, updates ----------------------------------------------------

async function timerWorkflow(ms) {
  const before = Date.now(); // workflow time: the activation's timestamp
  await sleep(ms);
  return Date.now() - before;
}

const addItem = defineSignal('addItem');

async function signalCollector(count) {
  const items = [];
  setHandler(addItem, (item) => void items.push(item));
  await condition(() => items.length >= count);
  return items;
}

const stateQuery = defineQuery('state');
const setState = defineSignal('setState');

async function queryable() {
  let state = 'initial';
  let changes = 0;
  setHandler(stateQuery, () => ({ state, changes }));
  setHandler(setState, (s) => {
    state = s;
    changes += 1;
  });
  await condition(() => state === 'done');
  return { state, changes };
}

const addUpdate = defineUpdate('add');
const totalQuery = defineQuery('total');
const finishSignal = defineSignal('finish');

async function updatable() {
  let total = 0;
  let finished = false;
  setHandler(totalQuery, () => total);
  setHandler(finishSignal, () => void (finished = true));
  setHandler(
    addUpdate,
    (n) => {
      total += n;
      return total;
    },
    {
      // Rejected updates must leave no trace in history; the client sees the validator's error.
      validator: (n) => {
        if (typeof n !== 'number' || n < 0) throw new Error(`deliberate rejection: ${n} is not a non-negative number`);
      },
    },
  );
  await condition(() => finished);
  return total;
}

// ---- children, continue-as-new, cancellation, termination, failure ------------------------

async function waitForever() {
  await condition(() => false);
}

async function double(x) {
  return 2 * x;
}

async function failingWorkflow(message) {
  throw ApplicationFailure.create({ message, type: 'CompatFailure', details: [{ reason: 'test' }], nonRetryable: true });
}

// Fails (retryably) on its first attempt; the workflow's retry policy starts a second run.
async function failsFirstAttempt() {
  const { attempt } = workflowInfo();
  if (attempt < 2) throw ApplicationFailure.retryable(`deliberate failure of attempt ${attempt}`, 'CompatRetry');
  return attempt;
}

// Signals one workflow and cancels another, from workflow code.
async function externalSignaller(signalId, cancelId) {
  await getExternalWorkflowHandle(signalId).signal(addItem, 'from a workflow');
  await getExternalWorkflowHandle(cancelId).cancel();
  return 'done';
}

const closeSignal = defineSignal('close');

// Starts `waitForever` as a child under `policy` and completes once signalled `close`. The test
// sends it when the child has finished its first workflow task: closing earlier may close the
// child (TERMINATE) with that task in flight, and the worker's late completion of it is then
// answered NotFound, which the SDK logs as a warning (Temporal answers it so too).
async function parentWithPolicy(policy, childId) {
  let close = false;
  setHandler(closeSignal, () => void (close = true));
  const child = await startChild(waitForever, { workflowId: childId, parentClosePolicy: policy });
  await condition(() => close);
  return child.firstExecutionRunId;
}

async function parentAwaitingChildren(prefix) {
  const doubled = await executeChild(double, { workflowId: `${prefix}-double`, args: [21] });
  let failure = null;
  try {
    await executeChild(failingWorkflow, { workflowId: `${prefix}-fails`, args: ['deliberate child failure'] });
  } catch (err) {
    if (!(err instanceof ChildWorkflowFailure)) throw err;
    failure = describeError(err);
  }
  return { doubled, failure };
}

async function counter(n, target) {
  if (n < target) await continueAsNew(n + 1, target);
  const info = workflowInfo();
  return {
    n,
    continuedFrom: info.continuedFromExecutionRunId ?? null,
    firstRunId: info.firstExecutionRunId,
    runId: info.runId,
  };
}

// Sleeps until cancelled; a non-cancellable scope then runs a cleanup activity to completion.
async function cancellableWithCleanup() {
  try {
    await sleep('1 day');
    return 'slept a day';
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => acts.recordCleanup('after cancel'));
    }
    throw err;
  }
}

async function quick(value) {
  return value;
}

async function echoActivity(value) {
  return await acts.echo(value);
}

// Signal-with-start target: collects `addItem` signals and reports which run got them.
async function signalsUntil(count) {
  const items = [];
  setHandler(addItem, (item) => void items.push(item));
  await condition(() => items.length >= count);
  return { items, runId: workflowInfo().runId };
}

// ---- memo and search attributes -----------------------------------------------------------

const intKey = defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT);
const keywordKey = defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD);

// Reports the attributes and memo it started with, upserts new ones, and waits for `finish`.
async function attributesWorkflow(registeredName, upsertValue) {
  const info = workflowInfo();
  const seen = {
    keyword: info.typedSearchAttributes.get(keywordKey) ?? null,
    int: info.typedSearchAttributes.get(intKey) ?? null,
    memo: info.memo ?? null,
  };
  const registeredKey = defineSearchAttributeKey(registeredName, SearchAttributeType.KEYWORD);
  upsertSearchAttributes([
    { key: intKey, value: 42 },
    { key: registeredKey, value: upsertValue },
  ]);
  upsertMemo({ upserted: true });
  let finished = false;
  setHandler(finishSignal, () => void (finished = true));
  await condition(() => finished);
  return seen;
}

// ---- patching and replay ------------------------------------------------------------------

// The "new" code: patched() is true when the workflow first ran with it, false when replaying
// a history recorded by the "old" code (no patch marker), which then takes the old path.
async function patchedWorkflow() {
  if (patched('compat-patch')) {
    await acts.echo('new');
    return 'new';
  }
  await sleep(10);
  return 'old';
}

// The code before the patch.
async function patchedWorkflowOld() {
  await sleep(10);
  return 'old';
}

// The code after every run with the old code finished: the patch is deprecated.
async function patchedWorkflowDeprecated() {
  deprecatePatch('compat-patch');
  await acts.echo('new');
  return 'new';
}

// A workflow with one of each command the replay case records and replays.
async function replaySubject(prefix) {
  let items = [];
  setHandler(addItem, (item) => void items.push(item));
  const a = await acts.echo('first');
  await sleep(50);
  const child = await executeChild(double, { workflowId: `${prefix}-child`, args: [4] });
  await condition(() => items.length >= 1);
  return { a, child, items };
}

// replaySubject with its first two commands swapped: replaying replaySubject's history with it
// must be reported as nondeterminism.
async function replaySubjectChanged(prefix) {
  let items = [];
  setHandler(addItem, (item) => void items.push(item));
  await sleep(50);
  const a = await acts.echo('first');
  const child = await executeChild(double, { workflowId: `${prefix}-child`, args: [4] });
  await condition(() => items.length >= 1);
  return { a, child, items };
}

// ---- workers ------------------------------------------------------------------------------

const goSignal = defineSignal('go');

// Several workflow tasks: activity, timer, activity, signal, activity.
async function multiStep() {
  let go = false;
  setHandler(goSignal, () => void (go = true));
  const a = await acts.echo(1);
  await sleep(100);
  const b = await acts.echo(2);
  await condition(() => go);
  const c = await acts.echo(3);
  return a + b + c;
}

async function whoRuns(count) {
  const ran = [];
  for (let i = 0; i < count; i++) ran.push(await acts.whoAmI());
  return ran;
}

// First activity on whichever worker; the second hangs on the worker tagged "child" (which the
// case kills) and must time out (start-to-close) and be retried elsewhere.
async function killedWorkerWorkflow() {
  const first = await acts.whoAmI();
  const slow = proxyActivities({
    startToCloseTimeout: '3s',
    retry: { initialInterval: '100ms', backoffCoefficient: 1, maximumAttempts: 5 },
  });
  const second = await slow.slowOnChild();
  return [first, second];
}

// Activity, timer, activity, then a signal: the server is killed during the timer.
async function restartWorkflow(ms) {
  let signalled = null;
  setHandler(addItem, (item) => void (signalled = item));
  const a = await acts.echo('before');
  await sleep(ms);
  const b = await acts.echo('after');
  await condition(() => signalled !== null);
  return [a, b, signalled];
}

// Waits on one long activity: the server is killed while it runs.
async function longActivityWorkflow(ms) {
  const a = proxyActivities({ startToCloseTimeout: '30s', retry: { maximumAttempts: 1 } });
  return await a.sleepFor(ms);
}

async function manyWorkflow(i) {
  const v = await acts.echo(i);
  await sleep(100);
  return v;
}

module.exports = {
  localActivityWorkflow, failsFirstAttempt, externalSignaller, retryingActivity, nonRetryableActivity, heartbeatDetailsWorkflow, heartbeatTimeoutWorkflow,
  cancelActivityWorkflow, timerWorkflow, signalCollector, queryable, updatable, waitForever,
  double, failingWorkflow, parentWithPolicy, parentAwaitingChildren, counter, cancellableWithCleanup,
  quick, echoActivity, signalsUntil, attributesWorkflow, patchedWorkflow, patchedWorkflowOld,
  patchedWorkflowDeprecated, replaySubject, replaySubjectChanged, multiStep, whoRuns,
  killedWorkerWorkflow, restartWorkflow, longActivityWorkflow, manyWorkflow,
};
