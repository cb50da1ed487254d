'use strict';
// The server killed (SIGKILL) mid-workflow and restarted on the same database file and port:
// every acknowledged workflow must continue, and the SDK's client and worker reconnect on their
// own (no new client or worker is created here on purpose: a real Temporal restart looks the
// same to them).

const { assert, eventsOf, kinds, waitFor, assertEventIdsContiguous } = require('../lib/util');
const { observations } = require('../activities');

// While the server is down the SDK's core logs failed polls and calls at WARN. The case causes
// that on purpose; only lines about reaching the server are let through, and only while this
// case runs (run.js attributes log lines to cases by time).
const transportErrors = [
  {
    why: 'the case kills the server: polls and calls fail until it is back',
    test: (e) => /transport error|tcp connect error|connection refused|unavailable|broken pipe|connection reset|h2 protocol error|network error/i.test(
      `${e.message} ${JSON.stringify(e.meta || {}, (k, v) => (typeof v === 'bigint' ? String(v) : v))}`),
  },
];

module.exports = [
  {
    name: 'server killed mid-workflow and restarted on the same file and port',
    expectedWarnings: transportErrors,
    async run(ctx) {
      await ctx.makeWorker();
      const doneId = ctx.id('done');
      assert.equal(await ctx.client.workflow.execute('quick', { taskQueue: ctx.taskQueue, workflowId: doneId, args: ['before'] }), 'before');

      const id = ctx.id('sleeping');
      const handle = await ctx.client.workflow.start('restartWorkflow', { taskQueue: ctx.taskQueue, workflowId: id, args: [3000] });
      const waitingId = ctx.id('waiting');
      const waiting = await ctx.client.workflow.start('signalCollector', { taskQueue: ctx.taskQueue, workflowId: waitingId, args: [1] });
      // An activity that runs through the crash: it completes after the restart, with the task
      // token it got before, and maximumAttempts 1 means a lost start would fail the workflow.
      const longId = ctx.id('activity');
      const long = await ctx.client.workflow.start('longActivityWorkflow', { taskQueue: ctx.taskQueue, workflowId: longId, args: [2500] });
      await waitFor('TimerStarted', async () => kinds(await handle.fetchHistory()).includes('timerStarted'));
      await waitFor('waiting workflow ran its first task', async () => kinds(await waiting.fetchHistory()).includes('workflowTaskCompleted'));
      await waitFor('long activity running', () => (observations.get(longId) || []).some((o) => o.started));

      const portBefore = ctx.address;
      const exit = await ctx.restartServer({ kill: true });
      assert.equal(exit.signal, 'SIGKILL');
      assert.equal(ctx.address, portBefore, 'same address after restart');

      // What closed before the crash is still there.
      const done = ctx.client.workflow.getHandle(doneId);
      assert.equal((await done.describe()).status.name, 'COMPLETED');
      assert.equal(await done.result(), 'before');

      // The timer (which may have come due while the server was down) fires, the workflow goes
      // on to its second activity and then waits for the signal.
      await waitFor('second activity after the timer', async () =>
        eventsOf(await handle.fetchHistory(), 'activityTaskCompleted').length === 2, { timeoutMs: 30_000 });
      await handle.signal('addItem', 'after restart');
      assert.deepEqual(await handle.result(), ['before', 'after', 'after restart']);
      await waiting.signal('addItem', 'w');
      assert.deepEqual(await waiting.result(), ['w']);
      assert.equal(await long.result(), 2500, 'the activity running through the crash completed it');
      const longStarted = eventsOf(await long.fetchHistory(), 'activityTaskStarted');
      assert.equal(longStarted.length, 1);
      assert.equal(longStarted[0].attempt, 1, 'completed by the attempt started before the crash');

      const history = await handle.fetchHistory();
      assertEventIdsContiguous(history);
      assert.equal(eventsOf(history, 'timerFired').length, 1, 'the timer fired once');
      assert.equal(kinds(history).at(-1), 'workflowExecutionCompleted');

      // New work after the restart, on the same worker.
      assert.equal(await ctx.client.workflow.execute('echoActivity', { taskQueue: ctx.taskQueue, workflowId: ctx.id('after'), args: ['x'] }), 'x');
    },
  },
];
