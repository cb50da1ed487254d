'use strict';
// The C++ SDK and the TypeScript SDK on one server: a C++ workflow (JARVIS's, run by the
// worker inside `endure server start-dev`) started, signalled and queried from the TypeScript
// client; and a TypeScript workflow started from the C++ client (tests/runtime/
// cpp_client_probe_main.cc, whose path ctest passes in ENDURE_CPP_CLIENT).

const { execFile } = require('node:child_process');
const { assert, waitFor } = require('../lib/util');

module.exports = [
  {
    name: 'interop: a C++ workflow started, signalled and queried from the TypeScript client',
    async run(ctx) {
      const handle = await ctx.client.workflow.start('ModelTrainingWorkflow', {
        taskQueue: 'jarvis-task-queue',
        workflowId: ctx.id(),
        args: [{
          model_id: 'interop-model',
          training_config: { num_steps: 300, chunk_steps: 100, learning_rate: 0.1, batch_size: 32, target_accuracy: 1.01 },
        }],
      });
      await handle.signal('pause_training');
      await waitFor('paused', async () => (await handle.query('get_training_progress')).status === 'paused');
      await handle.signal('resume_training');
      const result = await handle.result();
      assert.equal(result.status, 'completed');
      assert.equal(result.step, 300);
      assert.equal(result.chunks, 3);
      assert.equal(result.weights.length, 8);
      const progress = await handle.query('get_training_progress');
      assert.equal(progress.step, 300, 'queried after completion, from the replayed history');
    },
  },
  {
    name: 'interop: a TypeScript workflow started from the C++ client',
    async run(ctx) {
      const probe = process.env.ENDURE_CPP_CLIENT;
      assert.ok(probe, 'ENDURE_CPP_CLIENT names the C++ client probe (ctest sets it)');
      await ctx.makeWorker();
      const id = ctx.id();
      const out = await new Promise((resolve) => {
        execFile(probe, [ctx.address, 'double', ctx.taskQueue, id, '21'], { timeout: 60_000 },
          (error, stdout, stderr) => resolve({ code: error ? error.code ?? 1 : 0, stdout, stderr }));
      });
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout.trim(), 'result 42');
      const described = await ctx.client.workflow.getHandle(id).describe();
      assert.equal(described.status.name, 'COMPLETED');
    },
  },
];
