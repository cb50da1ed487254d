'use strict';
// Client-side calls: workflow id reuse and conflict policies, signal-with-start, visibility
// (list, count), describe, memo and search attributes.

const { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowNotFoundError } = require('@temporalio/client');
const { defineSearchAttributeKey, SearchAttributeType } = require('@temporalio/common');
const { assert, kinds, waitFor, rejects, listAll, eventsOf, rejectsWithCode, GRPC } = require('../lib/util');

const keywordKey = defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD);
const intKey = defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT);
const boolKey = defineSearchAttributeKey('CustomBoolField', SearchAttributeType.BOOL);
// Registered by the memo case with the operator service; the run stamp keeps it unique per run.
const REGISTERED_SA = 'EndureCompatKeyword';

module.exports = [
  {
    name: 'workflow id reuse policy',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const opts = { taskQueue: ctx.taskQueue, workflowId: id };
      const first = await ctx.client.workflow.start('quick', { ...opts, args: [1] });
      assert.equal(await first.result(), 1);

      const err = await rejects(
        ctx.client.workflow.start('quick', { ...opts, args: [2], workflowIdReusePolicy: 'REJECT_DUPLICATE' }),
        WorkflowExecutionAlreadyStartedError, 'REJECT_DUPLICATE after the run closed');
      assert.equal(err.workflowId, id);
      await rejects(
        ctx.client.workflow.start('quick', { ...opts, args: [2], workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' }),
        WorkflowExecutionAlreadyStartedError, 'ALLOW_DUPLICATE_FAILED_ONLY after a completed run');

      const second = await ctx.client.workflow.start('quick', { ...opts, args: [3], workflowIdReusePolicy: 'ALLOW_DUPLICATE' });
      assert.notEqual(second.firstExecutionRunId, first.firstExecutionRunId, 'a new run');
      assert.equal(await second.result(), 3);

      // After a failed run ALLOW_DUPLICATE_FAILED_ONLY admits a new one.
      const failId = ctx.id('failed');
      const failed = await ctx.client.workflow.start('failingWorkflow', { taskQueue: ctx.taskQueue, workflowId: failId, args: ['deliberate failure to reuse the id'] });
      await rejects(failed.result(), WorkflowFailedError, 'failing run');
      const again = await ctx.client.workflow.start('quick', {
        taskQueue: ctx.taskQueue, workflowId: failId, args: [4], workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      });
      assert.equal(await again.result(), 4);
    },
  },
  {
    name: 'workflow id conflict policy',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const opts = { taskQueue: ctx.taskQueue, workflowId: id, args: [2] };
      const running = await ctx.client.workflow.start('signalCollector', opts);
      // Let the first workflow task finish: terminating a run whose task a worker holds makes
      // that worker's completion fail with NotFound, which the SDK logs as a warning.
      await waitFor('first workflow task completed', async () => kinds(await running.fetchHistory()).includes('workflowTaskCompleted'));

      // FAIL (the default) rejects a start while a run is open.
      const err = await rejects(ctx.client.workflow.start('signalCollector', opts), WorkflowExecutionAlreadyStartedError, 'default conflict policy');
      assert.equal(err.workflowId, id);
      await rejects(ctx.client.workflow.start('signalCollector', { ...opts, workflowIdConflictPolicy: 'FAIL' }),
        WorkflowExecutionAlreadyStartedError, 'FAIL conflict policy');

      // USE_EXISTING answers with the open run.
      const existing = await ctx.client.workflow.start('signalCollector', { ...opts, workflowIdConflictPolicy: 'USE_EXISTING' });
      assert.equal(existing.firstExecutionRunId, running.firstExecutionRunId, 'USE_EXISTING returns the running run');

      // TERMINATE_EXISTING ends the open run and starts another.
      const replaced = await ctx.client.workflow.start('signalCollector', { ...opts, workflowIdConflictPolicy: 'TERMINATE_EXISTING' });
      assert.notEqual(replaced.firstExecutionRunId, running.firstExecutionRunId);
      const old = ctx.client.workflow.getHandle(id, running.firstExecutionRunId);
      assert.equal((await old.describe()).status.name, 'TERMINATED');
      await replaced.signal('addItem', 'x');
      await replaced.signal('addItem', 'y');
      assert.deepEqual(await replaced.result(), ['x', 'y']);
    },
  },
  {
    name: 'signal-with-start',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const opts = { taskQueue: ctx.taskQueue, workflowId: id, args: [2], signal: 'addItem' };
      const h1 = await ctx.client.workflow.signalWithStart('signalsUntil', { ...opts, signalArgs: ['first'] });
      assert.ok(h1.signaledRunId, 'signaledRunId');
      // The second call finds the run open and only signals it.
      const h2 = await ctx.client.workflow.signalWithStart('signalsUntil', { ...opts, signalArgs: ['second'] });
      assert.equal(h2.signaledRunId, h1.signaledRunId, 'same run signalled');
      const result = await h1.result();
      assert.deepEqual(result.items, ['first', 'second']);
      assert.equal(result.runId, h1.signaledRunId);

      const history = await h1.fetchHistory();
      const k = kinds(history);
      assert.equal(k[0], 'workflowExecutionStarted');
      // The first signal is written right after the start, before any workflow task runs.
      assert.equal(k.indexOf('workflowExecutionSignaled'), 1, `signal right after the start: ${k.join(',')}`);
      assert.equal(eventsOf(history, 'workflowExecutionSignaled').length, 2);
    },
  },
  {
    name: 'list and count with queries',
    async run(ctx) {
      await ctx.makeWorker();
      const tq = ctx.taskQueue;
      const done = [];
      for (let i = 0; i < 3; i++) {
        const id = ctx.id('done');
        await ctx.client.workflow.execute('quick', { taskQueue: tq, workflowId: id, args: [i] });
        done.push(id);
      }
      const openId = ctx.id('open');
      const open = await ctx.client.workflow.start('signalCollector', { taskQueue: tq, workflowId: openId, args: [1] });

      const completedQuery = `WorkflowType = 'quick' AND ExecutionStatus = 'Completed' AND TaskQueue = '${tq}'`;
      const completed = await waitFor('3 completed in visibility', async () => {
        const r = await listAll(ctx.client, completedQuery);
        return r.length === 3 ? r : false;
      });
      assert.deepEqual(completed.map((r) => r.workflowId).sort(), [...done].sort());
      for (const r of completed) {
        assert.equal(r.type, 'quick');
        assert.equal(r.status.name, 'COMPLETED');
        assert.equal(r.taskQueue, tq);
        assert.ok(r.closeTime instanceof Date);
      }
      assert.equal((await ctx.client.workflow.count(completedQuery)).count, 3);

      const running = await listAll(ctx.client, `TaskQueue = '${tq}' AND ExecutionStatus = 'Running'`);
      assert.deepEqual(running.map((r) => r.workflowId), [openId]);
      assert.equal((await ctx.client.workflow.count(`TaskQueue = '${tq}'`)).count, 4);
      assert.equal((await ctx.client.workflow.count(`TaskQueue = '${tq}' AND WorkflowType = 'nope'`)).count, 0);
      const byId = await listAll(ctx.client, `WorkflowId IN ('${done[0]}', '${done[2]}')`);
      assert.deepEqual(byId.map((r) => r.workflowId).sort(), [done[0], done[2]].sort());
      const prefix = await listAll(ctx.client, `TaskQueue = '${tq}' AND WorkflowId STARTS_WITH '${openId.slice(0, openId.indexOf('-open-') + 6)}'`);
      assert.deepEqual(prefix.map((r) => r.workflowId), [openId]);
      // Newest first by default (StartTime descending).
      const all = await listAll(ctx.client, `TaskQueue = '${tq}'`);
      assert.equal(all[0].workflowId, openId, 'newest first');

      const grouped = await ctx.client.workflow.count(`TaskQueue = '${tq}' GROUP BY ExecutionStatus`);
      assert.equal(grouped.count, 4);
      const groups = Object.fromEntries(grouped.groups.map((g) => [g.groupValues[0], g.count]));
      assert.deepEqual(groups, { Completed: 3, Running: 1 });

      // A malformed query is an InvalidArgument, not an empty answer.
      await rejectsWithCode(listAll(ctx.client, `TaskQueue = `), GRPC.INVALID_ARGUMENT, 'list with a malformed query');
      await rejectsWithCode(ctx.client.workflow.count(`NoSuchAttributeXyz = 1`), GRPC.INVALID_ARGUMENT, 'count by an unknown attribute');
      await open.signal('addItem', 'end');
      await open.result();
    },
  },
  {
    name: 'describe',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const memo = { owner: 'compat', nested: { n: 1, list: [1, 2] } };
      const handle = await ctx.client.workflow.start('signalCollector', { taskQueue: ctx.taskQueue, workflowId: id, args: [1], memo });
      await waitFor('first workflow task completed', async () => kinds(await handle.fetchHistory()).includes('workflowTaskCompleted'));
      const d = await handle.describe();
      assert.equal(d.workflowId, id);
      assert.equal(d.runId, handle.firstExecutionRunId);
      assert.equal(d.type, 'signalCollector');
      assert.equal(d.taskQueue, ctx.taskQueue);
      assert.equal(d.status.name, 'RUNNING');
      assert.deepEqual(d.memo, memo);
      assert.ok(d.startTime instanceof Date && Math.abs(d.startTime.getTime() - Date.now()) < 60_000, `startTime ${d.startTime}`);
      assert.equal(d.closeTime, undefined);
      assert.ok(d.historyLength >= 3, `historyLength ${d.historyLength}`);
      await handle.signal('addItem', 'x');
      await handle.result();
      const closed = await handle.describe();
      assert.equal(closed.status.name, 'COMPLETED');
      assert.ok(closed.closeTime instanceof Date);
      assert.equal(closed.historyLength, (await handle.fetchHistory()).events.length, 'historyLength matches the history');
      // NotFound from the server; the client turns it into WorkflowNotFoundError.
      await rejects(ctx.client.workflow.getHandle(ctx.id('missing')).describe(), WorkflowNotFoundError, 'describe of an unknown workflow');
    },
  },
  {
    name: 'memo and search attributes',
    async run(ctx) {
      // A custom attribute registered through the operator service, then set by the workflow.
      const ops = ctx.client.connection.operatorService;
      const registered = `${REGISTERED_SA}${ctx.taskQueue.slice(-6).replace(/[^a-z0-9]/gi, '')}`;
      await ops.addSearchAttributes({ namespace: 'default', searchAttributes: { [registered]: 2 /* KEYWORD */ } });
      const listed = await ops.listSearchAttributes({ namespace: 'default' });
      assert.equal(listed.customAttributes[registered], 2, 'ListSearchAttributes shows the registered attribute');
      assert.ok('CustomKeywordField' in listed.customAttributes, 'predefined CustomKeywordField');

      await ctx.makeWorker();
      const id = ctx.id();
      const keyword = `kw-${id}`;
      const memo = { team: 'compat', n: 3 };
      const handle = await ctx.client.workflow.start('attributesWorkflow', {
        taskQueue: ctx.taskQueue, workflowId: id, args: [registered, `up-${id}`], memo,
        typedSearchAttributes: [
          { key: keywordKey, value: keyword },
          { key: intKey, value: 7 },
          { key: boolKey, value: true },
        ],
      });
      await waitFor('upsert in history', async () => kinds(await handle.fetchHistory()).includes('upsertWorkflowSearchAttributes'));

      const d = await handle.describe();
      assert.equal(d.typedSearchAttributes.get(keywordKey), keyword);
      assert.equal(d.typedSearchAttributes.get(intKey), 42, 'upserted CustomIntField');
      assert.equal(d.typedSearchAttributes.get(boolKey), true);
      assert.equal(d.typedSearchAttributes.get(defineSearchAttributeKey(registered, SearchAttributeType.KEYWORD)), `up-${id}`);
      assert.deepEqual(d.memo, { ...memo, upserted: true }, 'memo after upsertMemo');

      const q = `CustomKeywordField = '${keyword}' AND CustomIntField = 42 AND ${registered} = 'up-${id}'`;
      const found = await waitFor('list by search attributes', async () => {
        const r = await listAll(ctx.client, q);
        return r.length === 1 ? r : false;
      });
      assert.equal(found[0].workflowId, id);
      assert.deepEqual(found[0].memo, { ...memo, upserted: true }, 'memo in list results');
      assert.equal((await ctx.client.workflow.count(`CustomKeywordField = '${keyword}' AND CustomIntField = 7`)).count, 0,
        'the old value no longer matches');
      assert.equal((await ctx.client.workflow.count(`CustomKeywordField = '${keyword}' AND CustomIntField > 40 AND CustomBoolField = true`)).count, 1);

      await handle.signal('finish');
      const seen = await handle.result();
      assert.equal(seen.keyword, keyword, 'workflow saw its start attributes');
      assert.equal(seen.int, 7);
      assert.deepEqual(seen.memo, memo, 'workflow saw its memo');
      // Visibility of the closed run keeps the attributes.
      const closed = await waitFor('closed run listed', async () => {
        const r = await listAll(ctx.client, `${q} AND ExecutionStatus = 'Completed'`);
        return r.length === 1 ? r : false;
      });
      assert.equal(closed[0].workflowId, id);

      // An attribute nobody registered is refused at start (InvalidArgument).
      await rejectsWithCode(ctx.client.workflow.start('quick', {
        taskQueue: ctx.taskQueue, workflowId: ctx.id('bad-sa'), args: [1],
        typedSearchAttributes: [{ key: defineSearchAttributeKey('NoSuchAttributeXyz', SearchAttributeType.KEYWORD), value: 'x' }],
      }), GRPC.INVALID_ARGUMENT, 'start with an unregistered search attribute');
    },
  },
];
