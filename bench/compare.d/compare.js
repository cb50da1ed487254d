'use strict';
// bench/compare's driver (bench/compare sets up the packages, the build and PostgreSQL, then
// runs this). It runs the comparison's scenarios for Endure and its peers, the engines alternating
// within each repetition, and prints a table of medians and the `ratios:` line. See the header
// of bench/compare for the definitions.
//
//   node compare.js --tmp DIR --endure BIN --embedded BIN --pg URL --pg-pid PID
//                   [--quick] [--reps N] [--only 1,2,3,4,5,6]

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const http2 = require('node:http2');
const path = require('node:path');
const { printTable, ratioLine } = require('./report');
const {
  median, sleep, freePort, start, waitLine, stop, stopAllSync, rssMb, treePssMb, request,
  args,
} = require('./lib');

const a = args();
const quick = Boolean(a.quick);
const tmp = a.tmp;
const endureBin = a.endure;
const embeddedBin = a.embedded;
const pgUrl = a.pg; // postgresql://user@127.0.0.1:port  (no database)
const pgPid = Number(a['pg-pid']);
const only = new Set(String(a.only || '1,2,3,4,5,6').split(',').map(Number));
const reps = Number(a.reps || (quick ? 1 : 3));
const here = __dirname;
const node = process.execPath;
const restateBin = path.join(path.dirname(require.resolve('@restatedev/restate-server-linux-x64/package.json')), 'bin', 'restate-server');

// Sizes: a full run stays within ~25 minutes on 2 cores, --quick within ~5.
const N = quick
  ? { lat1: 50, lat10: 15, tputSeconds: 3, tputWarmup: 1, replay: [1000, 10000], timers: 2000, timersDelay: 8000, startupReps: 3, populate: 100000, open: 2000, recoverySeconds: 2 }
  : { lat1: 300, lat10: 60, tputSeconds: 4, tputWarmup: 2, replay: [1000, 10000, 51200], timers: 10000, timersDelay: 20000, startupReps: 5, populate: 100000, open: 10000, recoverySeconds: 4 };

const results = new Map(); // "row" -> { engine -> [values] }
const notes = new Map(); // engine -> Set of notes (failures, caveats)

function record(row, engine, value) {
  if (!results.has(row)) results.set(row, {});
  const r = results.get(row);
  (r[engine] ||= []).push(value);
}
function med(row, engine) {
  const v = results.get(row)?.[engine];
  return v ? median(v) : NaN;
}
function note(engine, text) {
  if (!notes.has(engine)) notes.set(engine, new Set());
  notes.get(engine).add(text);
}
const log = (s) => process.stderr.write(`[compare ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const logFile = (name) => path.join(tmp, 'logs', name);
fs.mkdirSync(path.join(tmp, 'logs'), { recursive: true });

// Runs a driver script (or a binary) to completion; resolves with its last JSON line.
async function runJson(cmd, argv, { timeoutMs = 600_000, name = path.basename(argv[0] || cmd) } = {}) {
  const proc = start(cmd, argv, { pipeStdout: true, log: logFile(`${name}.log`), cwd: here });
  let out = '';
  proc.stdout.on('data', (c) => { out += c.toString('utf8'); });
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await proc.exited;
  clearTimeout(timer);
  const lines = out.trim().split('\n').filter((l) => l.startsWith('{'));
  if (code !== 0 || lines.length === 0) {
    const tail = fs.readFileSync(logFile(`${name}.log`), 'utf8').trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${path.basename(cmd)} ${argv.slice(0, 2).join(' ')}: exit ${code ?? signal}: ${tail}`);
  }
  return JSON.parse(lines[lines.length - 1]);
}
const driver = (script, argv, opts) => runJson(node, [path.join(here, script), ...argv], { name: script.replace(/\.js$/, ''), ...opts });

