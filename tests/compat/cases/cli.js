'use strict';
// The `endure workflow` commands that need a worker, with a TypeScript worker behind them:
// execute (start and wait), query, update, result, and `show --output json` replayed by the
// SDK's replayer.

const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { Worker } = require('@temporalio/worker');
const { assert, kinds } = require('../lib/util');

// Runs `endure workflow ...` against the suite's server; resolves {code, stdout, stderr}.
function endure(ctx, args) {
  return new Promise((resolve) => {
    execFile(ctx.endureBin, ['workflow', ...args, '--address', ctx.address], { timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? error.code ?? 1 : 0, stdout, stderr }));
  });
}

module.exports = [
  {
    name: 'cli: execute waits for the result',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const out = await endure(ctx, ['execute', '-w', id, '--type', 'double', '-t', ctx.taskQueue, '--input', '21']);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /Status: Completed\nResult: 42\n/);
      const failed = await endure(ctx, ['execute', '-w', ctx.id(), '--type', 'failingWorkflow', '-t', ctx.taskQueue,
        '--input', '"deliberate failure from the CLI case"']);
      assert.equal(failed.code, 1, 'a failed workflow exits 1');
      assert.match(failed.stdout, /Status: Failed\nFailure: deliberate failure from the CLI case/);
    },
  },
  {
    name: 'cli: query, update, signal and result',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const started = await endure(ctx, ['start', '-w', id, '--type', 'updatable', '-t', ctx.taskQueue, '-o', 'json']);
      assert.equal(started.code, 0, started.stderr);
      const runId = JSON.parse(started.stdout).runId;
      assert.ok(runId);
      let out = await endure(ctx, ['update', '-w', id, '--name', 'add', '--input', '5']);
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout.trim(), '5');
      out = await endure(ctx, ['update', '-w', id, '--name', 'add', '--input', '-1']);
      assert.notEqual(out.code, 0, 'a rejected update fails');
      assert.match(out.stderr, /deliberate rejection/);
      out = await endure(ctx, ['query', '-w', id, '-r', runId, '--name', 'total']);
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout.trim(), '5');
      out = await endure(ctx, ['query', '-w', id, '--name', 'no-such-query']);
      assert.notEqual(out.code, 0, 'an unknown query fails');
      assert.match(out.stderr, /no-such-query/);
      out = await endure(ctx, ['signal', '-w', id, '--name', 'finish']);
      assert.equal(out.code, 0, out.stderr);
      out = await endure(ctx, ['result', '-w', id]);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /Result: 5/);
    },
  },
  {
    name: 'cli: show --output json replays in the SDK replayer',
    async run(ctx) {
      await ctx.makeWorker();
      const id = ctx.id();
      const handle = await ctx.client.workflow.start('replaySubject', { taskQueue: ctx.taskQueue, workflowId: id, args: [id] });
      await handle.signal('addItem', 'x');
      await handle.result();
      const out = await endure(ctx, ['show', '-w', id, '--output', 'json']);
      assert.equal(out.code, 0, out.stderr);
      const file = path.join(ctx.tmpDir, `${id}.json`);
      fs.writeFileSync(file, out.stdout);
      const history = JSON.parse(out.stdout);
      assert.equal(history.events[0].eventId, '1');
      assert.equal(history.events[0].eventType, 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
      // The SDK reads the file as it reads `temporal workflow show --output json`.
      await Worker.runReplayHistory({ workflowBundle: ctx.bundle }, history, id);
      assert.ok(kinds(await ctx.client.workflow.getHandle(id).fetchHistory()).length === history.events.length);
    },
  },
];
