#include "tests/storage/store_test_util.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>

#include "storage/sqlite/connection.h"

namespace endure::storage::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TEST_TMPDIR");  // Set by test runners that sandbox /tmp.
  std::string pattern = std::string(base ? base : "/tmp") + "/endure-test-XXXXXX";
  char* made = mkdtemp(pattern.data());
  ENDURE_CHECK(made != nullptr) << "mkdtemp failed for " << pattern;
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

Result<std::unique_ptr<Store>> OpenTestStore(const TempDir& dir) {
  StoreOptions options;
  options.path = dir.File("endure.db");
  options.durability = Durability::kNormal;
  return Store::Open(options);
}

temporal::api::history::v1::HistoryEvent MakeEvent(EventId id) {
  temporal::api::history::v1::HistoryEvent e;
  e.set_event_id(id);
  e.set_event_type(temporal::api::enums::v1::EVENT_TYPE_TIMER_STARTED);
  e.mutable_event_time()->set_seconds(1'700'000'000 + id);
  auto* attrs = e.mutable_timer_started_event_attributes();
  attrs->set_timer_id("timer-" + std::to_string(id));
  attrs->mutable_start_to_fire_timeout()->set_seconds(id);
  attrs->set_workflow_task_completed_event_id(id > 1 ? id - 1 : 0);
  return e;
}

namespace {

TimePoint ToyTimerFireTime(EventId ref) { return TimePoint(std::chrono::seconds(1'000 + ref)); }

Transition Build(const ToyRun& run, int64_t version) {
  const EventId last = version * run.events_per_step;
  const EventId first = last - run.events_per_step + 1;
  Transition t;
  ExecutionWrite exec;
  exec.expected_db_version = version - 1;
  exec.record.namespace_id = kNamespace;
  exec.record.workflow_id = run.workflow_id;
  exec.record.run_id = run.run_id;
  exec.record.db_version = version;
  exec.record.next_event_id = last + 1;
  exec.record.status = 1;
  exec.record.state = "state@" + std::to_string(version);
  t.execution = exec;
  for (EventId id = first; id <= last; ++id) t.events.push_back(MakeEvent(id));

  if (version > 1) {
    if (run.last_task_id != 0) {
      t.tasks_deleted.push_back({kNamespace, "queue", TaskKind::kWorkflow, run.last_task_id});
    }
    t.timers_deleted.push_back({ToyTimerFireTime(first - 1), run.run_id, 7, first - 1});
  } else {
    CurrentExecutionWrite current;
    current.record = {kNamespace, run.workflow_id, run.run_id, 1, "request-" + run.run_id.value()};
    t.current = current;
  }
  TaskRow task;
  task.namespace_id = kNamespace;
  task.task_queue = "queue";
  task.kind = TaskKind::kWorkflow;
  task.workflow_id = run.workflow_id;
  task.run_id = run.run_id;
  task.ref = last;
  task.payload = "task@" + std::to_string(last);
  t.tasks_created.push_back(task);

  TimerRow timer;
  timer.fire_time = ToyTimerFireTime(last);
  timer.namespace_id = kNamespace;
  timer.workflow_id = run.workflow_id;
  timer.run_id = run.run_id;
  timer.kind = 7;
  timer.ref = last;
  t.timers_created.push_back(timer);

  VisibilityRecord v;
  v.namespace_id = kNamespace;
  v.workflow_id = run.workflow_id;
  v.run_id = run.run_id;
  v.workflow_type = "Toy";
  v.task_queue = "queue";
  v.status = 1;
  v.start_time = TimePoint(std::chrono::seconds(1'000));
  v.execution_time = v.start_time;
  v.history_length = last;
  if (run.visibility_every_step || version == 1 || version == ToyRun::kCloseStep) t.visibility = v;
  return t;
}

Status Breach(const RunId& run, const std::string& what) {
  return DataLoss("run '" + run.value() + "': " + what);
}

}  // namespace

Transition ToyRun::Start() const { return Build(*this, 1); }
Transition ToyRun::StepTo(int64_t version) const { return Build(*this, version); }

Status ToyRun::Commit(Store& store, int64_t version) {
  auto committed = store.Commit(StepTo(version));
  if (!committed.ok()) return committed.status();
  Committed(*committed);
  return Status::Ok();
}

Status CheckRunConsistent(Store& store, sqlite::Connection& raw, const RunId& run_id,
                          int events_per_step) {
  ENDURE_ASSIGN_OR_RETURN(ExecutionRecord exec, store.GetExecution(run_id));
  const EventId last = exec.db_version * events_per_step;
  if (exec.next_event_id != last + 1) return Breach(run_id, "next_event_id off its version");
  if (exec.state != "state@" + std::to_string(exec.db_version)) {
    return Breach(run_id, "state blob of another version");
  }
  ENDURE_ASSIGN_OR_RETURN(auto events,
                          store.ReadHistory(run_id, 1, exec.next_event_id + 100, 1'000'000));
  if (static_cast<EventId>(events.size()) != last) {
    return Breach(run_id, "history holds " + std::to_string(events.size()) + " events, " +
                              std::to_string(last) + " expected");
  }
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].event_id() != static_cast<EventId>(i + 1)) return Breach(run_id, "gap");
    if (events[i].timer_started_event_attributes().timer_id() != "timer-" + std::to_string(i + 1)) {
      return Breach(run_id, "event content differs");
    }
  }
  // Task and timer rows, read directly: exactly one of each, for the last event.
  for (const char* sql : {"SELECT count(*), max(ref), max(payload) FROM tasks WHERE run_id = ?1",
                          "SELECT count(*), max(ref), 'task@' || max(ref) FROM timers "
                          "WHERE run_id = ?1"}) {
    ENDURE_ASSIGN_OR_RETURN(auto stmt, raw.Prepare(sql));
    stmt.Bind(1, run_id.value());
    ENDURE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row || stmt.ColumnInt(0) != 1 || stmt.ColumnInt(1) != last ||
        stmt.ColumnText(2) != "task@" + std::to_string(last)) {
      return Breach(run_id, std::string("rows do not match the version: ") + sql);
    }
  }
  ENDURE_ASSIGN_OR_RETURN(VisibilityRecord v, store.GetVisibility(run_id));
  if (v.history_length != last) return Breach(run_id, "visibility of another version");
  return Status::Ok();
}

std::vector<RunId> AllRunIds(const std::string& db_path) {
  auto db = sqlite::Connection::Open(db_path, sqlite::OpenMode::kReadOnly);
  ENDURE_CHECK(db.ok()) << db.status().ToString();
  auto stmt = (*db)->Prepare("SELECT run_id FROM executions ORDER BY run_id");
  ENDURE_CHECK(stmt.ok()) << stmt.status().ToString();
  std::vector<RunId> out;
  for (;;) {
    auto row = stmt->Step();
    ENDURE_CHECK(row.ok()) << row.status().ToString();
    if (!*row) break;
    out.emplace_back(std::string(stmt->ColumnText(0)));
  }
  return out;
}

Status CheckRecovered(const std::string& path, const std::map<std::string, int64_t>& acked,
                      const std::string& run_prefix, const std::string& probe_id) {
  StoreOptions options;
  options.path = path;
  ENDURE_ASSIGN_OR_RETURN(auto store, Store::Open(options));
  ENDURE_ASSIGN_OR_RETURN(auto raw, sqlite::Connection::Open(path, sqlite::OpenMode::kReadOnly));
  for (const auto& [run, version] : acked) {
    auto exec = store->GetExecution(RunId(run));
    if (!exec.ok())
      return DataLoss("acknowledged run " + run + " lost: " + exec.status().ToString());
    if (exec->db_version < version) return DataLoss("acknowledged step of run " + run + " lost");
  }
  for (const RunId& id : AllRunIds(path)) {
    if (id.value().rfind(run_prefix, 0) != 0) continue;
    ENDURE_RETURN_IF_ERROR(CheckRunConsistent(*store, *raw, id));
  }
  ToyRun probe{WorkflowId(probe_id), RunId(probe_id)};
  return probe.Commit(*store, 1).WithContext("a write after recovery");
}

}  // namespace endure::storage::testing
