'use strict';
// Restate's clients for bench/compare: HTTP/1.1 keep-alive calls to restate-server's ingress.
// Each command prints one JSON line on stdout.
//
//   latency    --ingress URL --steps N --count M
//   throughput --ingress URL --steps N --clients C --seconds S [--warmup W]
//   timers     --ingress URL --stats URL --count N --delay-ms D
//   open       --ingress URL --count N
const { args, emit, summary, closedLoop, pool, request, runCommand } = require('./lib');

const a = args();
const cmd = a._[0];
const ingress = a.ingress;
const runTag = `${process.pid.toString(36)}-${Date.now().toString(36)}`;

// One synchronous call of bench.steps(n): the answer arrives once the invocation completed.
async function steps(n) {
  const r = await request('POST', `${ingress}/bench/steps`, n);
  if (r.status !== 200 || r.body !== n) throw new Error(`bench/steps(${n}): ${r.status} ${JSON.stringify(r.body)}`);
}

async function latency() {
  const n = Number(a.steps);
  const count = Number(a.count);
  for (let i = 0; i < Math.min(10, count); i++) await steps(n);
  const lat = [];
  for (let i = 0; i < count; i++) {
    const s = performance.now();
    await steps(n);
    lat.push(performance.now() - s);
  }
  emit(summary(lat));
}

async function throughput() {
  const n = Number(a.steps);
  emit(await closedLoop(Number(a.clients), Number(a.seconds), Number(a.warmup ?? 2), () => steps(n)));
}

async function timers() {
  const count = Number(a.count);
  await request('GET', `${a.stats}/reset`);
  const deadline = Date.now() + Number(a['delay-ms']);
  const key = (i) => `t-${runTag}-${i}`;
  await pool(count, 64, async (i) => {
    const r = await request('POST', `${ingress}/sleeper/${key(i)}/run/send`, deadline);
    if (r.status !== 202 && r.status !== 200) throw new Error(`send: ${r.status} ${JSON.stringify(r.body)}`);
  });
  const startedBy = Date.now() - deadline;
  const late = [];
  let lost = 0;
  let unslept = 0;
  await pool(count, 256, async (i) => {
    const r = await request('GET', `${ingress}/restate/workflow/sleeper/${key(i)}/attach`, undefined, { timeoutMs: 600_000 });
    if (r.status === 200 && typeof r.body?.late === 'number') {
      if (r.body.slept) late.push(r.body.late);
      else unslept += 1;
    } else {
      lost += 1;
    }
  });
  const st = (await request('GET', `${a.stats}/stats`)).body;
  emit({ ...summary(late), fired: late.length + unslept, lost, doubled: st.doubled, unslept, step_runs: st.runs, start_overran_ms: Math.max(0, startedBy) });
}

async function open() {
  const count = Number(a.count);
  await pool(count, 64, async (i) => {
    const r = await request('POST', `${ingress}/idler/o-${runTag}-${i}/run/send`);
    if (r.status !== 202 && r.status !== 200) throw new Error(`send: ${r.status} ${JSON.stringify(r.body)}`);
  });
  emit({ open: count });
}

const commands = { latency, throughput, timers, open };
runCommand(commands, cmd);
