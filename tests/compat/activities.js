'use strict';
// Activities of the compatibility suite. They run in the runner's own process (or, for the
// killed-worker case, in worker_process.js), so what an activity saw is recorded in
// `observations`, keyed by workflow id, for the case to assert on afterwards.
//
// Every failure thrown on purpose carries the word "deliberate": the runner's check of SDK
// warnings lets through "Activity failed"/"Workflow failed" entries only when their error says
// so (run.js, expectedWarning).

const { Context, ApplicationFailure, CancelledFailure } = require('@temporalio/activity');

const observations = new Map();

function observe(record) {
  const info = Context.current().info;
  const key = info.workflowExecution.workflowId;
  if (!observations.has(key)) observations.set(key, []);
  observations.get(key).push({ activity: info.activityType, attempt: info.attempt, ...record });
}

// `tag` names the worker the activities belong to, so a case can tell which worker ran what.
function createActivities(tag) {
  return {
    async echo(value) {
      observe({ tag });
      return value;
    },

    // Returns "<worker tag>:<attempt>" after a short pause, so that work spreads over workers.
    async whoAmI() {
      observe({ tag });
      await Context.current().sleep(20);
      return `${tag}:${Context.current().info.attempt}`;
    },

    // Fails on attempts 1 and 2 with a retryable error, succeeds on attempt 3.
    async failTwice() {
      const { attempt } = Context.current().info;
      observe({ tag });
      if (attempt < 3) throw new Error(`deliberate failure on attempt ${attempt}`);
      return attempt;
    },

    async failNonRetryable() {
      observe({ tag });
      throw ApplicationFailure.nonRetryable('deliberate non-retryable failure', 'CompatBadInput', { why: 'test' });
    },

    // Attempt 1 heartbeats its progress, then fails; attempt 2 returns the details it was given.
    async heartbeatThenFail() {
      const ctx = Context.current();
      observe({ tag, details: ctx.info.heartbeatDetails });
      if (ctx.info.attempt === 1) {
        ctx.heartbeat({ progress: 7 });
        // The SDK sends the first heartbeat at once; give it time to reach the server before
        // the failure does (the failure also carries the last details, but that is not the
        // path under test).
        await ctx.sleep(500);
        throw new Error('deliberate failure after heartbeating');
      }
      return { attempt: ctx.info.attempt, details: ctx.info.heartbeatDetails };
    },

    // Heartbeats once, then stays silent past its heartbeat timeout. It then heartbeats again
    // so that the SDK learns (NotFound) the attempt is gone and cancels it locally, instead of
    // completing an attempt the server already timed out.
    async stopsHeartbeating() {
      const ctx = Context.current();
      ctx.heartbeat('alive');
      await new Promise((r) => setTimeout(r, 3000));
      try {
        for (let i = 0; i < 50; i++) {
          ctx.heartbeat(`late ${i}`);
          await ctx.sleep(200);
        }
      } catch (err) {
        observe({ tag, lateHeartbeatError: err.name });
        throw err;
      }
      observe({ tag, lateHeartbeatError: null });
      return 'never timed out';
    },

    // Tells its workflow it has started (signal `activityStarted`), then heartbeats until it is
    // cancelled; records the error it saw and rethrows it.
    async waitForCancel() {
      const ctx = Context.current();
      const wfId = ctx.info.workflowExecution.workflowId;
      await ctx.client.workflow.getHandle(wfId).signal('activityStarted');
      try {
        for (let i = 0; i < 300; i++) {
          ctx.heartbeat(i);
          await ctx.sleep(100);
        }
      } catch (err) {
        observe({
          tag,
          sawError: err.name,
          isCancelledFailure: err instanceof CancelledFailure,
          cancelRequested: Boolean(ctx.cancellationDetails && ctx.cancellationDetails.cancelRequested),
        });
        throw err;
      }
      observe({ tag, sawError: null });
      return 'not cancelled';
    },

    // Runs for `ms` (the restart case kills the server meanwhile), announcing its start.
    async sleepFor(ms) {
      observe({ tag, started: true });
      await Context.current().sleep(ms);
      return ms;
    },

    async recordCleanup(what) {
      observe({ tag, cleanup: what });
      return `cleaned ${what}`;
    },

    // In the worker tagged "child" (the process the killed-worker case SIGKILLs) it announces
    // itself on stdout and never returns; anywhere else it returns like whoAmI.
    async slowOnChild() {
      if (tag === 'child') {
        process.stdout.write('slowOnChild started\n');
        await new Promise(() => {});
      }
      observe({ tag });
      return `${tag}:${Context.current().info.attempt}`;
    },
  };
}

module.exports = { createActivities, observations };