// Runs one cell; a failure is noted (the table shows n/a) and the run goes on.
async function cell(engine, what, fn) {
  try {
    return await fn();
  } catch (err) {
    const msg = String(err.message || err).split('\n')[0].slice(0, 300);
    log(`${engine} ${what}: FAILED: ${msg}`);
    note(engine, `${what}: ${msg}`);
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Endure: the dev server, the TypeScript worker, the embedded load generator

const bundlePath = path.join(tmp, 'workflows-bundle.js');

async function startEndure({ db, port, inMemory = false, logName = 'endure-server.log' }) {
  const argv = ['server', 'start-dev', ...(inMemory ? ['--in-memory'] : ['--db-filename', db]),
    '--port', String(port), '--http-port', '0', '--no-jarvis-worker'];
  const proc = start(endureBin, argv, { pipeStdout: true, log: logFile(logName) });
  await waitLine(proc, /^Ready\.\s*$/m, 120_000, fs.createWriteStream(logFile(logName), { flags: 'a' }));
  return { proc, port, address: `127.0.0.1:${port}`, db };
}

async function startWorker(address, taskQueue, logName = 'temporal-worker.log') {
  const proc = start(node, [path.join(here, 'temporal_worker.js'), '--address', address, '--task-queue', taskQueue, '--bundle', bundlePath],
    { pipeStdout: true, log: logFile(logName), cwd: here });
  await waitLine(proc, /worker ready/, 120_000);
  await sleep(300); // its pollers reach the server
  return proc;
}

const hasEmbedded = () => fs.existsSync(embeddedBin);
let dbSeq = 0;
const freshDb = (tag) => path.join(tmp, `${tag}-${++dbSeq}.db`);
async function embedded(argv) {
  if (!hasEmbedded()) throw new Error('bench/embedded_load is not built');
  return runJson(embeddedBin, argv, { name: 'embedded_load' });
}

// ---------------------------------------------------------------------------------------------
// Restate: restate-server (ports chosen here, all on 127.0.0.1) and the service endpoint

async function startRestateServer(baseDir, logName = 'restate-server.log') {
  const [ingress, admin, fabric] = [await freePort(), await freePort(), await freePort()];
  const t0 = performance.now();
  const proc = start(restateBin, ['--bind-ip', '127.0.0.1', '--base-dir', baseDir, '--bind-port', String(fabric),
    '--no-logo', '--log-disable-ansi-codes', 'true', '--listen-mode', 'tcp'], {
    log: logFile(logName),
    env: {
      RESTATE_INGRESS__BIND_PORT: String(ingress),
      RESTATE_ADMIN__BIND_PORT: String(admin),
      RESTATE_DISABLE_TELEMETRY: 'true',
    },
  });
  // Start-up: exec to the first answered call (the ingress health check).
  for (;;) {
    if (proc.exitCode != null) throw new Error(`restate-server exited ${proc.exitCode}; see ${logFile(logName)}`);
    const ok = await freshGet(`http://127.0.0.1:${ingress}/restate/health`);
    if (ok) break;
    if (performance.now() - t0 > 60_000) throw new Error('restate-server did not answer within 60 s');
    await sleep(2);
  }
  const startupMs = performance.now() - t0;
  return { proc, ingress: `http://127.0.0.1:${ingress}`, admin: `http://127.0.0.1:${admin}`, startupMs };
}

// A GET on a new connection: true on a 2xx answer.
function freshGet(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode >= 200 && res.statusCode < 300));
    });
    req.on('error', () => resolve(false));
    req.setTimeout(5000, () => req.destroy());
  });
}

async function startRestate(baseDir) {
  const server = await startRestateServer(baseDir);
  const [port, statsPort] = [await freePort(), await freePort()];
  const endpoint = start(node, [path.join(here, 'restate_service.js'), '--port', String(port), '--stats-port', String(statsPort)],
    { pipeStdout: true, log: logFile('restate-service.log'), cwd: here, env: { RESTATE_LOGGING: 'WARN' } });
  await waitLine(endpoint, /endpoint ready/, 60_000);
  for (let i = 0; ; i++) {
    const r = await request('POST', `${server.admin}/deployments`, { uri: `http://127.0.0.1:${port}`, force: true });
    if (r.status === 200 || r.status === 201) break;
    if (i > 200) throw new Error(`registering the endpoint: ${r.status} ${JSON.stringify(r.body)}`);
    await sleep(50);
  }
  // The first invocations after registration can wait for the partitions' leaders.
  for (let i = 0; ; i++) {
    const r = await request('POST', `${server.ingress}/bench/steps`, 2).catch(() => ({}));
    if (r.status === 200 && r.body === 2) break;
    if (i > 600) throw new Error(`bench/steps does not answer: ${r.status} ${JSON.stringify(r.body)}`);
    await sleep(100);
  }
  return { ...server, endpoint, stats: `http://127.0.0.1:${statsPort}` };
}

