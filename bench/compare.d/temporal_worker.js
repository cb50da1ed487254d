'use strict';
// The Temporal TypeScript worker as a process of its own, at the SDK's default settings:
//   node temporal_worker.js --address HOST:PORT --task-queue Q --bundle FILE
// Prints "worker ready" once it polls; stops on SIGTERM/SIGINT.
const { Runtime, DefaultLogger, NativeConnection, Worker } = require('@temporalio/worker');
const { args } = require('./lib');

async function main() {
  const a = args();
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: ['SIGTERM', 'SIGINT'] });
  const connection = await NativeConnection.connect({ address: a.address });
  const worker = await Worker.create({
    connection,
    taskQueue: a['task-queue'],
    workflowBundle: { codePath: a.bundle },
    activities: { step: async (i) => i },
  });
  const running = worker.run();
  process.stdout.write('worker ready\n');
  await running;
  await connection.close();
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
