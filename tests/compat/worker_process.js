'use strict';
// A worker in a process of its own, for the killed-worker case: the case SIGKILLs this process
// while one of its activities runs, so that nothing (no ShutdownWorker call, no failed
// activity) tells the server the worker went away.
//
//   node worker_process.js <address> <taskQueue> <bundlePath> <tag>
//
// Prints "worker-ready" once the worker runs; its activities print what they do (activities.js).

const { Runtime, DefaultLogger, NativeConnection, Worker } = require('@temporalio/worker');
const { createActivities } = require('./activities');

async function main() {
  const [address, taskQueue, bundlePath, tag] = process.argv.slice(2);
  Runtime.install({
    logger: new DefaultLogger('WARN', (e) => process.stderr.write(`[${tag} ${e.level}] ${e.message}\n`)),
    shutdownSignals: [],
  });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath: bundlePath },
    activities: createActivities(tag),
  });
  const running = worker.run();
  process.stdout.write('worker-ready\n');
  await running;
}

main().catch((err) => {
  process.stderr.write(`worker_process: ${err.stack || err}\n`);
  process.exit(1);
});
