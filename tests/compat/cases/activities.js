'use strict';
// Activities: retries decided by the server, non-retryable failures, heartbeat details carried
// from one attempt to the next, heartbeat timeouts, and cancellation delivered to a running
// activity through its heartbeats.

const { assert, eventsOf, kinds, num, assertEventIdsContiguous } = require('../lib/util');
const { observations } = require('../activities');

// Temporal's enums as they appear in history events (numbers, decoded by protobufjs).
const TIMEOUT_TYPE_HEARTBEAT = 4;
const RETRY_STATE_NON_RETRYABLE_FAILURE = 2;

module.exports = [
  {
    name: 'activity retried until it succeeds',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const handle = await ctx.client.workflow.start('retryingActivity', { taskQueue: ctx.taskQueue, workflowId: id });
      // failTwice returns the attempt that succeeded.
      assert.equal(await handle.result(), 3);
      const seen = observations.get(id) || [];
      assert.deepEqual(seen.map((o) => o.attempt), [1, 2, 3], 'attempts the worker ran');

      // Temporal writes no event for the failed attempts: one ActivityTaskStarted, written with
      // the final attempt's number, then ActivityTaskCompleted.
      const history = await handle.fetchHistory();
      assertEventIdsContiguous(history);
      const started = eventsOf(history, 'activityTaskStarted');
      assert.equal(started.length, 1, 'one ActivityTaskStarted');
      assert.equal(started[0].attempt, 3, 'ActivityTaskStarted.attempt');
      assert.match(started[0].lastFailure && started[0].lastFailure.message, /deliberate failure on attempt 2/,
        'ActivityTaskStarted.lastFailure is the last failed attempt');
      assert.equal(eventsOf(history, 'activityTaskFailed').length, 0, 'no ActivityTaskFailed');
      assert.equal(eventsOf(history, 'activityTaskCompleted').length, 1);
      assert.equal(kinds(history).at(-1), 'workflowExecutionCompleted');
    },
  },
  {
    name: 'non-retryable activity failure',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const result = await ctx.client.workflow.execute('nonRetryableActivity', { taskQueue: ctx.taskQueue, workflowId: id });
      assert.equal(result.name, 'ActivityFailure');
      assert.equal(result.retryState, 'NON_RETRYABLE_FAILURE');
      assert.equal(result.cause.name, 'ApplicationFailure');
      assert.equal(result.cause.type, 'CompatBadInput');
      assert.equal(result.cause.nonRetryable, true);
      assert.equal(result.cause.message, 'deliberate non-retryable failure');
      assert.equal((observations.get(id) || []).length, 1, 'ran exactly once despite a retry policy of 5 attempts');

      const history = await ctx.client.workflow.getHandle(id).fetchHistory();
      const failed = eventsOf(history, 'activityTaskFailed');
      assert.equal(failed.length, 1, 'one ActivityTaskFailed');
      assert.equal(failed[0].retryState, RETRY_STATE_NON_RETRYABLE_FAILURE, 'ActivityTaskFailed.retryState');
      assert.equal(failed[0].failure.applicationFailureInfo.type, 'CompatBadInput');
    },
  },
  {
    name: 'local activity',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      assert.equal(await ctx.client.workflow.execute('localActivityWorkflow', { taskQueue: ctx.taskQueue, workflowId: id, args: ['la'] }), 'la');
      // A local activity leaves a marker, no activity events.
      const history = await ctx.client.workflow.getHandle(id).fetchHistory();
      const markers = eventsOf(history, 'markerRecorded');
      assert.equal(markers.length, 1);
      assert.equal(markers[0].markerName, 'core_local_activity');
      assert.ok(!kinds(history).includes('activityTaskScheduled'));
    },
  },
  {
    name: 'heartbeat details reach the next attempt',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const result = await ctx.client.workflow.execute('heartbeatDetailsWorkflow', { taskQueue: ctx.taskQueue, workflowId: id });
      assert.equal(result.attempt, 2);
      assert.deepEqual(result.details, { progress: 7 }, 'attempt 2 got attempt 1\'s heartbeat details');
      const seen = observations.get(id) || [];
      assert.equal(seen[0].details, undefined, 'attempt 1 started without details');
    },
  },
  {
    name: 'heartbeat timeout',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const t0 = Date.now();
      const result = await ctx.client.workflow.execute('heartbeatTimeoutWorkflow', { taskQueue: ctx.taskQueue, workflowId: id });
      const elapsed = Date.now() - t0;
      assert.equal(result.name, 'ActivityFailure');
      assert.equal(result.cause.name, 'TimeoutFailure');
      assert.equal(result.causeIsTimeoutFailure, true);
      assert.equal(result.cause.timeoutType, 'HEARTBEAT');
      // Heartbeat timeout 1 s after the last heartbeat; the activity keeps running for 3 s
      // without heartbeating, so the timeout must come from the server well before that ends.
      assert.ok(elapsed < 2900, `workflow saw the timeout after ${elapsed} ms; expected about 1 s`);

      const history = await ctx.client.workflow.getHandle(id).fetchHistory();
      const timedOut = eventsOf(history, 'activityTaskTimedOut');
      assert.equal(timedOut.length, 1, 'one ActivityTaskTimedOut');
      assert.equal(timedOut[0].failure.timeoutFailureInfo.timeoutType, TIMEOUT_TYPE_HEARTBEAT);
      // Heartbeat details travel with a heartbeat timeout (TimeoutFailureInfo.lastHeartbeatDetails).
      assert.ok(timedOut[0].failure.timeoutFailureInfo.lastHeartbeatDetails, 'lastHeartbeatDetails recorded');
      // The late heartbeats got NotFound and the SDK cancelled the attempt locally.
      const late = await waitForObservation(id, (o) => 'lateHeartbeatError' in o);
      assert.equal(late.lateHeartbeatError, 'CancelledFailure', 'a heartbeat after the timeout cancels the attempt');
    },
  },
  {
    name: 'activity cancellation from a cancellation scope',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const result = await ctx.client.workflow.execute('cancelActivityWorkflow', { taskQueue: ctx.taskQueue, workflowId: id });
      assert.equal(result.isCancellation, true, `workflow saw ${JSON.stringify(result)}`);
      assert.equal(result.name, 'ActivityFailure');
      assert.equal(result.cause.name, 'CancelledFailure');
      const seen = (observations.get(id) || []).find((o) => 'sawError' in o);
      assert.ok(seen, 'the activity recorded how it ended');
      assert.equal(seen.sawError, 'CancelledFailure');
      assert.equal(seen.isCancelledFailure, true);
      assert.equal(seen.cancelRequested, true, 'cancellationDetails.cancelRequested');

      const history = await ctx.client.workflow.getHandle(id).fetchHistory();
      const k = kinds(history);
      for (const kind of ['activityTaskCancelRequested', 'activityTaskStarted', 'activityTaskCanceled', 'workflowExecutionCompleted']) {
        assert.ok(k.includes(kind), `history has ${kind}: ${k.join(',')}`);
      }
      const canceled = eventsOf(history, 'activityTaskCanceled')[0];
      const requested = history.events.find((e) => e.activityTaskCancelRequestedEventAttributes);
      assert.equal(num(canceled.latestCancelRequestedEventId), num(requested.eventId), 'ActivityTaskCanceled.latestCancelRequestedEventId');
    },
  },
];

async function waitForObservation(id, pred, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (observations.get(id) || []).find(pred);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching observation for ${id}: ${JSON.stringify(observations.get(id))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