// ---------------------------------------------------------------------------------------------
// DBOS: one app process per cell, on its own database of the private cluster

const dbosUrl = (db) => `${pgUrl}/${db}`;
const dbos = (cmd, argv, db = 'dbos_bench') => driver('dbos_app.js', [cmd, '--db', dbosUrl(db), ...argv]);

// ---------------------------------------------------------------------------------------------
// Probes

// gRPC health check (grpc.health.v1.Health/Check, empty service) on a new HTTP/2 connection:
// true when the answer is SERVING.
function grpcHealth(port) {
  return new Promise((resolve) => {
    let done = false;
    const finish = (v) => { if (!done) { done = true; session.destroy(); resolve(v); } };
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', () => finish(false));
    const req = session.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers' });
    const chunks = [];
    let status = null;
    req.on('response', (h) => { if (h['grpc-status'] != null) status = h['grpc-status']; });
    req.on('trailers', (h) => { if (h['grpc-status'] != null) status = h['grpc-status']; });
    req.on('data', (c) => chunks.push(c));
    req.on('error', () => finish(false));
    req.on('close', () => {
      const body = Buffer.concat(chunks);
      // Length-prefixed HealthCheckResponse: field 1 (status) = 1 (SERVING).
      finish(String(status) === '0' && body.length >= 7 && body[5] === 0x08 && body[6] === 0x01);
    });
    req.setTimeout(5000, () => finish(false));
    req.end(Buffer.alloc(5));
  });
}

// Exec of the dev server to its first answered RPC; the server is left running.
async function endureStartup({ db, inMemory = false, logName = 'endure-startup.log' }) {
  const port = await freePort();
  const argv = ['server', 'start-dev', ...(inMemory ? ['--in-memory'] : ['--db-filename', db]),
    '--port', String(port), '--http-port', '0', '--no-jarvis-worker'];
  const t0 = performance.now();
  const proc = start(endureBin, argv, { log: logFile(logName) });
  for (;;) {
    if (proc.exitCode != null) throw new Error(`endure exited ${proc.exitCode}; see ${logFile(logName)}`);
    if (await grpcHealth(port)) break;
    if (performance.now() - t0 > 120_000) throw new Error('the dev server did not answer within 120 s');
    await sleep(1);
  }
  return { ms: performance.now() - t0, proc, port, address: `127.0.0.1:${port}` };
}

function cpuTicks(pids) {
  let t = 0;
  for (const pid of pids) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      t += Number(f[11]) + Number(f[12]);
    } catch { /* gone */ }
  }
  return t;
}

