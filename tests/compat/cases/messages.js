'use strict';
// Timers, signals, queries and updates.

const {
  QueryNotRegisteredError, WorkflowUpdateFailedError, WorkflowUpdateStage, WorkflowNotFoundError,
  WithStartWorkflowOperation,
} = require('@temporalio/client');
const {
  assert, eventsOf, kinds, sleep, waitFor, num, rejects, assertEventIdsContiguous,
} = require('../lib/util');

const seconds = (d) => (d ? num(d.seconds || 0) + (d.nanos || 0) / 1e9 : 0);

module.exports = [
  {
    name: 'timer',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const t0 = Date.now();
      const workflowElapsed = await ctx.client.workflow.execute('timerWorkflow', { taskQueue: ctx.taskQueue, workflowId: id, args: [1000] });
      const wallElapsed = Date.now() - t0;
      assert.ok(workflowElapsed >= 1000, `workflow time advanced ${workflowElapsed} ms over a 1 s timer`);
      assert.ok(wallElapsed >= 1000, `timer fired after ${wallElapsed} ms of wall time`);
      assert.ok(wallElapsed < 5000, `a 1 s timer took ${wallElapsed} ms`);
      const history = await ctx.client.workflow.getHandle(id).fetchHistory();
      const started = eventsOf(history, 'timerStarted');
      const fired = eventsOf(history, 'timerFired');
      assert.equal(started.length, 1);
      assert.equal(fired.length, 1);
      assert.equal(seconds(started[0].startToFireTimeout), 1);
      assert.equal(fired[0].timerId, started[0].timerId);
    },
  },
  {
    name: 'timer fires while no worker runs (durable timer)',
    async run(ctx) {
      // The worker goes away while the timer runs: the server alone must fire it and schedule
      // the workflow task, which a new worker then picks up.
      const first = await ctx.makeWorker({ tag: 'first' });
      const id = ctx.id();
      const handle = await ctx.client.workflow.start('timerWorkflow', { taskQueue: ctx.taskQueue, workflowId: id, args: [1500] });
      await waitFor('TimerStarted', async () => kinds(await handle.fetchHistory()).includes('timerStarted'));
      await ctx.stopWorker(first);
      await sleep(2500);
      const k = kinds(await handle.fetchHistory());
      assert.ok(k.includes('timerFired'), `the timer fired without a worker: ${k.join(',')}`);
      assert.equal(k.at(-1), 'workflowTaskScheduled', 'a workflow task waits for a worker');
      await ctx.makeWorker({ tag: 'second' });
      assert.ok((await handle.result()) >= 1500);
    },
  },
  {
    name: 'signals',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const handle = await ctx.client.workflow.start('signalCollector', { taskQueue: ctx.taskQueue, workflowId: id, args: [3] });
      // Signals are delivered in the order the server accepted them.
      for (const item of ['a', 'b', 'c']) await handle.signal('addItem', item);
      assert.deepEqual(await handle.result(), ['a', 'b', 'c']);
      const history = await handle.fetchHistory();
      assertEventIdsContiguous(history);
      const signals = eventsOf(history, 'workflowExecutionSignaled');
      assert.deepEqual(signals.map((s) => s.signalName), ['addItem', 'addItem', 'addItem']);
      // A signal to a closed workflow is an error (NotFound: "workflow execution already
      // completed", which the client turns into WorkflowNotFoundError).
      await rejects(handle.signal('addItem', 'late'), WorkflowNotFoundError, 'signal to a closed workflow');
    },
  },
  {
    name: 'queries before the first workflow task, while running, after completion',
    async run(ctx) {
      const id = ctx.id();
      // No worker yet: the query must wait for the first workflow task (it rides that task) and
      // be answered once a worker arrives.
      const handle = await ctx.client.workflow.start('queryable', { taskQueue: ctx.taskQueue, workflowId: id });
      const early = handle.query('state');
      await sleep(500);
      await ctx.makeWorker();
      assert.deepEqual(await early, { state: 'initial', changes: 0 }, 'query before the first workflow task completed');

      await handle.signal('setState', 'working');
      await waitFor('query to see the signal', async () => (await handle.query('state')).state === 'working');
      // A running workflow whose worker is alive is queried on that worker's sticky queue; the
      // answer takes milliseconds with Temporal.
      const t0 = Date.now();
      assert.deepEqual(await handle.query('state'), { state: 'working', changes: 1 });
      const queryMs = Date.now() - t0;
      assert.ok(queryMs < 3000, `a query on a running workflow took ${queryMs} ms`);

      const unknown = await rejects(handle.query('noSuchQuery'), QueryNotRegisteredError, 'query of an unregistered name');
      assert.match(unknown.message, /noSuchQuery/);

      await handle.signal('setState', 'done');
      assert.deepEqual(await handle.result(), { state: 'done', changes: 2 });
      // After completion the query replays the whole history on a worker.
      assert.deepEqual(await handle.query('state'), { state: 'done', changes: 2 }, 'query after completion');

      // Queries are never written to history.
      const k = kinds(await handle.fetchHistory());
      assert.ok(!k.some((x) => /query/i.test(x)), `no query in history: ${k.join(',')}`);
    },
  },
  {
    name: 'updates with a validator',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const handle = await ctx.client.workflow.start('updatable', { taskQueue: ctx.taskQueue, workflowId: id });

      assert.equal(await handle.executeUpdate('add', { args: [5] }), 5);
      assert.equal(await handle.executeUpdate('add', { args: [3], updateId: 'upd-fixed' }), 8);
      // The same update id answers the same outcome instead of running again.
      assert.equal(await handle.executeUpdate('add', { args: [3], updateId: 'upd-fixed' }), 8, 'update id deduplicated');

      const rejected = await rejects(handle.executeUpdate('add', { args: [-1] }), WorkflowUpdateFailedError, 'update rejected by the validator');
      assert.equal(rejected.cause && rejected.cause.name, 'ApplicationFailure', `cause ${rejected.cause && rejected.cause.name}`);
      assert.match(rejected.cause.message, /deliberate rejection: -1/);
      assert.equal(await handle.query('total'), 8, 'a rejected update changes nothing');

      // startUpdate returns once accepted; the handle then gives the result.
      const upd = await handle.startUpdate('add', { args: [2], waitForStage: WorkflowUpdateStage.ACCEPTED });
      assert.equal(await upd.result(), 10);
      assert.equal(await handle.getUpdateHandle(upd.updateId).result(), 10, 'result through getUpdateHandle');

      await handle.signal('finish');
      assert.equal(await handle.result(), 10);

      // History has accepted+completed pairs for the three distinct accepted updates and
      // nothing for the rejected one.
      const history = await handle.fetchHistory();
      const accepted = eventsOf(history, 'workflowExecutionUpdateAccepted');
      const completed = eventsOf(history, 'workflowExecutionUpdateCompleted');
      assert.equal(accepted.length, 3, `accepted updates: ${accepted.length}`);
      assert.equal(completed.length, 3, `completed updates: ${completed.length}`);
      assert.ok(accepted.some((a) => a.protocolInstanceId === 'upd-fixed' || (a.acceptedRequest && a.acceptedRequest.meta.updateId === 'upd-fixed')));
      assert.ok(!kinds(history).includes('workflowExecutionUpdateRejected'), 'rejections are not in history');
    },
  },
  {
    // Update-with-start (the SDK's WithStartWorkflowOperation) travels as one
    // ExecuteMultiOperation call: the start and the update succeed or fail together.
    name: 'update-with-start',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const op = () => new WithStartWorkflowOperation('updatable', {
        taskQueue: ctx.taskQueue, workflowId: id, workflowIdConflictPolicy: 'USE_EXISTING',
      });
      const first = op();
      assert.equal(await ctx.client.workflow.executeUpdateWithStart('add', { args: [4], startWorkflowOperation: first }), 4, 'started, then updated');
      const handle = await first.workflowHandle();
      // The second finds the run open (USE_EXISTING) and only updates it.
      const second = op();
      assert.equal(await ctx.client.workflow.executeUpdateWithStart('add', { args: [6], startWorkflowOperation: second }), 10);
      assert.equal((await second.workflowHandle()).firstExecutionRunId, handle.firstExecutionRunId, 'same run');
      await handle.signal('finish');
      assert.equal(await handle.result(), 10);
    },
  },
];
