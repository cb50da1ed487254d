'use strict';
// Helpers shared by bench/compare's drivers: statistics, free loopback ports, child processes
// recorded by PID (so bench/compare's trap can stop whatever a crashed driver left), waiting for
// a line or a port, RSS from /proc, and a keep-alive HTTP client for Restate's APIs.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function summary(values) {
  const s = Float64Array.from(values).sort();
  return { p50_ms: percentile(s, 50), p99_ms: percentile(s, 99), count: s.length };
}

function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A port the kernel just handed out on 127.0.0.1 (free at the time of the call).
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function tcpOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => { s.destroy(); resolve(false); });
  });
}

async function waitPort(port, timeoutMs = 60_000, stepMs = 2) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await tcpOpen(port)) return;
    await sleep(stepMs);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

// Children are recorded in $COMPARE_PIDS (one file per PID) while they live.
const pidDir = process.env.COMPARE_PIDS || null;
const children = new Set();

function track(proc) {
  children.add(proc);
  if (pidDir && proc.pid) fs.writeFileSync(path.join(pidDir, String(proc.pid)), `${proc.spawnargs.join(' ')}\n`);
  proc.once('exit', () => {
    children.delete(proc);
    if (pidDir && proc.pid) fs.rmSync(path.join(pidDir, String(proc.pid)), { force: true });
  });
  return proc;
}

// Starts `cmd args`; stdout and stderr go to `log` (a file path) unless `pipeStdout`; stdin is
// empty unless `pipeStdin`.
function start(cmd, args, { log, env, cwd, pipeStdout = false, pipeStdin = false } = {}) {
  const out = log ? fs.openSync(log, 'a') : 'ignore';
  const proc = spawn(cmd, args, {
    cwd,
    env: env ? { ...process.env, ...env } : process.env,
    stdio: [pipeStdin ? 'pipe' : 'ignore', pipeStdout ? 'pipe' : out, out],
  });
  if (log) fs.closeSync(out);
  proc.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  proc.once('error', () => {});
  return track(proc);
}

// Resolves with the text read so far once a line matches `re`; rejects if the process exits.
function waitLine(proc, re, timeoutMs = 60_000, tee = null) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => done(new Error(`no line matching ${re} within ${timeoutMs} ms:\n${buf}`)), timeoutMs);
    const onData = (chunk) => {
      const s = chunk.toString('utf8');
      if (tee) tee.write(s);
      buf += s;
      if (re.test(buf)) done(null, buf);
    };
    const onExit = (code, signal) => done(new Error(`${proc.spawnargs.join(' ')} exited (code ${code}, signal ${signal}):\n${buf}`));
    function done(err, value) {
      clearTimeout(timer);
      proc.stdout.off('data', onData);
      proc.off('exit', onExit);
      // Keep draining so the child never blocks on a full pipe.
      proc.stdout.on('data', (c) => { if (tee) tee.write(c); });
      if (err) reject(err); else resolve(value);
    }
    proc.stdout.on('data', onData);
    proc.once('exit', onExit);
  });
}

async function stop(proc, signal = 'SIGTERM', graceMs = 15_000) {
  if (!proc || proc.exitCode != null || proc.signalCode != null) return;
  proc.kill(signal);
  const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(t);
}

function stopAllSync() {
  for (const p of children) {
    try { p.kill('SIGKILL'); } catch { /* gone */ }
  }
}

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

// Proportional set size of a process and its descendants (PostgreSQL's backends share its
// buffers: their RSS would count them once per backend).
function treePssMb(pid) {
  let total = 0;
  try {
    const m = /^Pss:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    total = m ? Number(m[1]) / 1024 : 0;
  } catch { return 0; }
  let kids = [];
  try {
    for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
      const c = fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
      if (c) kids = kids.concat(c.split(/\s+/).map(Number));
    }
  } catch { /* gone */ }
  for (const k of kids) total += treePssMb(k);
  return total;
}

// JSON over HTTP/1.1 with keep-alive; resolves { status, body }.
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });
function request(method, url, body, { timeoutMs = 120_000, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const data = body === undefined ? null : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request({
      method, host: u.hostname, port: u.port, path: u.pathname + u.search, agent,
      headers: { ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}), ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = text;
        try { parsed = text ? JSON.parse(text) : null; } catch { /* keep text */ }
        resolve({ status: res.statusCode, body: parsed });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: timed out`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

// Runs `fn(i)` for i in [0, count) with `concurrency` in flight at once.
async function pool(count, concurrency, fn) {
  let next = 0;
  const runners = [];
  for (let c = 0; c < Math.min(concurrency, count); c++) {
    runners.push((async () => {
      while (next < count) await fn(next++);
    })());
  }
  await Promise.all(runners);
}

// `clients` loops each running `fn()` back to back; counts the completions that end inside a
// window of `seconds` after `warmupSeconds` (and their latencies).
async function closedLoop(clients, seconds, warmupSeconds, fn) {
  const t0 = performance.now();
  const from = t0 + warmupSeconds * 1000;
  const to = from + seconds * 1000;
  let completed = 0;
  const latencies = [];
  const loops = [];
  for (let c = 0; c < clients; c++) {
    loops.push((async () => {
      while (performance.now() < to) {
        const s = performance.now();
        await fn(c);
        const e = performance.now();
        if (e >= from && e <= to) {
          completed += 1;
          latencies.push(e - s);
        }
      }
    })());
  }
  await Promise.all(loops);
  const lat = summary(latencies);
  return { completed, workflows_per_s: completed / seconds, p50_ms: lat.p50_ms, p99_ms: lat.p99_ms };
}

// --key value and --flag; a key given more than once collects its values in an array.
function args(argv = process.argv.slice(2)) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const k = a.slice(2);
      const v = i + 1 < argv.length && !argv[i + 1].startsWith('--') ? argv[++i] : true;
      out[k] = k in out ? [].concat(out[k], v) : v;
    } else {
      out._.push(a);
    }
  }
  return out;
}

function emit(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

// Runs the driver command `name` of `commands` and exits: 0 when it succeeds, 1 when it throws,
// 2 when there is no such command.
function runCommand(commands, name) {
  if (!commands[name]) {
    process.stderr.write(`unknown command ${name}\n`);
    process.exit(2);
  }
  commands[name]().then(() => process.exit(0), (err) => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
  });
}

module.exports = {
  percentile, summary, median, sleep, freePort, tcpOpen, waitPort, start, waitLine, stop,
  stopAllSync, rssMb, treePssMb, request, pool, closedLoop, args, emit, runCommand,
};
