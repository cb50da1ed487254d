#!/usr/bin/env node
'use strict';
// Endure's compatibility suite: the official Temporal TypeScript SDK against
// `endure server start-dev`.
//
//   node run.js [--server PATH] [--filter SUBSTRING] [--verbose] [--keep]
//
// The server binary comes from --server, else $ENDURE_BIN, else ../../build/debug/tools/endure
// relative to this file. The runner starts the server on a fresh database in a temporary
// directory, runs every case in sequence (each on its own task queue, with its own workflow
// ids), prints one line per case and a summary, stops the server with SIGTERM and exits
// non-zero if anything failed.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');
const { Runtime, DefaultLogger, NativeConnection, Worker, bundleWorkflowCode } = require('@temporalio/worker');
const { Client, Connection } = require('@temporalio/client');
const { ServerProcess, tail } = require('./lib/server');
const { createActivities } = require('./activities');

const CASE_FILES = ['activities', 'messages', 'lifecycle', 'client', 'workers', 'restart', 'cli', 'interop'];
const CASE_TIMEOUT_MS = 60_000;
// Forwarded SDK-core log lines are buffered (up to 100 ms) before they reach the logger, and a
// worker shutting down logs after its case returned: a line still belongs to a case this long
// after it ended.
const LOG_GRACE_NS = 2_000_000_000n;

function parseArgs(argv) {
  const opts = {
    server: process.env.ENDURE_BIN || path.resolve(__dirname, '../../build/debug/tools/endure'),
    filter: null,
    verbose: false,
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--server') opts.server = path.resolve(argv[++i]);
    else if (a.startsWith('--server=')) opts.server = path.resolve(a.slice('--server='.length));
    else if (a === '--filter') opts.filter = argv[++i];
    else if (a.startsWith('--filter=')) opts.filter = a.slice('--filter='.length);
    else if (a === '--verbose' || a === '-v') opts.verbose = true;
    else if (a === '--keep') opts.keep = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node run.js [--server PATH] [--filter SUBSTRING] [--verbose] [--keep]');
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
  }
  return opts;
}

// ---- SDK log capture ----------------------------------------------------------------------
//
// Every WARN and ERROR line of the SDK (its TypeScript side and, forwarded, its Rust core) is
// kept. A line the SDK writes because of something the server did (a rejected call, an
// unexpected response, a failed poll) is a compatibility problem even when the case that
// caused it passed, so the run ends with a check that no unexpected line was logged.

const logEntries = [];
let verbose = false;

