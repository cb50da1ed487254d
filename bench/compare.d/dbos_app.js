'use strict';
// DBOS's side of bench/compare: a Node app with @dbos-inc/dbos-sdk on the private PostgreSQL.
// DBOS is a library, so its clients are calls in the app's own process (as DBOS is used); each
// command launches DBOS, runs, prints one JSON line on stdout and shuts DBOS down.
//
//   latency    --db URL --steps N --count M
//   throughput --db URL --steps N --clients C --seconds S [--warmup W]
//   timers     --db URL --count N --delay-ms D
//   startup    --db URL            prints "ready" once launched and one workflow answered, then
//                                  idles until SIGTERM (the driver reads its RSS)
//   open       --db URL --count N  starts N sleeping workflows, prints "open", idles
const { DBOS } = require('@dbos-inc/dbos-sdk');
const { args, emit, summary, closedLoop, pool } = require('./lib');

const a = args();
const cmd = a._[0];
const runTag = `${process.pid.toString(36)}-${Date.now().toString(36)}`;
let seq = 0;
const newId = (p) => `${p}-${runTag}-${(seq++).toString(36)}`;

async function step(i) {
  return i;
}

const steps = DBOS.registerWorkflow(async (n) => {
  for (let i = 0; i < n; i++) await DBOS.runStep(() => step(i), { name: 'step' });
  return n;
}, { name: 'steps' });

const wokeRuns = new Map();
const sleeper = DBOS.registerWorkflow(async (deadline) => {
  const wait = deadline - (await DBOS.now());
  if (wait > 0) await DBOS.sleep(wait);
  const id = DBOS.workflowID;
  const woke = await DBOS.runStep(async () => {
    wokeRuns.set(id, (wokeRuns.get(id) || 0) + 1);
    return Date.now();
  }, { name: 'woke' });
  return { late: woke - deadline, slept: wait > 0 };
}, { name: 'sleeper' });

const idle = DBOS.registerWorkflow(async () => {
  await DBOS.sleep(30 * 24 * 3600 * 1000);
  return 0;
}, { name: 'idle' });

async function run(n) {
  const r = await DBOS.withNextWorkflowID(newId('s'), () => steps(n));
  if (r !== n) throw new Error(`steps(${n}) returned ${r}`);
}

async function latency() {
  const n = Number(a.steps);
  const count = Number(a.count);
  for (let i = 0; i < Math.min(10, count); i++) await run(n);
  const lat = [];
  for (let i = 0; i < count; i++) {
    const s = performance.now();
    await run(n);
    lat.push(performance.now() - s);
  }
  emit(summary(lat));
}

async function throughput() {
  const n = Number(a.steps);
  emit(await closedLoop(Number(a.clients), Number(a.seconds), Number(a.warmup ?? 2), () => run(n)));
}

async function timers() {
  const count = Number(a.count);
  const deadline = Date.now() + Number(a['delay-ms']);
  const handles = new Array(count);
  await pool(count, 64, async (i) => {
    handles[i] = await DBOS.startWorkflow(sleeper, { workflowID: newId('t') })(deadline);
  });
  const startedBy = Date.now() - deadline;
  const late = [];
  let lost = 0;
  let unslept = 0;
  await pool(count, 1024, async (i) => {
    try {
      const r = await handles[i].getResult();
      if (r.slept) late.push(r.late);
      else unslept += 1;
    } catch {
      lost += 1;
    }
  });
  let doubled = 0;
  let runs = 0;
  for (const v of wokeRuns.values()) {
    runs += v;
    if (v > 1) doubled += 1;
  }
  emit({ ...summary(late), fired: late.length + unslept, lost, doubled, unslept, step_runs: runs, start_overran_ms: Math.max(0, startedBy) });
}

const forever = () => new Promise(() => setInterval(() => {}, 1 << 30));

async function startup() {
  await run(1);
  process.stdout.write('ready\n');
  await forever();
}

async function open() {
  const count = Number(a.count);
  await pool(count, 64, async () => {
    await DBOS.startWorkflow(idle, { workflowID: newId('o') })();
  });
  process.stdout.write('open\n');
  await forever();
}

const commands = { latency, throughput, timers, startup, open };

async function main() {
  if (!commands[cmd]) throw new Error(`unknown command ${cmd}`);
  DBOS.setConfig({ name: 'endure-bench', systemDatabaseUrl: a.db, runAdminServer: false, logLevel: 'warn' });
  await DBOS.launch();
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
  await commands[cmd]();
  await DBOS.shutdown();
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
