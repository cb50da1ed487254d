'use strict';
// Helpers shared by the cases: polling, history inspection and error assertions.

const assert = require('node:assert/strict');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `fn` until it returns a truthy value (returned) or the time runs out (throws, naming
// `what` and the last value or error seen). Used where Temporal itself is asynchronous:
// visibility, parent close policies, and states a worker reaches on its own schedule.
async function waitFor(what, fn, { timeoutMs = 20_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? `${last.name}: ${last.message}` : JSON.stringify(last);
      throw new Error(`timed out waiting for ${what} (last: ${detail})`);
    }
    await sleep(intervalMs);
  }
}

// The kind of a history event, from whichever `*EventAttributes` field it carries
// ("activityTaskCompleted", "timerFired", ...). Reading the attributes rather than the numeric
// eventType keeps the suite free of a direct dependency on the generated proto enums.
function eventKind(event) {
  for (const key of Object.keys(event)) {
    if (key.endsWith('EventAttributes') && event[key] != null) {
      return key.slice(0, -'EventAttributes'.length);
    }
  }
  // protobufjs messages keep unset fields on the prototype; look there too.
  for (const key in event) {
    if (key.endsWith('EventAttributes') && event[key] != null) {
      return key.slice(0, -'EventAttributes'.length);
    }
  }
  return `unknown(${event.eventType})`;
}

function attrs(event) {
  return event[`${eventKind(event)}EventAttributes`];
}

function kinds(history) {
  return history.events.map(eventKind);
}

function eventsOf(history, kind) {
  return history.events.filter((e) => eventKind(e) === kind).map(attrs);
}

// Every history must be numbered 1..N without gaps: the SDK's replayer relies on it.
function assertEventIdsContiguous(history) {
  history.events.forEach((e, i) => {
    assert.equal(Number(e.eventId), i + 1, `event #${i} has id ${e.eventId}`);
  });
}

// Awaits `promise`, expecting it to reject with an instance of `cls`; returns the error.
async function rejects(promise, cls, what) {
  let value;
  try {
    value = await promise;
  } catch (err) {
    if (!(err instanceof cls)) {
      throw new Error(`${what}: expected ${cls.name}, got ${err && err.name}: ${err && err.message}` +
        (err && err.cause ? ` (cause ${err.cause.name}: ${err.cause.message})` : ''));
    }
    return err;
  }
  throw new Error(`${what}: expected ${cls.name}, but it resolved with ${JSON.stringify(value)}`);
}

async function listAll(client, query) {
  const out = [];
  for await (const info of client.workflow.list({ query })) out.push(info);
  return out;
}

// The gRPC status code under an SDK error: the client wraps failed calls in a ServiceError
// whose cause is the grpc-js error carrying `code`.
function grpcCode(err) {
  for (let e = err, i = 0; e && i < 5; e = e.cause, i++) {
    if (typeof e.code === 'number') return e.code;
  }
  return undefined;
}
const GRPC = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, FAILED_PRECONDITION: 9, UNIMPLEMENTED: 12 };

// Awaits `promise`, expecting a failed call with gRPC status `code`; returns the error.
async function rejectsWithCode(promise, code, what) {
  try {
    const value = await promise;
    throw Object.assign(new Error(`${what}: expected gRPC code ${code}, but it resolved with ${JSON.stringify(value)}`), { resolved: true });
  } catch (err) {
    if (err.resolved) throw err;
    const got = grpcCode(err);
    if (got !== code) {
      throw new Error(`${what}: expected gRPC code ${code}, got ${got} (${err.name}: ${err.message}${err.cause ? `; cause: ${err.cause.message}` : ''})`);
    }
    return err;
  }
}

// Protobuf int64 fields arrive as Long objects (or numbers); compare them as numbers.
const num = (v) => (v == null ? v : Number(v));

module.exports = {
  assert, sleep, waitFor, eventKind, attrs, kinds, eventsOf, assertEventIdsContiguous, rejects, listAll, num,
  grpcCode, GRPC, rejectsWithCode,
};