// Rust backtraces in core's messages run to tens of kilobytes; the report keeps the message.
const clip = (text, n = 2000) => {
  const cut = text
    .replace(/(\\n|\n)+Stack backtrace:[\s\S]*?(?=", source:|$)/, ' [backtrace cut]')
    .replace(/task_token: \[[\d, ]*\]/g, 'task_token: [..]');
  return cut.length > n ? `${cut.slice(0, n)} ...[${cut.length - n} more chars]` : cut;
};

function errorText(err, depth = 0) {
  if (err == null || depth > 5) return '';
  if (typeof err !== 'object') return String(err);
  return `${err.name || ''}: ${err.message || ''} ${errorText(err.cause, depth + 1)}`;
}

function entryText(entry) {
  const meta = entry.meta || {};
  const parts = [entry.message];
  if (meta.error) parts.push(errorText(meta.error));
  for (const [k, v] of Object.entries(meta)) {
    if (k === 'error' || typeof v === 'object') continue;
    parts.push(`${k}=${v}`);
  }
  return clip(parts.join(' | '));
}

// Lines that every case may produce on purpose. The worker logs an activity that throws at WARN
// ("Activity failed") and a workflow that fails at WARN ("Workflow failed"); the cases that
// provoke such failures give them messages containing "deliberate" (activities.js,
// workflows.js), so these lines are recognized by content, not by case: a failure the server
// provoked (e.g. a wrongly timed-out activity) does not carry the word and is reported.
const GLOBAL_EXPECTED = [
  {
    why: 'an activity or workflow failure a case provokes on purpose',
    test: (e) => /^(Activity|Workflow) failed$/.test(e.message) && /deliberate/.test(errorText(e.meta && e.meta.error)),
  },
];

// ---- the run ------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  verbose = opts.verbose;
  if (!fs.existsSync(opts.server)) {
    console.error(`compat: no server binary at ${opts.server} (build it, or pass --server / ENDURE_BIN)`);
    process.exit(2);
  }

  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      // Stamped on arrival: cases are told apart by when a line reached the logger (forwarded
      // core lines arrive within ~100 ms, see LOG_GRACE_NS), not by the SDK's own timestamps.
      entry.arrivedNs = BigInt(Date.now()) * 1_000_000n;
      logEntries.push(entry);
      if (verbose) console.error(`  [sdk ${entry.level}] ${entryText(entry)}`);
    }),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
    // The runner stops its workers itself; a signal to the runner must not do it behind its back.
    shutdownSignals: [],
  });

  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'endure-compat-'));
  // The run uses a copy of the binary, so that a rebuild during the run cannot change (or
  // briefly remove) the server the restart case starts again.
  const bin = path.join(tmpDir, 'endure');
  fs.copyFileSync(opts.server, bin);
  fs.chmodSync(bin, 0o755);
  const server = new ServerProcess({ bin, dir: tmpDir });
  const cleanup = () => {
    if (server.proc && server.proc.exitCode == null) server.proc.kill('SIGKILL');
  };
  process.on('SIGINT', () => {
    cleanup();
    if (!opts.keep) fs.rmSync(tmpDir, { recursive: true, force: true });
    process.exit(130);
  });
  // A case that failed or timed out can leave a promise of its own (a query, a result) that
  // rejects later; that must not end the run.
  process.on('unhandledRejection', (err) => {
    if (verbose) console.error(`  (late rejection, ignored: ${err && err.message})`);
  });

  const t0 = Date.now();
  const results = [];
  let shared;
  try {
    await server.start(0);
    if (verbose) console.error(`  server on ${server.address}, database ${server.dbFilename}`);

    // One bundle for every worker: bundling takes seconds, and the killed-worker case's child
    // process reads it from this file instead of bundling again.
    const bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./workflows.js'),
      logger: new DefaultLogger('WARN', (entry) => logEntries.push(entry)),
    });
    const bundlePath = path.join(tmpDir, 'workflow-bundle.js');
    fs.writeFileSync(bundlePath, bundle.code);

    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: 'default' });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    shared = { server, tmpDir, bundle, bundlePath, connection, client, nativeConnection, runStamp: Date.now().toString(36) };

    const cases = [];
    for (const file of CASE_FILES) {
      for (const c of require(`./cases/${file}`)) cases.push({ ...c, file });
    }
    const selected = cases.filter((c) => !opts.filter || c.name.includes(opts.filter));
    if (selected.length === 0) console.error(`compat: no case matches "${opts.filter}"`);

    for (const c of selected) results.push(await runCase(c, shared));
    results.push(checkLogs(results));
  } catch (err) {
    results.push({ name: 'suite setup', ok: false, error: err.stack || String(err) });
    console.log(`FAIL suite setup: ${err.stack || err}`);
  } finally {
    if (shared) {
      await shared.connection.close().catch(() => {});
      await shared.nativeConnection.close().catch(() => {});
    }
    const stopped = await stopServer(server);
    if (!stopped.skipped) results.push(stopped);
    // --keep leaves the database and the server's log for a look after the run.
    if (opts.keep) console.log(`compat: kept ${tmpDir} (server.log, endure.db)`);
    else fs.rmSync(tmpDir, { recursive: true, force: true });
  }

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`compat: ran in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`compat: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

// The server must stop cleanly on SIGTERM (exit code 0) at the end of the run.
async function stopServer(server) {
  const name = 'server stops cleanly on SIGTERM';
  if (!server.port) return { name, ok: true, skipped: true }; // it never started: setup failed already
  const { code, signal } = await server.stop({ kill: false });
  const ok = code === 0;
  const error = ok ? undefined : `exit code ${code}, signal ${signal}; log tail:\n${tail(server.logPath)}`;
  console.log(ok ? `ok   ${name}` : `FAIL ${name}: ${error}`);
  return { name, ok, error };
}

let idCounter = 0;

function makeContext(c, shared) {
  const slug = c.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 40);
  const taskQueue = `compat-${slug}-${shared.runStamp}`;
  const workers = [];
  const ctx = {
    name: c.name,
    client: shared.client,
    get address() {
      return shared.server.address;
    },
    // The `endure` binary the server runs, for the CLI cases.
    get endureBin() {
      return shared.server.bin;
    },
    namespace: 'default',
    taskQueue,
    bundle: shared.bundle,
    bundlePath: shared.bundlePath,
    tmpDir: shared.tmpDir,
    nativeConnection: shared.nativeConnection,
    workers,
    // A workflow id no other case (or run against the same database) uses.
    id(suffix = 'wf') {
      idCounter += 1;
      return `${slug}-${suffix}-${shared.runStamp}-${idCounter}`;
    },
    // Creates a worker on the case's task queue (unless opts.taskQueue says otherwise) and starts
    // running it. `tag` names the worker in what its activities return and record.
    async makeWorker(opts = {}) {
      const { tag = 'main', ownConnection = false, ...rest } = opts;
      // `ownConnection` gives the worker a NativeConnection of its own (closed with the case).
      const connection = ownConnection ? await NativeConnection.connect({ address: shared.server.address }) : shared.nativeConnection;
      const worker = await Worker.create({
        connection,
        namespace: 'default',
        taskQueue,
        workflowBundle: shared.bundle,
        activities: createActivities(tag),
        shutdownGraceTime: '2s',
        ...rest,
      });
      const entry = { worker, tag, error: null, connection: ownConnection ? connection : null };
      entry.running = worker.run().catch((err) => {
        entry.error = err;
      });
      workers.push(entry);
      return worker;
    },
    async stopWorker(worker) {
      const entry = workers.find((w) => w.worker === worker);
      if (!entry) throw new Error('stopWorker: not a worker of this case');
      await shutdownWorker(entry);
      if (entry.error) throw entry.error;
    },
    // Stops the server (SIGKILL by default: a crash) and starts it again on the same database
    // file and port.
    async restartServer({ kill = true } = {}) {
      return shared.server.restart({ kill });
    },
  };
  return ctx;
}

