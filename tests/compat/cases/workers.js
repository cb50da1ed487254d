'use strict';
// Workers: patching and replay of recorded histories, a worker without a workflow cache, two
// workers on one task queue, a worker killed mid-workflow, and 200 workflows at once.

const { spawn } = require('node:child_process');
const path = require('node:path');
const { Worker } = require('@temporalio/worker');
const { DeterminismViolationError } = require('@temporalio/workflow');
const { assert, eventsOf, kinds, waitFor, rejects, listAll, assertEventIdsContiguous } = require('../lib/util');

// TaskQueueKind as written in WorkflowTaskScheduled events.
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_KIND_STICKY = 2;
// TimeoutType in a Failure's timeoutFailureInfo.
const TIMEOUT_TYPE_START_TO_CLOSE = 1;
const PENDING_ACTIVITY_STATE_STARTED = 2;

// A copy of `history` whose workflow type is `type`: replaying it runs that function instead,
// which is how the cases simulate deploying changed code without a second bundle.
// The copy keeps the protobuf message objects (and their int64 Longs) the replayer encodes.
function withType(history, type) {
  const clone = (msg, patch) => Object.assign(Object.create(Object.getPrototypeOf(msg)), msg, patch);
  const first = history.events[0];
  const started = clone(first.workflowExecutionStartedEventAttributes, { workflowType: { name: type } });
  return { events: [clone(first, { workflowExecutionStartedEventAttributes: started }), ...history.events.slice(1)] };
}

async function replay(ctx, history) {
  return Worker.runReplayHistory({ workflowBundle: ctx.bundle }, history);
}

// Nondeterminism found while replaying is logged by the SDK at WARN/ERROR; the replay case
// provokes it on purpose.
const nondeterminismExpected = [
  { why: 'replaying a changed workflow on purpose', test: (e) => /nondetermin|determinism/i.test(`${e.message} ${JSON.stringify(e.meta || {})}`) },
];

