'use strict';
// How workflows end: child workflows and parent close policies, continue-as-new, cancellation
// (with non-cancellable cleanup), termination and failure.

const {
  WorkflowFailedError, WorkflowContinuedAsNewError, CancelledFailure, TerminatedFailure, ApplicationFailure,
  WorkflowNotFoundError, TimeoutFailure,
} = require('@temporalio/client');

const CONTINUE_AS_NEW_INITIATOR_RETRY = 2;
const {
  assert, eventsOf, kinds, waitFor, sleep, rejects, listAll, num, assertEventIdsContiguous,
} = require('../lib/util');
const { observations } = require('../activities');

// One case per parent close policy: the parent completes once its child has finished its first
// workflow task, and the child's fate is read with DescribeWorkflowExecution.
function parentClosePolicyCase(policy, expectedStatus) {
  return {
    name: `child workflow under parent close policy ${policy}`,
    async run(ctx) {
      await ctx.makeWorker();
      const parentId = ctx.id('parent');
      const childId = ctx.id('child');
      const parent = await ctx.client.workflow.start('parentWithPolicy', {
        taskQueue: ctx.taskQueue, workflowId: parentId, args: [policy, childId],
      });
      const child = ctx.client.workflow.getHandle(childId);
      await waitFor('the child\'s first workflow task completed', async () => {
        try {
          return kinds(await child.fetchHistory()).includes('workflowTaskCompleted');
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return false;  // Not started yet.
          throw err;
        }
      });
      await parent.signal('close');
      const childRunId = await parent.result();
      const d = await child.describe();
      assert.equal(d.runId, childRunId, 'the child run the parent started');
      assert.equal(d.type, 'waitForever');

      if (expectedStatus === 'RUNNING') {
        // Nothing may happen to an abandoned child: give the server time to do something wrong.
        await sleep(1500);
        assert.equal((await child.describe()).status.name, 'RUNNING', 'abandoned child keeps running');
        await child.terminate('cleanup of the abandoned child');
      } else {
        const status = await waitFor(`child status ${expectedStatus}`, async () => {
          const s = (await child.describe()).status.name;
          return s === expectedStatus ? s : false;
        }, { timeoutMs: 15_000 });
        assert.equal(status, expectedStatus);
        const k = kinds(await child.fetchHistory());
        if (policy === 'REQUEST_CANCEL') {
          assert.ok(k.includes('workflowExecutionCancelRequested'), `child history: ${k.join(',')}`);
          assert.equal(k.at(-1), 'workflowExecutionCanceled');
        } else {
          assert.equal(k.at(-1), 'workflowExecutionTerminated');
        }
      }
      // Checked last so that a missing field does not hide the policy's outcome above.
      // DescribeWorkflowExecution's workflowExecutionInfo.parentExecution names the parent.
      const raw = d.raw.workflowExecutionInfo;
      assert.equal(d.parentExecution && d.parentExecution.workflowId, parentId,
        `describe(child).parentExecution (raw workflowExecutionInfo.parentExecution=${JSON.stringify(raw.parentExecution)}, ` +
        `parentNamespaceId=${JSON.stringify(raw.parentNamespaceId)})`);
      const started = eventsOf(await child.fetchHistory(), 'workflowExecutionStarted')[0];
      assert.equal(started.parentWorkflowExecution && started.parentWorkflowExecution.workflowId, parentId,
        'WorkflowExecutionStarted.parentWorkflowExecution of the child');
    },
  };
}

