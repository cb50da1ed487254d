'use strict';
// The server under test as a child process: `endure server start-dev` on a database file in the
// run's temporary directory. The gRPC port is read from the banner the server prints before
// `Ready.`, so the suite never guesses a free port (and never races another process for one).

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const READY_TIMEOUT_MS = 30_000;

class ServerProcess {
  constructor({ bin, dir }) {
    this.bin = bin;
    this.dir = dir;
    this.dbFilename = path.join(dir, 'endure.db');
    // Everything the server prints goes to one log per run, appended across restarts, so a
    // failure can be read against what the server said at the time.
    this.logPath = path.join(dir, 'server.log');
    this.proc = null;
    this.port = null;
    this.starts = 0;
  }

  get address() {
    return `127.0.0.1:${this.port}`;
  }

  // Starts the server; `port` 0 lets it pick one. Resolves once it printed `Ready.`.
  async start(port = 0) {
    this.starts += 1;
    const args = [
      'server', 'start-dev',
      '--db-filename', this.dbFilename,
      '--port', String(port),
      '--http-port', '-1',
    ];
    const log = fs.createWriteStream(this.logPath, { flags: 'a' });
    log.write(`\n=== start #${this.starts}: ${this.bin} ${args.join(' ')}\n`);
    const proc = spawn(this.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    proc.stderr.pipe(log, { end: false });
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));

    const banner = await new Promise((resolve, reject) => {
      let buffered = '';
      let gotPort = null;
      const timer = setTimeout(() => fail(new Error(`no "Ready." within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      const onData = (chunk) => {
        log.write(chunk);
        buffered += chunk.toString('utf8');
        const m = /^\s*gRPC\s+\S+:(\d+)\s*$/m.exec(buffered);
        if (m) gotPort = Number(m[1]);
        if (/^Ready\.\s*$/m.test(buffered)) {
          if (gotPort == null) return fail(new Error(`"Ready." without a gRPC line:\n${buffered}`));
          clearTimeout(timer);
          proc.stdout.off('data', onData);
          // Keep draining stdout (into the log) so the server never blocks on a full pipe.
          proc.stdout.on('data', (c) => log.write(c));
          resolve({ port: gotPort, text: buffered });
        }
      };
      const onExit = (code, signal) => fail(new Error(`server exited before "Ready." (code ${code}, signal ${signal}); see ${this.logPath}:\n${tail(this.logPath)}`));
      function fail(err) {
        clearTimeout(timer);
        proc.stdout.off('data', onData);
        proc.off('exit', onExit);
        reject(err);
      }
      proc.stdout.on('data', onData);
      proc.once('exit', onExit);
      proc.once('error', (err) => fail(err));
    }).catch(async (err) => {
      if (proc.exitCode == null && proc.signalCode == null) proc.kill('SIGKILL');
      throw err;
    });
    this.port = banner.port;
    if (port !== 0 && banner.port !== port) {
      throw new Error(`asked for port ${port}, server reports ${banner.port}`);
    }
    return banner;
  }

  // Stops the server: SIGTERM (drain and close cleanly) or SIGKILL (a crash). Resolves with
  // the exit code and signal.
  async stop({ kill = false, timeoutMs = 15_000 } = {}) {
    const proc = this.proc;
    if (!proc || proc.exitCode != null || proc.signalCode != null) return this.exited;
    proc.kill(kill ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  // Stops the server and starts it again on the same database and the same port, so that
  // clients and workers holding the address can reconnect. A killed process can leave the
  // port briefly unavailable, so the start is retried for a few seconds.
  async restart({ kill = true } = {}) {
    const port = this.port;
    const exit = await this.stop({ kill });
    let lastErr;
    for (let i = 0; i < 10; i++) {
      try {
        await this.start(port);
        return exit;
      } catch (err) {
        lastErr = err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    throw new Error(`restart on port ${port} failed: ${lastErr && lastErr.message}`);
  }
}

function tail(file, lines = 20) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

module.exports = { ServerProcess, tail };