module.exports = [
  {
    name: 'patching: patched() and deprecatePatch()',
    expectedWarnings: nondeterminismExpected,
    async run(ctx) {
      await ctx.makeWorker();
      // New code running live: patched() is true, a patch marker is recorded.
      const newId = ctx.id('new');
      assert.equal(await ctx.client.workflow.execute('patchedWorkflow', { taskQueue: ctx.taskQueue, workflowId: newId }), 'new');
      const newHistory = await ctx.client.workflow.getHandle(newId).fetchHistory();
      const markers = eventsOf(newHistory, 'markerRecorded');
      assert.equal(markers.length, 1, 'one marker');
      assert.equal(markers[0].markerName, 'core_patch');

      // Old code running live, then its history replayed with the new code: patched() is false
      // there and the old path is taken, so the replay is deterministic.
      const oldId = ctx.id('old');
      assert.equal(await ctx.client.workflow.execute('patchedWorkflowOld', { taskQueue: ctx.taskQueue, workflowId: oldId }), 'old');
      const oldHistory = await ctx.client.workflow.getHandle(oldId).fetchHistory();
      assert.equal(eventsOf(oldHistory, 'markerRecorded').length, 0);
      await replay(ctx, withType(oldHistory, 'patchedWorkflow'));
      await replay(ctx, newHistory);

      // Once no old run remains, deprecatePatch() replays the patched history...
      await replay(ctx, withType(newHistory, 'patchedWorkflowDeprecated'));
      // ...and runs live...
      assert.equal(await ctx.client.workflow.execute('patchedWorkflowDeprecated', { taskQueue: ctx.taskQueue, workflowId: ctx.id('dep') }), 'new');
      // ...but cannot replay a history from before the patch.
      await rejects(replay(ctx, withType(oldHistory, 'patchedWorkflowDeprecated')), DeterminismViolationError,
        'replaying pre-patch history with the deprecated patch');
    },
  },
  {
    name: 'history fetched and replayed; changed code is a determinism violation',
    expectedWarnings: nondeterminismExpected,
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const handle = await ctx.client.workflow.start('replaySubject', { taskQueue: ctx.taskQueue, workflowId: id, args: [id] });
      await waitFor('child completed', async () => kinds(await handle.fetchHistory()).includes('childWorkflowExecutionCompleted'));
      await handle.signal('addItem', 'x');
      assert.deepEqual(await handle.result(), { a: 'first', child: 8, items: ['x'] });

      const history = await handle.fetchHistory();
      assertEventIdsContiguous(history);
      const k = kinds(history);
      for (const kind of ['activityTaskCompleted', 'timerFired', 'childWorkflowExecutionCompleted', 'workflowExecutionSignaled', 'workflowExecutionCompleted']) {
        assert.ok(k.includes(kind), `history has ${kind}`);
      }
      await replay(ctx, history);
      const err = await rejects(replay(ctx, withType(history, 'replaySubjectChanged')), DeterminismViolationError, 'replay with reordered commands');
      assert.match(err.message, /nondetermin/i);

      // fetchHistory() pages through GetWorkflowExecutionHistory; the page size must be honoured
      // and a token given for the rest.
      const raw = await ctx.client.workflowService.getWorkflowExecutionHistory({
        namespace: 'default', execution: { workflowId: id }, maximumPageSize: 3,
      });
      assert.ok(raw.history.events.length <= 3, `page size honoured: ${raw.history.events.length}`);
      assert.ok(raw.nextPageToken && raw.nextPageToken.length > 0, 'a next page token');
    },
  },
  {
    name: 'worker with the workflow cache disabled',
    async run(ctx) {
      // Without a cache every workflow task replays the whole history from event 1.
      await ctx.makeWorker({ maxCachedWorkflows: 0 });
      const id = ctx.id('nocache');
      const handle = await ctx.client.workflow.start('multiStep', { taskQueue: ctx.taskQueue, workflowId: id });
      await waitFor('second activity completed', async () => eventsOf(await handle.fetchHistory(), 'activityTaskCompleted').length >= 2);
      await handle.signal('go');
      assert.equal(await handle.result(), 6);
      const history = await handle.fetchHistory();
      const scheduled = eventsOf(history, 'workflowTaskScheduled');
      assert.ok(scheduled.length >= 4, `${scheduled.length} workflow tasks`);
      // No cache means no sticky queue: every task went to the normal queue.
      for (const s of scheduled) assert.equal(s.taskQueue.kind, TASK_QUEUE_KIND_NORMAL, `task on ${s.taskQueue.name}`);

      // The same workflow on a worker with a cache: later tasks go to its sticky queue.
      const tq2 = `${ctx.taskQueue}-cached`;
      await ctx.makeWorker({ taskQueue: tq2, tag: 'cached' });
      const h2 = await ctx.client.workflow.start('multiStep', { taskQueue: tq2, workflowId: ctx.id('cached') });
      await waitFor('second activity completed', async () => eventsOf(await h2.fetchHistory(), 'activityTaskCompleted').length >= 2);
      await h2.signal('go');
      assert.equal(await h2.result(), 6);
      const s2 = eventsOf(await h2.fetchHistory(), 'workflowTaskScheduled');
      assert.equal(s2[0].taskQueue.kind, TASK_QUEUE_KIND_NORMAL, 'first task on the normal queue');
      assert.ok(s2.slice(1).some((s) => s.taskQueue.kind === TASK_QUEUE_KIND_STICKY),
        `later tasks on the sticky queue: ${s2.map((s) => `${s.taskQueue.name}/${s.taskQueue.kind}`).join(', ')}`);
    },
  },
  {
    name: 'two workers share a task queue',
    async run(ctx) {
      // The SDK refuses two workers on one task queue over one connection (its core keeps one
      // per namespace and queue per client), so the second gets a connection of its own, as a
      // second process would.
      await ctx.makeWorker({ tag: 'w1' });
      await ctx.makeWorker({ tag: 'w2', ownConnection: true });
      const handles = await Promise.all(Array.from({ length: 30 }, () =>
        ctx.client.workflow.start('whoRuns', { taskQueue: ctx.taskQueue, workflowId: ctx.id(), args: [2] })));
      const results = await Promise.all(handles.map((h) => h.result()));
      const tags = results.flat().map((r) => r.split(':')[0]);
      assert.equal(tags.length, 60);
      const counts = { w1: tags.filter((t) => t === 'w1').length, w2: tags.filter((t) => t === 'w2').length };
      assert.ok(counts.w1 > 0 && counts.w2 > 0, `both workers ran activities: ${JSON.stringify(counts)}`);
      assert.ok(results.flat().every((r) => r.endsWith(':1')), 'no activity needed a retry');
    },
  },
  {
    name: 'worker killed mid-workflow, another finishes it',
    async run(ctx) {
      const child = spawn(process.execPath, [path.join(__dirname, '..', 'worker_process.js'), ctx.address, ctx.taskQueue, ctx.bundlePath, 'child'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
      try {
        await waitFor('child worker ready', () => out.includes('worker-ready') || child.exitCode != null, { timeoutMs: 30_000 });
        assert.ok(out.includes('worker-ready'), `child worker failed to start: ${err}`);
        const id = ctx.id();
        const handle = await ctx.client.workflow.start('killedWorkerWorkflow', { taskQueue: ctx.taskQueue, workflowId: id });
        await waitFor('second activity running on the child', () => out.includes('slowOnChild started'), { timeoutMs: 20_000 });
        // Describe shows the running attempt (an ActivityTaskStarted is not written yet).
        const pending = (await handle.describe()).raw.pendingActivities || [];
        assert.equal(pending.length, 1, 'one pending activity');
        assert.equal(pending[0].activityType.name, 'slowOnChild');
        assert.equal(pending[0].state, PENDING_ACTIVITY_STATE_STARTED, 'pending activity state STARTED');
        assert.equal(pending[0].attempt, 1);
        child.kill('SIGKILL');
        assert.equal((await exited).signal, 'SIGKILL');

        // A fresh worker picks up the workflow: the stuck attempt times out (start-to-close 3 s)
        // and is retried there; the workflow task sticky to the dead worker must come back to
        // the normal queue.
        await ctx.makeWorker({ tag: 'rescuer' });
        const result = await handle.result();
        assert.deepEqual(result, ['child:1', 'rescuer:2']);
        const history = await handle.fetchHistory();
        const started = eventsOf(history, 'activityTaskStarted');
        assert.equal(started.length, 2);
        assert.equal(started[1].attempt, 2, 'second activity finished on attempt 2');
        assert.equal(started[1].lastFailure && started[1].lastFailure.timeoutFailureInfo && started[1].lastFailure.timeoutFailureInfo.timeoutType,
          TIMEOUT_TYPE_START_TO_CLOSE, 'attempt 1 ended by its start-to-close timeout');
      } finally {
        if (child.exitCode == null && child.signalCode == null) child.kill('SIGKILL');
      }
    },
  },
  {
    name: '200 workflows at once',
    async run(ctx) {
      await ctx.makeWorker({ maxConcurrentWorkflowTaskExecutions: 100, maxConcurrentActivityTaskExecutions: 200 });
      const N = 200;
      const t0 = Date.now();
      const handles = await Promise.all(Array.from({ length: N }, (_, i) =>
        ctx.client.workflow.start('manyWorkflow', { taskQueue: ctx.taskQueue, workflowId: ctx.id(`n${i}`), args: [i] })));
      const results = await Promise.all(handles.map((h) => h.result()));
      assert.deepEqual(results, Array.from({ length: N }, (_, i) => i));
      const ms = Date.now() - t0;
      const count = await ctx.client.workflow.count(`TaskQueue = '${ctx.taskQueue}' AND ExecutionStatus = 'Completed'`);
      assert.equal(count.count, N, 'all completed in visibility');
      const listed = await listAll(ctx.client, `TaskQueue = '${ctx.taskQueue}'`);
      assert.equal(listed.length, N, 'list pages through all of them');
      assert.equal(new Set(listed.map((r) => r.workflowId)).size, N, 'no duplicates across pages');
      if (process.env.COMPAT_VERBOSE) console.error(`  200 workflows in ${ms} ms`);
    },
  },
];
