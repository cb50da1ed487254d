// ExecuteMultiOperation: Temporal's update-with-start, [StartWorkflow, UpdateWorkflow] on one
// workflow id. The start runs first (its conflict policy decides whether an existing run is
// used), then the update goes to the run the start answered with. An operation that fails is
// reported in a MultiOperationExecutionFailure, one status per operation, the other marked
// aborted, under the failed operation's own code, which is how the SDKs read it.
#include "engine/frontend/frontend.h"
#include "engine/frontend/with_namespace.h"
#include "temporal/api/errordetails/v1/message.pb.h"
#include "temporal/api/failure/v1/message.pb.h"

namespace endure::engine {
namespace {

Status MultiOperationFailure(const Status& failed, size_t failed_index, size_t count) {
  temporal::api::errordetails::v1::MultiOperationExecutionFailure detail;
  for (size_t i = 0; i < count; ++i) {
    auto* status = detail.add_statuses();
    if (i == failed_index) {
      status->set_code(static_cast<int>(failed.code()));
      status->set_message(failed.message());
      if (failed.detail() != nullptr) *status->add_details() = *failed.detail();
    } else {
      status->set_code(static_cast<int>(StatusCode::kAborted));
      status->set_message("Operation was aborted.");
      status->add_details()->PackFrom(temporal::api::failure::v1::MultiOperationExecutionAborted());
    }
  }
  return Status(failed.code(), "MultiOperation could not be executed: " + failed.message())
      .WithDetail(detail);
}

Status CheckOperations(const wsv1::ExecuteMultiOperationRequest& r) {
  if (r.operations_size() != 2 || !r.operations(0).has_start_workflow() ||
      !r.operations(1).has_update_workflow()) {
    return InvalidArgument(
        "the only supported operations are [StartWorkflow, UpdateWorkflow], in this order");
  }
  const auto& start = r.operations(0).start_workflow();
  const auto& update = r.operations(1).update_workflow();
  if (start.workflow_id() != update.workflow_execution().workflow_id()) {
    return InvalidArgument("the operations' workflow ids differ");
  }
  if (!update.workflow_execution().run_id().empty()) {
    return InvalidArgument("the update of an update-with-start must not name a run id");
  }
  if (!update.first_execution_run_id().empty()) {
    return InvalidArgument(
        "the update of an update-with-start must not set first_execution_run_id");
  }
  if (!start.cron_schedule().empty()) {
    return InvalidArgument("an update-with-start cannot set a cron schedule");
  }
  if (start.has_workflow_start_delay()) {
    return InvalidArgument("an update-with-start cannot set a start delay");
  }
  if (start.request_eager_execution()) {
    return InvalidArgument("an update-with-start cannot request eager execution");
  }
  return Status::Ok();
}

}  // namespace

void Frontend::ExecuteMultiOperation(const wsv1::ExecuteMultiOperationRequest& request,
                                     AlarmClock::Clock::time_point deadline,
                                     Callback<wsv1::ExecuteMultiOperationResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const auto&) {
    if (Status s = CheckOperations(request); !s.ok()) return done(s);
    wsv1::StartWorkflowExecutionRequest start = request.operations(0).start_workflow();
    start.set_namespace_(request.namespace_());
    auto update = std::make_shared<wsv1::UpdateWorkflowExecutionRequest>(
        request.operations(1).update_workflow());
    update->set_namespace_(request.namespace_());
    StartWorkflowExecution(
        start, [this, update, deadline, done = std::move(done)](
                   Result<wsv1::StartWorkflowExecutionResponse> started) mutable {
          if (!started.ok()) return done(MultiOperationFailure(started.status(), 0, 2));
          update->mutable_workflow_execution()->set_run_id(started->run_id());
          UpdateWorkflowExecution(*update, deadline,
                                  [started = std::move(*started), done = std::move(done)](
                                      Result<wsv1::UpdateWorkflowExecutionResponse> updated) {
                                    if (!updated.ok())
                                      return done(MultiOperationFailure(updated.status(), 1, 2));
                                    wsv1::ExecuteMultiOperationResponse response;
                                    *response.add_responses()->mutable_start_workflow() = started;
                                    *response.add_responses()->mutable_update_workflow() =
                                        std::move(*updated);
                                    done(std::move(response));
                                  });
        });
  });
}

}  // namespace endure::engine
