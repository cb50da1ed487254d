'use strict';
// Restate's side of bench/compare: the service endpoint (restate-sdk, HTTP/2 on 127.0.0.1),
// which restate-server invokes once the driver registers it.
//
//   node restate_service.js --port P --stats-port S
//
// Services:
//   bench.steps(n)        n sequential ctx.run steps (the step returns its index); returns n
//   sleeper/<key>.run(d)  ctx.sleep until the absolute time d (ms since the epoch), then a
//                         ctx.run step returns Date.now(); the result is { late (ms), slept }
//   idler/<key>.run()     sleeps 30 days (open workflows for the footprint figures)
// The plain HTTP server on --stats-port answers GET /stats with how many times each sleeper's
// post-sleep step ran (a timer that fires twice shows as "doubled").

// restate-sdk 1.17 calls Promise.withResolvers, which Node 20 lacks: without it every
// invocation throws inside the SDK and restate-server retries it forever.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

const http = require('node:http');
const http2 = require('node:http2');
const restate = require('@restatedev/restate-sdk');
const { args } = require('./lib');

const a = args();
const stepRuns = new Map(); // sleeper key -> times its post-sleep step ran

const bench = restate.service({
  name: 'bench',
  handlers: {
    steps: async (ctx, n) => {
      for (let i = 0; i < n; i++) await ctx.run('step', async () => i);
      return n;
    },
  },
});

const sleeper = restate.workflow({
  name: 'sleeper',
  handlers: {
    run: async (ctx, deadline) => {
      const wait = deadline - (await ctx.date.now());
      if (wait > 0) await ctx.sleep(wait);
      const woke = await ctx.run('woke', async () => {
        stepRuns.set(ctx.key, (stepRuns.get(ctx.key) || 0) + 1);
        return Date.now();
      });
      return { late: woke - deadline, slept: wait > 0 };
    },
  },
});

const idler = restate.workflow({
  name: 'idler',
  handlers: {
    run: async (ctx) => {
      await ctx.sleep(30 * 24 * 3600 * 1000);
      return 0;
    },
  },
});

const handler = restate.createEndpointHandler({ services: [bench, sleeper, idler] });
const server = http2.createServer(handler);
server.listen(Number(a.port), '127.0.0.1', () => process.stdout.write('endpoint ready\n'));

const stats = http.createServer((req, res) => {
  if (req.url === '/reset') stepRuns.clear();
  let runs = 0;
  let doubled = 0;
  for (const v of stepRuns.values()) {
    runs += v;
    if (v > 1) doubled += 1;
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ keys: stepRuns.size, runs, doubled }));
});
stats.listen(Number(a['stats-port']), '127.0.0.1');

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    server.close();
    stats.close();
    process.exit(0);
  });
}
