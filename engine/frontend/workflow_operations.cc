// The frontend's workflow operations: each resolves the request's namespace and hands the
// request to the history service.
#include "engine/frontend/frontend.h"
#include "engine/frontend/with_namespace.h"

namespace endure::engine {

void Frontend::StartWorkflowExecution(const wsv1::StartWorkflowExecutionRequest& request,
                                      Callback<wsv1::StartWorkflowExecutionResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
    history_->StartWorkflow(*ns, request, std::move(done));
  });
}

void Frontend::SignalWithStartWorkflowExecution(
    const wsv1::SignalWithStartWorkflowExecutionRequest& request,
    Callback<wsv1::SignalWithStartWorkflowExecutionResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const auto& ns) {
    history_->SignalWithStart(*ns, request, std::move(done));
  });
}

void Frontend::SignalWorkflowExecution(const wsv1::SignalWorkflowExecutionRequest& request,
                                       Callback<wsv1::SignalWorkflowExecutionResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
    history_->Signal(*ns, request, std::move(done));
  });
}

void Frontend::RequestCancelWorkflowExecution(
    const wsv1::RequestCancelWorkflowExecutionRequest& request,
    Callback<wsv1::RequestCancelWorkflowExecutionResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
    history_->RequestCancel(*ns, request, std::move(done));
  });
}

void Frontend::TerminateWorkflowExecution(const wsv1::TerminateWorkflowExecutionRequest& request,
                                          Callback<wsv1::TerminateWorkflowExecutionResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
    history_->Terminate(*ns, request, std::move(done));
  });
}

void Frontend::DescribeWorkflowExecution(const wsv1::DescribeWorkflowExecutionRequest& request,
                                         Callback<wsv1::DescribeWorkflowExecutionResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
    history_->Describe(*ns, request, std::move(done));
  });
}

void Frontend::GetWorkflowExecutionHistory(
    const wsv1::GetWorkflowExecutionHistoryRequest& request,
    AlarmClock::Clock::time_point deadline,
    Callback<wsv1::GetWorkflowExecutionHistoryResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
    history_->GetHistory(*ns, request, deadline, std::move(done));
  });
}

void Frontend::GetWorkflowExecutionHistoryReverse(
    const wsv1::GetWorkflowExecutionHistoryReverseRequest& request,
    Callback<wsv1::GetWorkflowExecutionHistoryReverseResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const auto& ns) {
    history_->GetHistoryReverse(*ns, request, std::move(done));
  });
}

void Frontend::ResetStickyTaskQueue(const wsv1::ResetStickyTaskQueueRequest& request,
                                    Callback<wsv1::ResetStickyTaskQueueResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const auto& ns) {
    history_->ResetStickyTaskQueue(*ns, request, std::move(done));
  });
}

void Frontend::ImportWorkflowExecution(const std::string& namespace_name,
                                       const std::string& workflow_id,
                                       const temporal::api::history::v1::History& history,
                                       Callback<std::string> done) {
  WithNamespace(*namespaces_, namespace_name, done, [&](const auto& ns) {
    std::vector<history::HistoryEvent> events(history.events().begin(), history.events().end());
    history_->ImportHistory(*ns, workflow_id, std::move(events),
                            [done = std::move(done)](Result<RunId> run_id) {
                              if (!run_id.ok()) return done(run_id.status());
                              done(run_id->value());
                            });
  });
}

void Frontend::UpdateWorkflowExecution(const wsv1::UpdateWorkflowExecutionRequest& request,
                                       AlarmClock::Clock::time_point deadline,
                                       Callback<wsv1::UpdateWorkflowExecutionResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const auto& ns) {
    history_->UpdateWorkflow(*ns, request, deadline, std::move(done));
  });
}

void Frontend::PollWorkflowExecutionUpdate(
    const wsv1::PollWorkflowExecutionUpdateRequest& request,
    AlarmClock::Clock::time_point deadline,
    Callback<wsv1::PollWorkflowExecutionUpdateResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const auto& ns) {
    history_->PollUpdate(*ns, request, deadline, std::move(done));
  });
}

void Frontend::QueryWorkflow(const wsv1::QueryWorkflowRequest& request,
                             AlarmClock::Clock::time_point deadline,
                             Callback<wsv1::QueryWorkflowResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const auto& ns) {
    history_->QueryWorkflow(*ns, request, deadline, std::move(done));
  });
}

}  // namespace endure::engine
