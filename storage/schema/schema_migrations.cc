// Endure's schema, one migration per version. Never edit a released migration: add a new one.
// docs/storage.md describes every table and the invariants that tie them together.
#include "storage/schema/migrations.h"

namespace endure::storage {
namespace {

constexpr const char* kVersion1 = R"sql(
CREATE TABLE namespaces (
  namespace_id  TEXT PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  info          BLOB NOT NULL,   -- temporal.api.namespace.v1.NamespaceInfo
  config        BLOB NOT NULL    -- temporal.api.namespace.v1.NamespaceConfig
);

-- Every run of every workflow. db_version guards each state transition (optimistic concurrency).
CREATE TABLE executions (
  run_id         TEXT PRIMARY KEY,
  namespace_id   TEXT NOT NULL,
  workflow_id    TEXT NOT NULL,
  db_version     INTEGER NOT NULL,
  next_event_id  INTEGER NOT NULL,
  status         INTEGER NOT NULL,  -- temporal.api.enums.v1.WorkflowExecutionStatus
  state          BLOB NOT NULL      -- the engine's mutable-state snapshot (a cache of history)
) WITHOUT ROWID;
CREATE INDEX executions_by_workflow ON executions (namespace_id, workflow_id);

-- The current (latest) run of each workflow id.
CREATE TABLE current_executions (
  namespace_id       TEXT NOT NULL,
  workflow_id        TEXT NOT NULL,
  run_id             TEXT NOT NULL,
  status             INTEGER NOT NULL,
  create_request_id  TEXT NOT NULL,
  PRIMARY KEY (namespace_id, workflow_id)
) WITHOUT ROWID;

-- The event log, one row per batch of events appended together (a temporal.api.history.v1.History).
CREATE TABLE history (
  run_id          TEXT NOT NULL,
  first_event_id  INTEGER NOT NULL,
  last_event_id   INTEGER NOT NULL,
  events          BLOB NOT NULL,
  PRIMARY KEY (run_id, first_event_id)
) WITHOUT ROWID;

-- The durable matching backlog: workflow, activity and query tasks, in task_id order per queue.
-- An outbox: transitions insert, matching deletes by primary key.
CREATE TABLE tasks (
  namespace_id  TEXT NOT NULL,
  task_queue    TEXT NOT NULL,
  kind          INTEGER NOT NULL,
  task_id       INTEGER NOT NULL,  -- from sequences: increases in commit order, never reused
  workflow_id   TEXT NOT NULL,
  run_id        TEXT NOT NULL,
  ref           INTEGER NOT NULL,  -- scheduled event id, or the query's sequence number
  create_time   INTEGER NOT NULL,  -- unix nanoseconds
  payload       BLOB NOT NULL,
  PRIMARY KEY (namespace_id, task_queue, kind, task_id)
) WITHOUT ROWID;

-- Durable timers: user timers, activity and workflow-task timeouts, retries, run timeouts.
CREATE TABLE timers (
  fire_time     INTEGER NOT NULL,  -- unix nanoseconds
  run_id        TEXT NOT NULL,
  kind          INTEGER NOT NULL,
  ref           INTEGER NOT NULL,  -- the event id the timer belongs to
  namespace_id  TEXT NOT NULL,
  workflow_id   TEXT NOT NULL,
  payload       BLOB NOT NULL,
  PRIMARY KEY (fire_time, run_id, kind, ref)
) WITHOUT ROWID;

-- The next task id. The writer hands ids out from memory and stores the next one with each
-- commit, so an id is never handed out twice, even across restarts.
CREATE TABLE sequences (
  name        TEXT PRIMARY KEY,
  next_value  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO sequences (name, next_value) VALUES ('task_id', 1);

-- What List/CountWorkflowExecutions search: one row per run.
CREATE TABLE visibility (
  run_id              TEXT PRIMARY KEY,
  namespace_id        TEXT NOT NULL,
  workflow_id         TEXT NOT NULL,
  workflow_type       TEXT NOT NULL,
  task_queue          TEXT NOT NULL,
  status              INTEGER NOT NULL,
  start_time          INTEGER NOT NULL,
  execution_time      INTEGER NOT NULL,
  close_time          INTEGER,
  history_length      INTEGER NOT NULL,
  history_size_bytes  INTEGER NOT NULL,
  memo                BLOB NOT NULL,   -- temporal.api.common.v1.Memo
  search_attributes   BLOB NOT NULL    -- temporal.api.common.v1.SearchAttributes
) WITHOUT ROWID;
CREATE INDEX visibility_by_start ON visibility (namespace_id, start_time DESC, run_id);
CREATE INDEX visibility_by_workflow_id ON visibility (namespace_id, workflow_id);
CREATE INDEX visibility_by_type ON visibility (namespace_id, workflow_type, start_time DESC);
-- No index on status: it changes with every update of a run, and maintaining an index on it
-- would cost every transition; filters on status scan one of the indexes above.
)sql";

constexpr const char* kVersion2 = R"sql(
-- Facts about this server as a whole (its cluster id, ...), by name.
CREATE TABLE cluster_metadata (
  name   TEXT PRIMARY KEY,
  value  BLOB NOT NULL
) WITHOUT ROWID;
)sql";

constexpr const char* kVersion3 = R"sql(
-- Custom search attributes as JSON (name -> value; Datetime as unix nanoseconds, KeywordList as
-- an array), which visibility queries filter on with json_extract and json_each.
ALTER TABLE visibility ADD COLUMN search_attributes_json TEXT NOT NULL DEFAULT '{}';

-- The custom search attributes registered per namespace, with their types.
CREATE TABLE search_attributes (
  namespace_id  TEXT NOT NULL,
  name          TEXT NOT NULL,
  type          INTEGER NOT NULL,  -- temporal.api.enums.v1.IndexedValueType
  PRIMARY KEY (namespace_id, name)
) WITHOUT ROWID;
)sql";