module.exports = [
  parentClosePolicyCase('TERMINATE', 'TERMINATED'),
  parentClosePolicyCase('REQUEST_CANCEL', 'CANCELLED'),
  parentClosePolicyCase('ABANDON', 'RUNNING'),
  {
    name: 'child workflow result and failure',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id('parent');
      const result = await ctx.client.workflow.execute('parentAwaitingChildren', { taskQueue: ctx.taskQueue, workflowId: id, args: [id] });
      assert.equal(result.doubled, 42);
      assert.equal(result.failure.name, 'ChildWorkflowFailure');
      assert.equal(result.failure.cause.name, 'ApplicationFailure');
      assert.equal(result.failure.cause.type, 'CompatFailure');
      assert.equal(result.failure.cause.message, 'deliberate child failure');

      const history = await ctx.client.workflow.getHandle(id).fetchHistory();
      assertEventIdsContiguous(history);
      assert.equal(eventsOf(history, 'startChildWorkflowExecutionInitiated').length, 2);
      assert.equal(eventsOf(history, 'childWorkflowExecutionStarted').length, 2);
      assert.equal(eventsOf(history, 'childWorkflowExecutionCompleted').length, 1);
      assert.equal(eventsOf(history, 'childWorkflowExecutionFailed').length, 1);
      const d = await ctx.client.workflow.getHandle(`${id}-fails`).describe();
      assert.equal(d.status.name, 'FAILED');
    },
  },
  {
    name: 'continue-as-new',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const handle = await ctx.client.workflow.start('counter', { taskQueue: ctx.taskQueue, workflowId: id, args: [0, 3] });
      const firstRunId = handle.firstExecutionRunId;
      // result() follows the chain of runs to the last one.
      const result = await handle.result();
      assert.equal(result.n, 3);
      assert.equal(result.firstRunId, firstRunId, 'workflowInfo().firstExecutionRunId');
      assert.notEqual(result.runId, firstRunId);
      assert.ok(result.continuedFrom, 'the last run knows the run it continued');

      const first = ctx.client.workflow.getHandle(id, firstRunId, { followRuns: false });
      assert.equal((await first.describe()).status.name, 'CONTINUED_AS_NEW');
      const err = await rejects(first.result(), WorkflowContinuedAsNewError, 'result of the first run without following runs');
      assert.ok(err.newExecutionRunId, 'WorkflowContinuedAsNewError names the next run');
      const firstHistory = await first.fetchHistory();
      assert.equal(kinds(firstHistory).at(-1), 'workflowExecutionContinuedAsNew');

      const latest = await ctx.client.workflow.getHandle(id).describe();
      assert.equal(latest.status.name, 'COMPLETED');
      assert.equal(latest.runId, result.runId);

      const runs = await waitFor('4 runs in visibility', async () => {
        const r = await listAll(ctx.client, `WorkflowId = '${id}'`);
        return r.length === 4 && r.every((x) => x.status.name !== 'RUNNING') ? r : false;
      });
      const statuses = runs.map((r) => r.status.name).sort();
      assert.deepEqual(statuses, ['COMPLETED', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW']);
    },
  },
  {
    name: 'workflow retry policy',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const handle = await ctx.client.workflow.start('failsFirstAttempt', {
        taskQueue: ctx.taskQueue, workflowId: id, retry: { initialInterval: '100ms', maximumAttempts: 3 },
      });
      assert.equal(await handle.result(), 2, 'result() follows the retry to the run that succeeded');
      const first = ctx.client.workflow.getHandle(id, handle.firstExecutionRunId, { followRuns: false });
      assert.equal((await first.describe()).status.name, 'FAILED');
      const failed = eventsOf(await first.fetchHistory(), 'workflowExecutionFailed');
      assert.equal(failed.length, 1);
      assert.ok(failed[0].newExecutionRunId, 'WorkflowExecutionFailed.newExecutionRunId names the retry');
      const second = ctx.client.workflow.getHandle(id, failed[0].newExecutionRunId);
      const started = eventsOf(await second.fetchHistory(), 'workflowExecutionStarted')[0];
      assert.equal(started.attempt, 2);
      assert.equal(started.initiator, CONTINUE_AS_NEW_INITIATOR_RETRY, 'initiator RETRY');
      assert.equal(started.continuedExecutionRunId, handle.firstExecutionRunId);
      assert.equal(started.firstExecutionRunId, handle.firstExecutionRunId);
      assert.match(started.continuedFailure && started.continuedFailure.message, /deliberate failure of attempt 1/);
    },
  },
  {
    name: 'workflow execution timeout',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const handle = await ctx.client.workflow.start('waitForever', { taskQueue: ctx.taskQueue, workflowId: id, workflowExecutionTimeout: '1s' });
      const err = await rejects(handle.result(), WorkflowFailedError, 'result of a timed-out workflow');
      assert.ok(err.cause instanceof TimeoutFailure, `cause is ${err.cause && err.cause.name}`);
      assert.equal((await handle.describe()).status.name, 'TIMED_OUT');
      assert.equal(kinds(await handle.fetchHistory()).at(-1), 'workflowExecutionTimedOut');
    },
  },
  {
    name: 'signal and cancel an external workflow from a workflow',
    async run(ctx) {
      await ctx.makeWorker();
      const signalled = await ctx.client.workflow.start('signalCollector', { taskQueue: ctx.taskQueue, workflowId: ctx.id('target'), args: [1] });
      const cancelled = await ctx.client.workflow.start('waitForever', { taskQueue: ctx.taskQueue, workflowId: ctx.id('victim') });
      const id = ctx.id();
      assert.equal(await ctx.client.workflow.execute('externalSignaller', {
        taskQueue: ctx.taskQueue, workflowId: id, args: [signalled.workflowId, cancelled.workflowId],
      }), 'done');
      assert.deepEqual(await signalled.result(), ['from a workflow']);
      await rejects(cancelled.result(), WorkflowFailedError, 'result of the cancelled workflow');
      assert.equal((await cancelled.describe()).status.name, 'CANCELLED');
      const k = kinds(await ctx.client.workflow.getHandle(id).fetchHistory());
      for (const kind of ['signalExternalWorkflowExecutionInitiated', 'externalWorkflowExecutionSignaled',
        'requestCancelExternalWorkflowExecutionInitiated', 'externalWorkflowExecutionCancelRequested']) {
        assert.ok(k.includes(kind), `history has ${kind}: ${k.join(',')}`);
      }
    },
  },
  {
    name: 'cancellation with non-cancellable cleanup',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const handle = await ctx.client.workflow.start('cancellableWithCleanup', { taskQueue: ctx.taskQueue, workflowId: id });
      await waitFor('TimerStarted', async () => kinds(await handle.fetchHistory()).includes('timerStarted'));
      await handle.cancel();
      const err = await rejects(handle.result(), WorkflowFailedError, 'result of a cancelled workflow');
      assert.ok(err.cause instanceof CancelledFailure, `cause is ${err.cause && err.cause.name}`);
      assert.equal((await handle.describe()).status.name, 'CANCELLED');
      const cleanup = (observations.get(id) || []).filter((o) => o.cleanup);
      assert.equal(cleanup.length, 1, 'the cleanup activity ran once');

      const k = kinds(await handle.fetchHistory());
      const order = ['timerStarted', 'workflowExecutionCancelRequested', 'timerCanceled', 'activityTaskScheduled',
        'activityTaskCompleted', 'workflowExecutionCanceled'];
      let at = -1;
      for (const kind of order) {
        const next = k.indexOf(kind, at + 1);
        assert.ok(next > at, `${kind} after ${order[order.indexOf(kind) - 1] || 'start'} in ${k.join(',')}`);
        at = next;
      }
      assert.equal(k.at(-1), 'workflowExecutionCanceled');
    },
  },
  {
    name: 'terminate',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const handle = await ctx.client.workflow.start('waitForever', { taskQueue: ctx.taskQueue, workflowId: id });
      await waitFor('first workflow task completed', async () => kinds(await handle.fetchHistory()).includes('workflowTaskCompleted'));
      await handle.terminate('deliberate termination');
      const d = await handle.describe();
      assert.equal(d.status.name, 'TERMINATED');
      assert.ok(d.closeTime instanceof Date, 'closeTime set');
      const err = await rejects(handle.result(), WorkflowFailedError, 'result of a terminated workflow');
      assert.ok(err.cause instanceof TerminatedFailure, `cause is ${err.cause && err.cause.name}`);
      assert.match(err.cause.message, /deliberate termination/);
      const history = await handle.fetchHistory();
      const term = eventsOf(history, 'workflowExecutionTerminated');
      assert.equal(term.length, 1);
      assert.equal(term[0].reason, 'deliberate termination');
      assert.equal(kinds(history).at(-1), 'workflowExecutionTerminated');
      // A closed workflow cannot be terminated again (NotFound: "workflow execution already completed").
      // (The client turns NotFound into WorkflowNotFoundError.)
      await rejects(handle.terminate('again'), WorkflowNotFoundError, 'terminate of a closed workflow');
    },
  },
  {
    name: 'workflow failure',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const handle = await ctx.client.workflow.start('failingWorkflow', {
        taskQueue: ctx.taskQueue, workflowId: id, args: ['deliberate workflow failure'],
      });
      const err = await rejects(handle.result(), WorkflowFailedError, 'result of a failed workflow');
      assert.ok(err.cause instanceof ApplicationFailure, `cause is ${err.cause && err.cause.name}`);
      assert.equal(err.cause.type, 'CompatFailure');
      assert.equal(err.cause.message, 'deliberate workflow failure');
      assert.deepEqual(err.cause.details, [{ reason: 'test' }]);
      assert.equal((await handle.describe()).status.name, 'FAILED');
      const failed = eventsOf(await handle.fetchHistory(), 'workflowExecutionFailed');
      assert.equal(failed.length, 1);
      assert.equal(failed[0].failure.applicationFailureInfo.type, 'CompatFailure');
      assert.equal(num(failed[0].workflowTaskCompletedEventId) > 0, true);
    },
  },
];
