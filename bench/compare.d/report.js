'use strict';
// bench/compare's report: the table of medians and the `ratios:` line, from what compare.js
// recorded (results: row -> engine -> values; med(row, engine) their median).

const { median } = require('./lib');

const fmt = (v, digits = 1) => {
  if (!Number.isFinite(v)) return 'n/a';
  if (Number.isInteger(v) || Math.abs(v) >= 100) return v.toFixed(0);
  return v.toFixed(digits);
};

function printTable({ results, med, N, reps, quick, notes }) {
  const cols = [['endure-dev', 'Endure dev+TS'], ['endure-cpp', 'Endure dev+C++'], ['endure-emb', 'Endure embedded'], ['restate', 'Restate'], ['dbos', 'DBOS*']];
  const rows = [];
  const row = (label, key, engines = cols.map((c) => c[0])) => {
    if (!results.has(key)) return;
    rows.push([label, ...cols.map(([e]) => (engines.includes(e) ? fmt(med(key, e)) : ''))]);
  };
  // Counts that must be 0, and the recovery's slowest run: the worst repetition, so that one bad
  // run shows instead of hiding under the median.
  const worst = (key, e) => {
    const v = results.get(key)?.[e];
    return v ? Math.max(...v) : NaN;
  };
  const rowWorst = (label, key) => {
    if (!results.has(key)) return;
    rows.push([label, ...cols.map(([e]) => fmt(worst(key, e)))]);
  };
  const section = (title) => {
    if (rows.length && rows[rows.length - 1].length === 1) rows.pop(); // an empty section
    rows.push([`-- ${title}`]);
  };
  section('1. latency, one client, sequential (ms)');
  row('1 step p50', 'lat.1.p50');
  row('1 step p99', 'lat.1.p99');
  row('10 steps p50', 'lat.10.p50');
  row('10 steps p99', 'lat.10.p99');
  if (results.has('lat.1.p50') && results.has('lat.10.p50')) {
    rows.push(['per-step slope', ...cols.map(([e]) => fmt((med('lat.10.p50', e) - med('lat.1.p50', e)) / 9, 2))]);
  }
  section('2. throughput (workflows/s; transitions/s = workflows/s x (steps+1))');
  for (const c of [16, 256]) for (const s of [1, 3]) {
    row(`${c} clients, ${s} step${s > 1 ? 's' : ''}: wf/s`, `tput.${c}.${s}.wps`);
    row(`${c} clients, ${s} step${s > 1 ? 's' : ''}: tr/s`, `tput.${c}.${s}.tps`);
  }
  section(`4. timers: ${N.timers} workflows sleeping until one instant (lateness ms)`);
  row('p50, the code woke', 'timers.p50');
  row('p99, the code woke', 'timers.p99');
  row('p50, TimerFired after due', 'timers.fired.p50');
  row('p99, TimerFired after due', 'timers.fired.p99');
  rowWorst('lost (worst run)', 'timers.lost');
  rowWorst('doubled (worst run)', 'timers.doubled');
  rowWorst('started late, not in p50/p99 (worst run)', 'timers.unslept');
  section('5. start-up (exec to first answered RPC, ms) and RSS (MB)');
  row('start-up, empty database', 'startup.empty');
  row('start-up, --in-memory', 'startup.memory');
  row(`start-up, ${N.populate} open workflows`, 'startup.populated');
  row('RSS idle', 'rss.idle');
  row('  PostgreSQL PSS (DBOS)', 'rss.idle.pg');
  row(`RSS, ${N.open} open workflows`, 'rss.open');
  row('  PostgreSQL PSS (DBOS)', 'rss.open.pg');
  row(`RSS after start-up, ${N.populate} open`, 'rss.populated');
  section('6. recovery (SIGKILL under 16 clients, restart on the same file)');
  row('restart to Ready (ms)', 'recovery.restart');
  row('Ready to all in flight progressing (ms)', 'recovery.progress');
  rowWorst('  the same, worst run (ms)', 'recovery.progress');
  row('kill to all in flight done (ms)', 'recovery.done');
  rowWorst('acknowledged events lost (worst run)', 'recovery.lost');
  rowWorst('acknowledged workflows lost (worst run)', 'recovery.lost_wf');

  if (rows.length && rows[rows.length - 1].length === 1) rows.pop();
  const header = ['', ...cols.map((c) => c[1])];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.filter((r) => r.length > 1).map((r) => String(r[i] ?? '').length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[0]) : String(c ?? '').padStart(widths[i]))).join('  ');
  console.log(`\nmedians of ${reps} repetition(s)${quick ? ' (--quick)' : ''}, the worst where a row says so; Endure at synchronous=FULL, peers at their defaults`);
  if (rows.length) console.log(line(header));
  for (const r of rows) console.log(r.length === 1 ? r[0] : line(r));
  const sizes = [...results.keys()].filter((k) => k.startsWith('replay.')).sort((x, y) => Number(x.slice(7)) - Number(y.slice(7)));
  if (sizes.length) {
    console.log('-- 3. replay (events/s, one core): endure replay (C++) and Worker.runReplayHistories (TypeScript)');
    console.log(`${'events'.padEnd(widths[0])}  ${'endure replay'.padStart(14)}  ${'TS replayer'.padStart(12)}  ${'ratio'.padStart(8)}`);
    for (const k of sizes) {
      const e = med(k, 'endure');
      const t = med(k, 'ts');
      console.log(`${k.slice(7).padEnd(widths[0])}  ${fmt(e).padStart(14)}  ${fmt(t).padStart(12)}  ${fmt(e / t).padStart(8)}`);
    }
  }
  console.log('* DBOS: the clients are calls inside the app process (how DBOS is used); its state is in PostgreSQL (RSS rows).');
  console.log('  Restate: a service of N ctx.run steps called through the ingress; Endure dev+TS: TS SDK worker + client'
    + (results.has('timers.p50') ? `\n  (its timer lateness includes the TS worker running ${N.timers} workflow tasks after the instant);` : ';'));
  console.log('  Endure dev+C++: the same dev server driven over gRPC by the C++ SDK\'s worker and client (embedded_load --address).');
  for (const [engine, set] of notes) for (const n of set) console.log(`  note (${engine}): ${n}`);
}

function ratioLine({ results, med }) {
  const ratio = (x, y) => (Number.isFinite(x) && Number.isFinite(y) && y !== 0 ? x / y : NaN);
  const r2 = (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(2)) : 'n/a');
  // Replay: the middle of the per-size ratios (endure replay over the TS replayer).
  const sizes = [...results.keys()].filter((k) => k.startsWith('replay.'));
  const replay = median(sizes.map((k) => ratio(med(k, 'endure'), med(k, 'ts'))));
  const best = (e) => Math.max(med('tput.16.1.wps', e), med('tput.256.1.wps', e));
  const fields = {
    replay_vs_ts: r2(replay),
    embedded_vs_restate: r2(ratio(best('endure-emb'), best('restate'))),
    devserver_tput_vs_restate: r2(ratio(med('tput.16.1.wps', 'endure-dev'), med('tput.16.1.wps', 'restate'))),
    devserver_p50_vs_restate: r2(ratio(med('lat.1.p50', 'restate'), med('lat.1.p50', 'endure-dev'))),
    startup_ms: r2(med('startup.empty', 'endure-dev')),
    idle_rss_mb: r2(med('rss.idle', 'endure-dev')),
    timers_p99_ms: r2(med('timers.p99', 'endure-emb')),
  };
  console.log(`ratios: ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(' ')}`);
}

module.exports = { printTable, ratioLine };