constexpr const char* kVersion4 = R"sql(
-- Nothing looks runs up by workflow id in executions (current_executions and visibility do),
-- and the index cost every start a write to a page picked by a random workflow id.
DROP INDEX executions_by_workflow;

-- A run's status lives in its execution row alone: current_executions points at the run and is
-- written when the run becomes current, not again when it closes (another random page).
ALTER TABLE current_executions DROP COLUMN status;

-- History rows in the order they are appended (a rowid table), found by run through an index:
-- a commit's batches, one per run it touches, then share the table's last pages, and only the
-- small index entries land on a page per run.
CREATE TABLE history_appended (
  id              INTEGER PRIMARY KEY,
  run_id          TEXT NOT NULL,
  first_event_id  INTEGER NOT NULL,
  last_event_id   INTEGER NOT NULL,
  events          BLOB NOT NULL    -- a temporal.api.history.v1.History
);
INSERT INTO history_appended (run_id, first_event_id, last_event_id, events)
  SELECT run_id, first_event_id, last_event_id, events FROM history ORDER BY run_id, first_event_id;
DROP TABLE history;
ALTER TABLE history_appended RENAME TO history;
CREATE UNIQUE INDEX history_by_run ON history (run_id, first_event_id);
)sql";

constexpr const char* kVersion5 = R"sql(
-- How many of the run's armed timers the engine keeps in memory instead of in the timers table
-- (the timeouts of its workflow task and activities in flight, each written and deleted within
-- milliseconds of the other). A start reads the runs where it is not 0 and arms them again.
ALTER TABLE executions ADD COLUMN timers_in_memory INTEGER NOT NULL DEFAULT 0;
)sql";

constexpr Migration kMigrations[] = {
    {1, kVersion1},
    {2, kVersion2},
    {3, kVersion3},
    {4, kVersion4},
    {5, kVersion5},
};

}  // namespace

std::span<const Migration> SchemaMigrations() { return kMigrations; }

}  // namespace endure::storage
