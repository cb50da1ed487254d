// The commands that reach other workflows: StartChildWorkflowExecution,
// SignalExternalWorkflowExecution and RequestCancelExternalWorkflowExecution. Each writes its
// Initiated event and arms a transfer (timer_kinds.h) that does the work on the other run once
// this transition is durable (transfers.cc).
#include "engine/history/durations.h"
#include "engine/history/history_engine.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;

}  // namespace

std::optional<HistoryEngine::CommandFailure> HistoryEngine::ApplyExternalCommand(
    RunMutation& m, const temporal::api::command::v1::Command& command, int64_t completed_id) {
  MutableState& s = m.state();
  const storage::NamespaceRecord* own = nullptr;
  auto own_ns = options_.namespaces->ById(NamespaceId(s.namespace_id()));
  if (own_ns.ok()) own = &*own_ns;
  // Commands name other workflows of the run's own namespace (Temporal deprecated the
  // commands' namespace field).
  auto namespace_or_own = [&](const std::string& name) {
    return name.empty() && own != nullptr ? own->info.name() : name;
  };
  switch (command.command_type()) {
    case enums::COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION: {
      const auto& a = command.start_child_workflow_execution_command_attributes();
      const std::string ns = namespace_or_own("");
      if (!options_.namespaces->Find(ns)) {
        return CommandFailure{enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES,
                              "namespace " + ns + " not found"};
      }
      HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED);
      auto* e = event.mutable_start_child_workflow_execution_initiated_event_attributes();
      e->set_namespace_(ns);
      e->set_workflow_id(a.workflow_id());
      *e->mutable_workflow_type() = a.workflow_type();
      *e->mutable_task_queue() = a.task_queue();
      if (e->task_queue().name().empty()) *e->mutable_task_queue() = s.started().task_queue();
      *e->mutable_input() = a.input();
      *e->mutable_workflow_execution_timeout() = a.workflow_execution_timeout();
      *e->mutable_workflow_run_timeout() = a.workflow_run_timeout();
      *e->mutable_workflow_task_timeout() = a.workflow_task_timeout();
      e->set_parent_close_policy(a.parent_close_policy() ==
                                         enums::PARENT_CLOSE_POLICY_UNSPECIFIED
                                     ? enums::PARENT_CLOSE_POLICY_TERMINATE
                                     : a.parent_close_policy());
      e->set_workflow_task_completed_event_id(completed_id);
      e->set_workflow_id_reuse_policy(a.workflow_id_reuse_policy());
      if (a.has_retry_policy()) *e->mutable_retry_policy() = a.retry_policy();
      e->set_cron_schedule(a.cron_schedule());
      *e->mutable_header() = a.header();
      *e->mutable_memo() = a.memo();
      *e->mutable_search_attributes() = a.search_attributes();
      if (a.has_priority()) *e->mutable_priority() = a.priority();
      const int64_t id = m.Append(std::move(event));
      m.ArmTimer(kStartChild, id, 0, m.now_nanos());
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION: {
      const auto& a = command.signal_external_workflow_execution_command_attributes();
      HistoryEvent event =
          m.NewEvent(enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED);
      auto* e = event.mutable_signal_external_workflow_execution_initiated_event_attributes();
      e->set_workflow_task_completed_event_id(completed_id);
      e->set_namespace_(namespace_or_own(""));
      *e->mutable_workflow_execution() = a.execution();
      e->set_signal_name(a.signal_name());
      *e->mutable_input() = a.input();
      e->set_child_workflow_only(a.child_workflow_only());
      *e->mutable_header() = a.header();
      const int64_t id = m.Append(std::move(event));
      m.ArmTimer(kSignalExternal, id, 0, m.now_nanos());
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION: {
      const auto& a = command.request_cancel_external_workflow_execution_command_attributes();
      HistoryEvent event =
          m.NewEvent(enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED);
      auto* e =
          event.mutable_request_cancel_external_workflow_execution_initiated_event_attributes();
      e->set_workflow_task_completed_event_id(completed_id);
      e->set_namespace_(namespace_or_own(""));
      e->mutable_workflow_execution()->set_workflow_id(a.workflow_id());
      e->mutable_workflow_execution()->set_run_id(a.run_id());
      e->set_child_workflow_only(a.child_workflow_only());
      e->set_reason(a.reason());
      const int64_t id = m.Append(std::move(event));
      m.ArmTimer(kCancelExternal, id, 0, m.now_nanos());
      return std::nullopt;
    }
    default:
      return CommandFailure{enums::WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
                            "this server does not handle command " +
                                enums::CommandType_Name(command.command_type())};
  }
}

}  // namespace endure::engine::history
