// LongRunningTaskWorkflow: a long job in resumable steps (a data migration of a table between
// two SQLite files, batch by batch), which can be paused, resumed and cancelled between steps
// and reports its status on query.
#include <chrono>

#include "workflows/controls.h"
#include "workflows/jarvis_workflows.h"

namespace endure::workflows {

using namespace std::chrono_literals;
using runtime::ActivityOptions;
using runtime::ApplicationError;
using runtime::RetryPolicy;

Task<Json> LongRunningTaskWorkflow(WorkflowContext& ctx, Json input) {
  if (!input.is_object() || !input.contains("task_id")) {
    throw ApplicationError("input needs task_id", "InvalidInput", true);
  }
  const std::string type = input.value("task_type", "");
  if (type != "data_migration") {
    throw ApplicationError("unknown task_type '" + type + "'; known: data_migration",
                           "UnknownTaskType", true);
  }
  const Json p = input.value("parameters", Json::object());
  Controls controls;
  controls.Register(ctx, "pause", "resume", "cancel");
  Json status = {{"task_id", input["task_id"]}, {"task_type", type}, {"status", "running"},
                 {"batches_done", 0},           {"rows_copied", 0},  {"total_rows", nullptr}};
  ctx.on_query("get_status", [&](const Json&) {
    Json s = status;
    if (controls.paused && s["status"] == "running") s["status"] = "paused";
    return s;
  });

  ActivityOptions options;
  options.start_to_close_timeout = 10min;
  options.heartbeat_timeout = 1min;
  options.retry_policy = RetryPolicy{.initial_interval = 1s, .maximum_attempts = 20};
  Json count_request = {{"db", p.value("source_db", "")}, {"table", p.value("table", "")}};
  Json counted = co_await ctx.execute_activity("count_rows", count_request, options);
  status["total_rows"] = counted["rows"];

  int batch = 0;
  for (;;) {
    if (!co_await controls.Checkpoint(ctx)) {
      status["status"] = "cancelled";
      break;
    }
    Json request = {{"source_db", p.value("source_db", "")},
                    {"target_db", p.value("target_db", "")},
                    {"table", p.value("table", "")},
                    {"batch", batch},
                    {"batch_size", p.value("batch_size", 1000)}};
    Json copied = co_await ctx.execute_activity("copy_rows_batch", request, options);
    status["batches_done"] = batch + 1;
    status["rows_copied"] =
        status["rows_copied"].get<int64_t>() + copied["rows_copied"].get<int64_t>();
    ++batch;
    if (copied["done"].get<bool>()) {
      status["status"] = "completed";
      break;
    }
  }
  co_return status;
}

}  // namespace endure::workflows