async function shutdownWorker(entry) {
  if (entry.stopped) return entry.running;
  entry.stopped = true;
  const state = entry.worker.getState();
  if (state === 'RUNNING' || state === 'INITIALIZED') {
    try {
      entry.worker.shutdown();
    } catch (err) {
      entry.error = entry.error || err;
    }
  }
  const timeout = new Promise((r) => setTimeout(() => r('timeout'), 20_000));
  if ((await Promise.race([entry.running, timeout])) === 'timeout') {
    entry.error = entry.error || new Error(`worker ${entry.tag} did not shut down within 20 s (state ${entry.worker.getState()})`);
  }
  return entry.running;
}

async function runCase(c, shared) {
  const ctx = makeContext(c, shared);
  const start = Date.now();
  const startNs = BigInt(start) * 1_000_000n;
  let error = null;
  let timer;
  try {
    await Promise.race([
      c.run(ctx),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    error = err;
  } finally {
    clearTimeout(timer);
  }
  // Workers the case left running are stopped here; one that failed fails the case.
  for (const entry of ctx.workers) {
    await shutdownWorker(entry);
    if (entry.connection) await entry.connection.close().catch(() => {});
    if (entry.error && !error) error = new Error(`worker ${entry.tag} failed: ${entry.error.stack || entry.error}`);
  }
  if (c.cleanup) await c.cleanup(ctx).catch(() => {});
  const ms = Date.now() - start;
  const endNs = BigInt(Date.now()) * 1_000_000n;
  const result = { name: c.name, ok: !error, ms, startNs, endNs, expectedWarnings: c.expectedWarnings || [] };
  if (error) {
    result.error = formatError(error);
    console.log(`FAIL ${c.name}: ${result.error}`);
  } else {
    console.log(`ok   ${c.name} (${ms} ms)`);
  }
  return result;
}

// One line per case: an assertion reads "<message>: actual <a>, expected <e>".
function formatError(err) {
  if (!(err instanceof Error)) return String(err);
  let text;
  if (err.code === 'ERR_ASSERTION' && err.operator === '==') {
    text = err.message; // assert.ok(value, message): the message says it all
  } else if (err.code === 'ERR_ASSERTION') {
    const message = err.generatedMessage ? err.operator : err.message.split('\n')[0];
    text = `${message}: actual ${inspect(err.actual)}, expected ${inspect(err.expected)}`;
  } else {
    text = err.message;
    if (err.cause) text += ` (cause: ${errorText(err.cause)})`;
  }
  text = text.replace(/\s*\n\s*/g, ' ');
  if (verbose && err.stack) text += `\n${err.stack}`;
  return text;
}

const inspect = (v) => util.inspect(v, { depth: 4, breakLength: Infinity });

// The final check: every WARN/ERROR line of the SDK must be one a case expected.
function checkLogs(results) {
  const name = 'no warnings about the server';
  const unexpected = [];
  for (const entry of logEntries) {
    if (GLOBAL_EXPECTED.some((x) => x.test(entry))) continue;
    // A line may be expected by the case running when it arrived, or by one that ended less
    // than LOG_GRACE_NS before (its workers' last lines arrive after it returned).
    const ts = entry.arrivedNs ?? entry.timestampNanos;
    const cases = results.filter((r) => r.startNs != null && ts >= r.startNs && ts <= r.endNs + LOG_GRACE_NS);
    if (cases.some((r) => r.expectedWarnings.some((x) => x.test(entry)))) continue;
    const owner = cases.at(-1);
    unexpected.push(`[${entry.level}]${owner ? ` during "${owner.name}"` : ''} ${entryText(entry)}`);
  }
  if (unexpected.length === 0) {
    console.log(`ok   ${name} (${logEntries.length} expected WARN/ERROR lines)`);
    return { name, ok: true };
  }
  // The FAIL line, then the lines themselves, indented.
  const shown = unexpected.slice(0, 30);
  const more = unexpected.length > shown.length ? `\n    ... and ${unexpected.length - shown.length} more` : '';
  const error = `${unexpected.length} unexpected SDK WARN/ERROR lines`;
  console.log(`FAIL ${name}: ${error}\n    ${shown.join('\n    ')}${more}`);
  return { name, ok: false, error };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