// Waits until the processes use under 5% of a core over half a second (at most `maxMs`).
async function settle(pids, maxMs = 60_000) {
  const end = Date.now() + maxMs;
  let prev = cpuTicks(pids);
  while (Date.now() < end) {
    await sleep(500);
    const now = cpuTicks(pids);
    if (now - prev <= 2) return;
    prev = now;
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios

const tput = (engine, clients, steps, r) => {
  if (!r) return;
  record(`tput.${clients}.${steps}.wps`, engine, r.workflows_per_s);
  record(`tput.${clients}.${steps}.tps`, engine, r.workflows_per_s * (steps + 1));
};
const lat = (engine, steps, r) => {
  if (!r) return;
  record(`lat.${steps}.p50`, engine, r.p50_ms);
  record(`lat.${steps}.p99`, engine, r.p99_ms);
};
const timer = (engine, r) => {
  if (!r) return;
  record('timers.p50', engine, r.p50_ms);
  record('timers.p99', engine, r.p99_ms);
  if (r.fired_p50_ms !== undefined) record('timers.fired.p50', engine, r.fired_p50_ms);
  if (r.fired_p99_ms !== undefined) record('timers.fired.p99', engine, r.fired_p99_ms);
  record('timers.lost', engine, r.lost);
  record('timers.doubled', engine, r.doubled);
  if (r.unslept !== undefined) record('timers.unslept', engine, r.unslept);
  if (r.start_overran_ms > 0) note(engine, `timers: starting ${N.timers} took ${r.start_overran_ms} ms past the deadline`);
  if (r.unslept > 0) note(engine, `timers: ${r.unslept} workflows first ran after the deadline (left out of the lateness)`);
  if (r.started_before_deadline === false) note(engine, `timers: not every workflow started before the deadline`);
};

async function latencyAndThroughput(env) {
  const tq = env.taskQueue;
  const A = ['--address', env.endure.address, '--task-queue', tq];
  for (let rep = 1; rep <= reps; rep++) {
    if (only.has(1)) {
      for (const steps of [1, 10]) {
        const count = steps === 1 ? N.lat1 : N.lat10;
        log(`latency, ${steps} step(s), ${count} sequential workflows, rep ${rep}/${reps}`);
        lat('endure-dev', steps, await cell('endure-dev', `latency ${steps}`, () => driver('temporal_load.js', ['latency', ...A, '--steps', String(steps), '--count', String(count)])));
        lat('endure-emb', steps, await cell('endure-emb', `latency ${steps}`, () => embedded(['latency', '--steps', String(steps), '--count', String(count * 2), '--db', freshDb('emb-lat')])));
        lat('endure-cpp', steps, await cell('endure-cpp', `latency ${steps}`, () => embedded(['latency', '--address', env.endure.address, '--steps', String(steps), '--count', String(count * 2)])));
        lat('restate', steps, await cell('restate', `latency ${steps}`, () => driver('restate_load.js', ['latency', '--ingress', env.restate.ingress, '--steps', String(steps), '--count', String(count)])));
        lat('dbos', steps, await cell('dbos', `latency ${steps}`, () => dbos('latency', ['--steps', String(steps), '--count', String(count)])));
      }
    }
    if (only.has(2)) {
      for (const clients of [16, 256]) {
        for (const steps of [1, 3]) {
          log(`throughput, ${clients} clients, ${steps} step(s), rep ${rep}/${reps}`);
          const T = ['--clients', String(clients), '--steps', String(steps), '--seconds', String(N.tputSeconds), '--warmup', String(N.tputWarmup)];
          tput('endure-dev', clients, steps, await cell('endure-dev', `throughput ${clients}x${steps}`, () => driver('temporal_load.js', ['throughput', ...A, ...T])));
          tput('endure-emb', clients, steps, await cell('endure-emb', `throughput ${clients}x${steps}`, () => embedded(['throughput', ...T, '--db', freshDb('emb-tput')])));
          tput('endure-cpp', clients, steps, await cell('endure-cpp', `throughput ${clients}x${steps}`, () => embedded(['throughput', '--address', env.endure.address, ...T])));
          tput('restate', clients, steps, await cell('restate', `throughput ${clients}x${steps}`, () => driver('restate_load.js', ['throughput', '--ingress', env.restate.ingress, ...T])));
          tput('dbos', clients, steps, await cell('dbos', `throughput ${clients}x${steps}`, () => dbos('throughput', T)));
        }
      }
    }
  }
}

// The deadline leaves each engine time to start every workflow and put it to sleep first: at
// least N.timersDelay, more for an engine whose 1-step throughput (scenario 2, the lower of 16
// and 256 clients) says it needs it: 1.5x the time it takes to run as many 1-step workflows
// (0.75x through the TypeScript worker, where putting a workflow to sleep is one workflow task
// of the 1-step workflow's two and an activity), at most 4 minutes. A workflow that first runs
// after the deadline anyway is counted apart ("started late"), not in the lateness.
function timersDelay(engine) {
  const rate = Math.min(med('tput.16.1.wps', engine), med('tput.256.1.wps', engine));
  if (!(rate > 0)) return N.timersDelay;
  const factor = engine === 'endure-dev' ? 0.75 : 1.5;
  return Math.min(240_000, Math.max(N.timersDelay, Math.ceil((factor * N.timers * 1000) / rate)));
}

async function timers(env) {
  const A = ['--address', env.endure.address, '--task-queue', env.taskQueue];
  const C = (engine) => ['--count', String(N.timers), '--delay-ms', String(timersDelay(engine))];
  // 10,000 sleeping workflows take a minute or more per engine: one repetition.
  log(`timers, ${N.timers} workflows sleeping until one instant`);
  timer('endure-dev', await cell('endure-dev', 'timers', () => driver('temporal_load.js', ['timers', ...A, ...C('endure-dev')])));
  timer('endure-emb', await cell('endure-emb', 'timers', () => embedded(['timers', ...C('endure-emb'), '--db', freshDb('emb-timers')])));
  timer('restate', await cell('restate', 'timers', () => driver('restate_load.js', ['timers', '--ingress', env.restate.ingress, '--stats', env.restate.stats, ...C('restate')])));
  timer('dbos', await cell('dbos', 'timers', () => dbos('timers', C('dbos'))));
}

// Histories of about 1,000, 10,000 and 51,200 events: steps(n) has 6n+5 events.
async function generateHistories(env) {
  const files = [];
  for (const events of [50, ...N.replay]) {
    let n = Math.round((events - 5) / 6);
    if (6 * n + 5 > events + 1) n -= 1; // at most 51,200 events, Temporal's history limit
    const id = `history-${events}`;
    log(`replay: recording steps(${n}) (${6 * n + 5} events) through the dev server and the TypeScript worker`);
    const ok = await cell('endure-dev', `history ${events}`, async () => {
      await driver('temporal_load.js', ['history', '--address', env.endure.address, '--task-queue', env.taskQueue, '--steps', String(n), '--id', id], { timeoutMs: 900_000 });
      const file = path.join(tmp, `${id}.json`);
      const out = fs.openSync(file, 'w');
      const r = spawnSync(endureBin, ['workflow', 'show', '--workflow-id', id, '--output', 'json', '--address', env.endure.address], { stdio: ['ignore', out, 'pipe'], maxBuffer: 1 << 30 });
      fs.closeSync(out);
      if (r.status !== 0) throw new Error(`endure workflow show: ${r.stderr}`);
      const count = JSON.parse(fs.readFileSync(file, 'utf8')).events.length;
      if (count !== 6 * n + 5) throw new Error(`${id}: ${count} events, expected ${6 * n + 5}`);
      return { file, events: count };
    });
    if (ok) files.push(ok);
    else if (events === 50) return [];
  }
  return files;
}

// The first (small) history is the TS replayer's warm-up.
async function replay([warmup, ...files]) {
  for (let rep = 1; rep <= reps; rep++) {
    log(`replay, rep ${rep}/${reps}`);
    const ts = await cell('ts', 'replay', () => driver('temporal_load.js', ['replay', '--bundle', bundlePath, '--warmup', warmup.file, ...files.flatMap((f) => ['--history', f.file])], { timeoutMs: 1_200_000 }));
    for (const r of ts?.replays || []) record(`replay.${r.events}`, 'ts', r.events_per_s);
    for (const f of files) {
      await cell('endure', `replay ${f.events}`, async () => {
        const r = spawnSync(endureBin, ['replay', '--history', f.file, '--type', 'steps'], { encoding: 'utf8' });
        const text = `${r.stdout}\n${r.stderr}`;
        if (r.status !== 0) throw new Error(`endure replay: exit ${r.status}: ${text.trim().split('\n').slice(-1)[0]}`);
        // The replay alone, as the TypeScript replayer is timed (from the parsed history).
        const m = /\b([0-9]+(?:\.[0-9]+)?) ms replaying\b/.exec(text);
        if (!m) throw new Error(`endure replay printed no "X ms replaying": ${text.trim().slice(0, 200)}`);
        record(`replay.${f.events}`, 'endure', f.events / (Number(m[1]) / 1000));
      });
    }
  }
}

async function startupAndFootprint() {
  // Endure: an empty file database, --in-memory, then 100,000 open workflows.
  for (let rep = 1; rep <= N.startupReps; rep++) {
    log(`start-up, rep ${rep}/${N.startupReps}`);
    await cell('endure-dev', 'start-up', async () => {
      const s = await endureStartup({ db: freshDb('startup') });
      record('startup.empty', 'endure-dev', s.ms);
      await sleep(1000);
      record('rss.idle', 'endure-dev', rssMb(s.proc.pid));
      await stop(s.proc);
      const m = await endureStartup({ inMemory: true });
      record('startup.memory', 'endure-dev', m.ms);
      await stop(m.proc);
    });
    await cell('restate', 'start-up', async () => {
      const r = await startRestateServer(path.join(tmp, `restate-startup-${rep}`), 'restate-startup.log');
      record('startup.empty', 'restate', r.startupMs);
      await sleep(1000);
      record('rss.idle', 'restate', rssMb(r.proc.pid));
      await stop(r.proc);
    });
    await cell('dbos', 'start-up', async () => {
      const t0 = performance.now();
      const p = start(node, [path.join(here, 'dbos_app.js'), 'startup', '--db', dbosUrl(`dbos_startup_${rep}`)], { pipeStdout: true, log: logFile('dbos-startup.log'), cwd: here });
      await waitLine(p, /^ready$/m, 120_000);
      record('startup.empty', 'dbos', performance.now() - t0);
      await sleep(1000);
      record('rss.idle', 'dbos', rssMb(p.pid));
      record('rss.idle.pg', 'dbos', treePssMb(pgPid));
      await stop(p);
    });
  }

  // 10,000 open workflows, each asleep on a 30-day timer, then RSS once everything is quiet.
  log(`footprint with ${N.open} open workflows`);
  await cell('endure-dev', 'open workflows', async () => {
    const s = await endureStartup({ db: freshDb('open') });
    const w = await startWorker(s.address, 'open', 'temporal-worker-open.log');
    await driver('temporal_load.js', ['open', '--address', s.address, '--task-queue', 'open', '--count', String(N.open)]);
    await settle([s.proc.pid, w.pid]);
    record('rss.open', 'endure-dev', rssMb(s.proc.pid));
    await stop(w);
    await stop(s.proc);
  });
  await cell('restate', 'open workflows', async () => {
    const r = await startRestate(path.join(tmp, 'restate-open'));
    await driver('restate_load.js', ['open', '--ingress', r.ingress, '--count', String(N.open)]);
    await settle([r.proc.pid, r.endpoint.pid]);
    record('rss.open', 'restate', rssMb(r.proc.pid));
    await stop(r.endpoint);
    await stop(r.proc);
  });
  await cell('dbos', 'open workflows', async () => {
    const p = start(node, [path.join(here, 'dbos_app.js'), 'open', '--db', dbosUrl('dbos_open'), '--count', String(N.open)], { pipeStdout: true, log: logFile('dbos-open.log'), cwd: here });
    await waitLine(p, /^open$/m, 300_000);
    await settle([p.pid, pgPid]);
    record('rss.open', 'dbos', rssMb(p.pid));
    record('rss.open.pg', 'dbos', treePssMb(pgPid));
    await stop(p);
  });

  // Start-up on a database holding 100,000 open workflows.
  await cell('endure-dev', 'start-up with open workflows', async () => {
    const db = freshDb('populated');
    if (hasEmbedded()) {
      log(`populating ${N.populate} open workflows (embedded_load populate)`);
      await embedded(['populate', '--open', String(N.populate), '--db', db]);
    } else {
      log(`populating ${N.populate} open workflows through the dev server (embedded_load is not built)`);
      note('endure-dev', `start-up with ${N.populate} open: populated through the dev server (no worker ran them)`);
      const s = await endureStartup({ db });
      await driver('temporal_load.js', ['open', '--address', s.address, '--task-queue', 'populate', '--count', String(N.populate)], { timeoutMs: 1_800_000 });
      await stop(s.proc);
    }
    for (let rep = 1; rep <= N.startupReps; rep++) {
      const s = await endureStartup({ db });
      record('startup.populated', 'endure-dev', s.ms);
      await sleep(500);
      record('rss.populated', 'endure-dev', rssMb(s.proc.pid));
      await stop(s.proc);
    }
  });
}

async function recovery() {
  const db = freshDb('recovery');
  const port = await freePort();
  let server = await startEndure({ db, port, logName: 'endure-recovery.log' });
  const worker = await startWorker(server.address, 'recovery', 'temporal-worker-recovery.log');
  try {
    log(`recovery: SIGKILL the dev server under 16 clients of 3-step workflows, restart it on the same file and port`);
    // Its stdin tells it the kill and restart times.
    const load = start(node, [path.join(here, 'temporal_load.js'), 'recovery', '--address', server.address, '--task-queue', 'recovery', '--steps', '3', '--clients', '16'],
      { pipeStdout: true, pipeStdin: true, log: logFile('temporal_load-recovery.log'), cwd: here });
    let out = '';
    load.stdout.on('data', (c) => { out += c.toString('utf8'); });
    while (!/load running/.test(out)) {
      if (load.exitCode != null) throw new Error('the recovery load exited early');
      await sleep(20);
    }
    await sleep(N.recoverySeconds * 1000);
    server.proc.kill('SIGKILL');
    await server.proc.exited;
    load.stdin.write(`killed ${Date.now()}\n`);
    const t0 = performance.now();
    server = await startEndure({ db, port, logName: 'endure-recovery.log' });
    record('recovery.restart', 'endure-dev', performance.now() - t0);
    load.stdin.write(`restarted ${Date.now()}\n`);
    const timer = setTimeout(() => load.kill('SIGKILL'), 180_000);
    const { code } = await load.exited;
    clearTimeout(timer);
    const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    if (code !== 0 || !line) throw new Error(`the recovery load failed (exit ${code}); see ${logFile('temporal_load-recovery.log')}`);
    const r = JSON.parse(line);
    record('recovery.progress', 'endure-dev', r.restart_to_progress_ms);
    record('recovery.done', 'endure-dev', r.kill_to_done_ms);
    record('recovery.lost', 'endure-dev', r.lost_transitions);
    record('recovery.lost_wf', 'endure-dev', r.lost_workflows);
    log(`recovery: ${r.completed_before_kill} completed before the kill, ${r.inflight_at_kill} in flight, ${r.checked} checked, ${r.lost_transitions} events lost, all progressing ${Math.round(r.restart_to_progress_ms)} ms after Ready`);
  } finally {
    await stop(worker);
    await stop(server.proc);
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const t0 = Date.now();
  log(`${quick ? 'quick' : 'full'} run, ${reps} repetition(s), scenarios ${[...only].join(',')}; files in ${tmp}`);
  await driver('temporal_load.js', ['bundle', '--out', bundlePath]);

  if (only.has(1) || only.has(2) || only.has(3) || only.has(4)) {
    const env = { taskQueue: 'bench' };
    env.endure = await startEndure({ db: path.join(tmp, 'endure-main.db'), port: await freePort() });
    env.worker = await startWorker(env.endure.address, env.taskQueue);
    // Each peer is checked before it is measured: results are compared in every driver.
    await driver('temporal_load.js', ['latency', '--address', env.endure.address, '--task-queue', env.taskQueue, '--steps', '2', '--count', '3']);
    let files = [];
    if (only.has(3)) files = await generateHistories(env);
    if (only.has(1) || only.has(2) || only.has(4)) {
      env.restate = await startRestate(path.join(tmp, 'restate'));
      await dbos('latency', ['--steps', '2', '--count', '3']);
      await latencyAndThroughput(env);
      if (only.has(4)) await timers(env);
      await stop(env.restate.endpoint);
      await stop(env.restate.proc);
    }
    await stop(env.worker);
    await stop(env.endure.proc);
    if (only.has(3) && files.length) await replay(files);
  }
  if (only.has(5)) await startupAndFootprint();
  // Repeated like the rest: where the kill lands decides how long the slowest run waits.
  for (let i = 0; only.has(6) && i < reps; i++) await cell('endure-dev', 'recovery', recovery);

  printTable({ results, med, N, reps, quick, notes });
  log(`done in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
  ratioLine({ results, med });
}

process.on('SIGINT', () => { stopAllSync(); process.exit(130); });
process.on('SIGTERM', () => { stopAllSync(); process.exit(143); });
main().then(() => { stopAllSync(); process.exit(0); }, (err) => {
  log(`FAILED: ${err.stack || err}`);
  stopAllSync();
  process.exit(1);
});
