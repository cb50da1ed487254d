#include "runtime/replay/replayer.h"

#include <google/protobuf/util/json_util.h>

#include "runtime/workflow/workflow_run.h"

namespace endure::runtime {

Status ReplayHistory(const WorkflowFunction& workflow,
                     const temporal::api::history::v1::History& history,
                     const std::string& workflow_id) {
  if (history.events_size() == 0) return InvalidArgument("the history has no events");
  const auto& first = history.events(0);
  if (!first.has_workflow_execution_started_event_attributes()) {
    return InvalidArgument("the history does not begin with WorkflowExecutionStarted");
  }
  const auto& started = first.workflow_execution_started_event_attributes();
  WorkflowInfo info;
  info.workflow_id = started.workflow_id().empty() ? workflow_id : started.workflow_id();
  // Randomness is seeded from the run id: the run's own, as the worker that wrote the history
  // knew it.
  info.run_id = started.original_execution_run_id();
  info.workflow_type = started.workflow_type().name();
  info.task_queue = started.task_queue().name();
  WorkflowRun run(workflow, info);
  auto commands = run.ApplyEvents(history.events());
  if (!commands.ok()) return commands.status();
  // A history that ends mid-task has its last activation's commands still to come.
  const auto last = history.events(history.events_size() - 1).event_type();
  if (last == temporal::api::enums::v1::EVENT_TYPE_WORKFLOW_TASK_STARTED) return Status::Ok();
  return run.CheckAllCommandsRecorded();
}

Result<temporal::api::history::v1::History> ParseJsonHistory(const std::string& text) {
  temporal::api::history::v1::History history;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(text, &history, options);
  if (!status.ok()) {
    return InvalidArgument("not a Temporal history in JSON: " + std::string(status.message()));
  }
  return history;
}

}  // namespace endure::runtime
