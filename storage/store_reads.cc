#include "storage/store_reads.h"

#include <variant>

#include "storage/visibility/visibility_query.h"

#include "storage/time_codec.h"

namespace endure::storage::reads {
namespace {

template <typename Proto>
Status ParseBlob(std::string_view bytes, Proto* out, const char* what) {
  if (!out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return DataLoss(std::string("stored ") + what + " does not parse");
  }
  return Status::Ok();
}

Result<NamespaceRecord> NamespaceFromRow(sqlite::Statement& s) {
  NamespaceRecord r;
  r.id = NamespaceId(std::string(s.ColumnText(0)));
  ENDURE_RETURN_IF_ERROR(ParseBlob(s.ColumnBlob(1), &r.info, "namespace info"));
  ENDURE_RETURN_IF_ERROR(ParseBlob(s.ColumnBlob(2), &r.config, "namespace config"));
  return r;
}

constexpr const char* kNamespaceColumns = "SELECT namespace_id, info, config FROM namespaces ";

}  // namespace

Result<NamespaceRecord> GetNamespaceByName(sqlite::Connection& db, const std::string& name) {
  static const std::string sql = std::string(kNamespaceColumns) + "WHERE name = ?1";
  ENDURE_ASSIGN_OR_RETURN(auto s, db.Cached(sql.c_str()));
  s->Bind(1, name);
  ENDURE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return NotFound("namespace '" + name + "' not found");
  return NamespaceFromRow(*s);
}

Result<NamespaceRecord> GetNamespaceById(sqlite::Connection& db, const NamespaceId& id) {
  static const std::string sql = std::string(kNamespaceColumns) + "WHERE namespace_id = ?1";
  ENDURE_ASSIGN_OR_RETURN(auto s, db.Cached(sql.c_str()));
  s->Bind(1, id.value());
  ENDURE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return NotFound("namespace id '" + id.value() + "' not found");
  return NamespaceFromRow(*s);
}

Result<std::vector<NamespaceRecord>> ListNamespaces(sqlite::Connection& db) {
  static const std::string sql = std::string(kNamespaceColumns) + "ORDER BY name";
  ENDURE_ASSIGN_OR_RETURN(auto s, db.Cached(sql.c_str()));
  std::vector<NamespaceRecord> out;
  for (;;) {
    ENDURE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    ENDURE_ASSIGN_OR_RETURN(auto record, NamespaceFromRow(*s));
    out.push_back(std::move(record));
  }
  return out;
}

Result<ExecutionRecord> GetExecution(sqlite::Connection& db, const RunId& run_id) {
  ENDURE_ASSIGN_OR_RETURN(
      auto s,
      db.Cached("SELECT namespace_id, workflow_id, db_version, next_event_id, status, state, "
                "timers_in_memory FROM executions WHERE run_id = ?1"));
  s->Bind(1, run_id.value());
  ENDURE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return NotFound("run '" + run_id.value() + "' not found");
  ExecutionRecord r;
  r.namespace_id = NamespaceId(std::string(s->ColumnText(0)));
  r.workflow_id = WorkflowId(std::string(s->ColumnText(1)));
  r.run_id = run_id;
  r.db_version = s->ColumnInt(2);
  r.next_event_id = s->ColumnInt(3);
  r.status = static_cast<int>(s->ColumnInt(4));
  r.state = std::string(s->ColumnBlob(5));
  r.timers_in_memory = s->ColumnInt(6);
  return r;
}

namespace {

Result<std::vector<ExecutionRecord>> ScanRunsWithTimersInMemory(sqlite::Connection& db,
                                                                const RunId& after, size_t limit) {
  ENDURE_ASSIGN_OR_RETURN(
      auto s, db.Cached("SELECT run_id, namespace_id, workflow_id, db_version, next_event_id, "
                        "status, state, timers_in_memory FROM executions "
                        "WHERE run_id > ?1 AND timers_in_memory > 0 ORDER BY run_id LIMIT ?2"));
  s->BindRef(1, after.value()).Bind(2, static_cast<int64_t>(limit));
  std::vector<ExecutionRecord> out;
  for (;;) {
    ENDURE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    ExecutionRecord r;
    r.run_id = RunId(std::string(s->ColumnText(0)));
    r.namespace_id = NamespaceId(std::string(s->ColumnText(1)));
    r.workflow_id = WorkflowId(std::string(s->ColumnText(2)));
    r.db_version = s->ColumnInt(3);
    r.next_event_id = s->ColumnInt(4);
    r.status = static_cast<int>(s->ColumnInt(5));
    r.state = std::string(s->ColumnBlob(6));
    r.timers_in_memory = s->ColumnInt(7);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

Result<std::vector<ExecutionRecord>> ReadRunsWithTimersInMemory(sqlite::Connection& db,
                                                                const RunId& after, size_t limit) {
  // No index: a start reads this once, and one would cost the transitions that change the count.
  // The read goes through the whole table, whose pages no later read needs: it gets a cache
  // small enough not to show in the process's footprint, and the connection's own afterwards.
  ENDURE_ASSIGN_OR_RETURN(const int64_t cache_size, db.QueryInt("PRAGMA cache_size"));
  ENDURE_RETURN_IF_ERROR(db.Exec("PRAGMA cache_size = 16"));
  auto rows = ScanRunsWithTimersInMemory(db, after, limit);
  ENDURE_RETURN_IF_ERROR(db.Exec("PRAGMA cache_size = " + std::to_string(cache_size)));
  return rows;
}

Result<CurrentExecutionRecord> GetCurrentExecution(sqlite::Connection& db,
                                                   const NamespaceId& namespace_id,
                                                   const WorkflowId& workflow_id) {
  ENDURE_ASSIGN_OR_RETURN(
      auto s, db.Cached("SELECT c.run_id, e.status, c.create_request_id "
                        "FROM current_executions c JOIN executions e ON e.run_id = c.run_id "
                        "WHERE c.namespace_id = ?1 AND c.workflow_id = ?2"));
  s->Bind(1, namespace_id.value()).Bind(2, workflow_id.value());
  ENDURE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return NotFound("workflow '" + workflow_id.value() + "' not found");
  CurrentExecutionRecord r;
  r.namespace_id = namespace_id;
  r.workflow_id = workflow_id;
  r.run_id = RunId(std::string(s->ColumnText(0)));
  r.status = static_cast<int>(s->ColumnInt(1));
  r.create_request_id = std::string(s->ColumnText(2));
  return r;
}

Result<std::vector<temporal::api::history::v1::HistoryEvent>> ReadHistory(sqlite::Connection& db,
                                                                          const RunId& run_id,
                                                                          EventId first_event_id,
                                                                          EventId next_event_id,
                                                                          size_t max_events) {
  // Start at the batch holding first_event_id (the greatest first_event_id not after it), then
  // walk batches in order: two index seeks, then a sequential range.
  ENDURE_ASSIGN_OR_RETURN(
      auto s, db.Cached("SELECT events FROM history WHERE run_id = ?1 AND first_event_id >= "
                        "(SELECT coalesce(max(first_event_id), 0) FROM history "
                        " WHERE run_id = ?1 AND first_event_id <= ?2) "
                        "AND first_event_id < ?3 ORDER BY first_event_id"));
  s->Bind(1, run_id.value()).Bind(2, first_event_id).Bind(3, next_event_id);
  std::vector<temporal::api::history::v1::HistoryEvent> out;
  temporal::api::history::v1::History batch;
  while (out.size() < max_events) {
    ENDURE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    batch.Clear();
    ENDURE_RETURN_IF_ERROR(ParseBlob(s->ColumnBlob(0), &batch, "history batch"));
    for (auto& event : *batch.mutable_events()) {
      if (event.event_id() < first_event_id || event.event_id() >= next_event_id) continue;
      if (out.size() == max_events) break;
      out.push_back(std::move(event));
    }
  }
  return out;
}

Result<std::vector<TaskRow>> ReadTasks(sqlite::Connection& db, const NamespaceId& namespace_id,
                                       const std::string& task_queue, TaskKind kind,
                                       int64_t after_task_id, size_t limit) {
  ENDURE_ASSIGN_OR_RETURN(
      auto s,
      db.Cached("SELECT task_id, workflow_id, run_id, ref, create_time, payload FROM tasks "
                "WHERE namespace_id = ?1 AND task_queue = ?2 AND kind = ?3 AND task_id > ?4 "
                "ORDER BY task_id LIMIT ?5"));
  s->Bind(1, namespace_id.value()).Bind(2, task_queue).Bind(3, static_cast<int64_t>(kind));
  s->Bind(4, after_task_id).Bind(5, static_cast<int64_t>(limit));
  std::vector<TaskRow> out;
  for (;;) {
    ENDURE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    TaskRow t;
    t.task_id = s->ColumnInt(0);
    t.namespace_id = namespace_id;
    t.task_queue = task_queue;
    t.kind = kind;
    t.workflow_id = WorkflowId(std::string(s->ColumnText(1)));
    t.run_id = RunId(std::string(s->ColumnText(2)));
    t.ref = s->ColumnInt(3);
    t.create_time = FromUnixNanos(s->ColumnInt(4));
    t.payload = std::string(s->ColumnBlob(5));
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<TimerRow>> ReadDueTimers(sqlite::Connection& db, TimePoint until, size_t limit) {
  ENDURE_ASSIGN_OR_RETURN(
      auto s,
      db.Cached(
          "SELECT fire_time, namespace_id, workflow_id, run_id, kind, ref, payload "
          "FROM timers WHERE fire_time <= ?1 ORDER BY fire_time, run_id, kind, ref LIMIT ?2"));
  s->Bind(1, ToUnixNanos(until)).Bind(2, static_cast<int64_t>(limit));
  std::vector<TimerRow> out;
  for (;;) {
    ENDURE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    TimerRow t;
    t.fire_time = FromUnixNanos(s->ColumnInt(0));
    t.namespace_id = NamespaceId(std::string(s->ColumnText(1)));
    t.workflow_id = WorkflowId(std::string(s->ColumnText(2)));
    t.run_id = RunId(std::string(s->ColumnText(3)));
    t.kind = static_cast<int>(s->ColumnInt(4));
    t.ref = s->ColumnInt(5);
    t.payload = std::string(s->ColumnBlob(6));
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::optional<TimePoint>> NextTimerFireTime(sqlite::Connection& db, TimePoint after) {
  ENDURE_ASSIGN_OR_RETURN(auto s,
                          db.Cached("SELECT min(fire_time) FROM timers WHERE fire_time > ?1"));
  s->Bind(1, ToUnixNanos(after));
  ENDURE_ASSIGN_OR_RETURN(bool row, s->Step());
  std::optional<TimePoint> out;
  if (row && !s->ColumnIsNull(0)) out = FromUnixNanos(s->ColumnInt(0));
  return out;
}

Result<VisibilityRecord> GetVisibility(sqlite::Connection& db, const RunId& run_id) {
  ENDURE_ASSIGN_OR_RETURN(
      auto s,
      db.Cached(
          "SELECT namespace_id, workflow_id, workflow_type, task_queue, status, start_time, "
          "execution_time, close_time, history_length, history_size_bytes, memo, search_attributes "
          "FROM visibility WHERE run_id = ?1"));
  s->Bind(1, run_id.value());
  ENDURE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return NotFound("no visibility record for run '" + run_id.value() + "'");
  VisibilityRecord v;
  v.run_id = run_id;
  v.namespace_id = NamespaceId(std::string(s->ColumnText(0)));
  v.workflow_id = WorkflowId(std::string(s->ColumnText(1)));
  v.workflow_type = std::string(s->ColumnText(2));
  v.task_queue = std::string(s->ColumnText(3));
  v.status = static_cast<int>(s->ColumnInt(4));
  v.start_time = FromUnixNanos(s->ColumnInt(5));
  v.execution_time = FromUnixNanos(s->ColumnInt(6));
  if (!s->ColumnIsNull(7)) v.close_time = FromUnixNanos(s->ColumnInt(7));
  v.history_length = s->ColumnInt(8);
  v.history_size_bytes = s->ColumnInt(9);
  ENDURE_RETURN_IF_ERROR(ParseBlob(s->ColumnBlob(10), &v.memo, "memo"));
  ENDURE_RETURN_IF_ERROR(ParseBlob(s->ColumnBlob(11), &v.search_attributes, "search attributes"));
  return v;
}

Result<std::optional<std::string>> GetClusterMetadata(sqlite::Connection& db,
                                                      const std::string& name) {
  ENDURE_ASSIGN_OR_RETURN(auto s, db.Cached("SELECT value FROM cluster_metadata WHERE name = ?1"));
  s->Bind(1, name);
  ENDURE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(std::string(s->ColumnBlob(0)));
}

Result<StoreSummary> Summarize(sqlite::Connection& db) {
  StoreSummary out;
  ENDURE_ASSIGN_OR_RETURN(int64_t version, db.QueryInt("PRAGMA user_version"));
  out.schema_version = static_cast<int>(version);
  ENDURE_ASSIGN_OR_RETURN(out.namespaces, db.QueryInt("SELECT count(*) FROM namespaces"));
  ENDURE_ASSIGN_OR_RETURN(out.executions, db.QueryInt("SELECT count(*) FROM executions"));
  // 1 = WORKFLOW_EXECUTION_STATUS_RUNNING.
  ENDURE_ASSIGN_OR_RETURN(out.open_executions,
                          db.QueryInt("SELECT count(*) FROM executions WHERE status = 1"));
  ENDURE_ASSIGN_OR_RETURN(out.history_batches, db.QueryInt("SELECT count(*) FROM history"));
  ENDURE_ASSIGN_OR_RETURN(
      out.history_events,
      db.QueryInt("SELECT coalesce(sum(last_event_id - first_event_id + 1), 0) FROM history"));
  ENDURE_ASSIGN_OR_RETURN(out.tasks, db.QueryInt("SELECT count(*) FROM tasks"));
  ENDURE_ASSIGN_OR_RETURN(out.timers, db.QueryInt("SELECT count(*) FROM timers"));
  ENDURE_ASSIGN_OR_RETURN(int64_t pages, db.QueryInt("PRAGMA page_count"));
  ENDURE_ASSIGN_OR_RETURN(int64_t page_size, db.QueryInt("PRAGMA page_size"));
  out.file_bytes = pages * page_size;
  return out;
}

namespace {

// The visibility table's columns of a VisibilityRecord, in ReadVisibilityRow's order.
constexpr const char* kVisibilityColumns =
    "run_id, namespace_id, workflow_id, workflow_type, task_queue, status, start_time, "
    "execution_time, close_time, history_length, history_size_bytes, memo, search_attributes, "
    "search_attributes_json";

Result<VisibilityRecord> ReadVisibilityRow(sqlite::Statement& s) {
  VisibilityRecord v;
  v.run_id = RunId(std::string(s.ColumnText(0)));
  v.namespace_id = NamespaceId(std::string(s.ColumnText(1)));
  v.workflow_id = WorkflowId(std::string(s.ColumnText(2)));
  v.workflow_type = std::string(s.ColumnText(3));
  v.task_queue = std::string(s.ColumnText(4));
  v.status = static_cast<int>(s.ColumnInt(5));
  v.start_time = FromUnixNanos(s.ColumnInt(6));
  v.execution_time = FromUnixNanos(s.ColumnInt(7));
  if (!s.ColumnIsNull(8)) v.close_time = FromUnixNanos(s.ColumnInt(8));
  v.history_length = s.ColumnInt(9);
  v.history_size_bytes = s.ColumnInt(10);
  ENDURE_RETURN_IF_ERROR(ParseBlob(s.ColumnBlob(11), &v.memo, "memo"));
  ENDURE_RETURN_IF_ERROR(ParseBlob(s.ColumnBlob(12), &v.search_attributes, "search attributes"));
  v.search_attributes_json = std::string(s.ColumnText(13));
  return v;
}

// temporal.api.enums.v1.IndexedValueType to the translator's types.
visibility::AttributeType TypeOf(int indexed_value_type) {
  switch (indexed_value_type) {
    case 1:
      return visibility::AttributeType::kText;
    case 3:
      return visibility::AttributeType::kInt;
    case 4:
      return visibility::AttributeType::kDouble;
    case 5:
      return visibility::AttributeType::kBool;
    case 6:
      return visibility::AttributeType::kDatetime;
    case 7:
      return visibility::AttributeType::kKeywordList;
    default:
      return visibility::AttributeType::kKeyword;
  }
}

Result<visibility::TranslatedQuery> Translate(const VisibilityQuery& q) {
  auto custom = q.custom;
  auto resolver = visibility::SystemAttributes(
      [custom](const std::string& name) -> std::optional<visibility::AttributeType> {
        if (!custom) return std::nullopt;
        auto type = custom(name);
        if (!type) return std::nullopt;
        return TypeOf(*type);
      });
  return visibility::TranslateQuery(q.query, resolver);
}

void BindParams(sqlite::Statement& s, int first, const std::vector<visibility::SqlValue>& params) {
  int i = first;
  for (const auto& p : params) {
    if (const auto* n = std::get_if<int64_t>(&p)) {
      s.Bind(i++, *n);
    } else if (const auto* d = std::get_if<double>(&p)) {
      s.BindDouble(i++, *d);
    } else {
      s.Bind(i++, std::get<std::string>(p));
    }
  }
}

}  // namespace

Result<std::vector<VisibilityRecord>> ListVisibility(sqlite::Connection& db,
                                                     const VisibilityQuery& q) {
  ENDURE_ASSIGN_OR_RETURN(auto t, Translate(q));
  if (t.group_by_execution_status) return InvalidArgument("GROUP BY is only for counting workflows");
  // The SQL text comes from fixed strings and the translator's trusted column expressions only;
  // every value is a bound parameter.
  std::string sql =
      std::string("SELECT ") + kVisibilityColumns + " FROM visibility WHERE namespace_id = ?";
  if (!t.where.empty()) sql += " AND (" + t.where + ")";
  sql += " ORDER BY " + (t.order_by.empty() ? std::string("start_time DESC, run_id") : t.order_by);
  sql += " LIMIT ? OFFSET ?";
  ENDURE_ASSIGN_OR_RETURN(auto s, db.Prepare(sql));
  s.Bind(1, q.namespace_id.value());
  BindParams(s, 2, t.params);
  const int next = 2 + static_cast<int>(t.params.size());
  s.Bind(next, static_cast<int64_t>(q.limit)).Bind(next + 1, q.offset);
  std::vector<VisibilityRecord> out;
  while (true) {
    ENDURE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    ENDURE_ASSIGN_OR_RETURN(auto v, ReadVisibilityRow(s));
    out.push_back(std::move(v));
  }
  return out;
}

Result<VisibilityCount> CountVisibility(sqlite::Connection& db, const VisibilityQuery& q) {
  ENDURE_ASSIGN_OR_RETURN(auto t, Translate(q));
  if (!t.order_by.empty()) return InvalidArgument("ORDER BY is not allowed when counting");
  std::string sql = t.group_by_execution_status
                        ? "SELECT status, count(*) FROM visibility WHERE namespace_id = ?"
                        : "SELECT count(*) FROM visibility WHERE namespace_id = ?";
  if (!t.where.empty()) sql += " AND (" + t.where + ")";
  if (t.group_by_execution_status) sql += " GROUP BY status ORDER BY status";
  ENDURE_ASSIGN_OR_RETURN(auto s, db.Prepare(sql));
  s.Bind(1, q.namespace_id.value());
  BindParams(s, 2, t.params);
  VisibilityCount out;
  out.grouped = t.group_by_execution_status;
  while (true) {
    ENDURE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (out.grouped) {
      out.by_status.emplace_back(static_cast<int>(s.ColumnInt(0)), s.ColumnInt(1));
      out.total += s.ColumnInt(1);
    } else {
      out.total = s.ColumnInt(0);
    }
  }
  return out;
}

Result<std::vector<SearchAttributeRecord>> ListSearchAttributes(sqlite::Connection& db) {
  ENDURE_ASSIGN_OR_RETURN(
      auto s, db.Prepare("SELECT namespace_id, name, type FROM search_attributes ORDER BY 1, 2"));
  std::vector<SearchAttributeRecord> out;
  while (true) {
    ENDURE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back({NamespaceId(std::string(s.ColumnText(0))), std::string(s.ColumnText(1)),
                   static_cast<int>(s.ColumnInt(2))});
  }
  return out;
}

}  // namespace endure::storage::reads
