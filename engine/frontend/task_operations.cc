// The frontend's worker-facing operations: task polls (matching, then the history service
// records the start) and the responses to workflow and activity tasks.
#include "engine/frontend/frontend.h"

namespace endure::engine {
namespace {

template <typename Response, typename Op>
void WithNamespace(const NamespaceRegistry& namespaces, const std::string& name,
                   Callback<Response>& done, Op&& op) {
  if (name.empty()) return done(InvalidArgument("Namespace is not set on request."));
  auto ns = namespaces.ByName(name);
  if (!ns.ok()) return done(ns.status());
  op(*ns);
}

bool Cancelled(const PollOptions& options) {
  return options.cancelled && options.cancelled->load();
}

// Adapts the history service's answer (cancel_requested, or just done) to a response type.
template <typename Response>
Callback<bool> Answer(Callback<Response> done) {
  return [done = std::move(done)](Result<bool> r) {
    if (!r.ok()) return done(r.status());
    done(Response());
  };
}

}  // namespace

void Frontend::PollWorkflowTaskQueue(const wsv1::PollWorkflowTaskQueueRequest& request,
                                     PollOptions options,
                                     Callback<wsv1::PollWorkflowTaskQueueResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const storage::NamespaceRecord& ns) {
    if (request.task_queue().name().empty()) {
      return done(InvalidArgument("TaskQueue is not set on request."));
    }
    PollWorkflowTasks(ns, request, std::move(options), std::move(done));
  });
}

void Frontend::PollWorkflowTasks(storage::NamespaceRecord ns,
                                 wsv1::PollWorkflowTaskQueueRequest request, PollOptions options,
                                 Callback<wsv1::PollWorkflowTaskQueueResponse> done) {
  const NamespaceId ns_id = ns.id;
  const std::string queue = request.task_queue().name();
  matching_->Poll(
      ns_id, queue, storage::TaskKind::kWorkflow, options.deadline,
      [this, ns = std::move(ns), request = std::move(request), options,
       done = std::move(done)](std::optional<storage::TaskRow> task) {
        if (!task) {
          done(wsv1::PollWorkflowTaskQueueResponse());  // Empty: all fields at their defaults.
          return true;
        }
        if (Cancelled(options)) {
          done(wsv1::PollWorkflowTaskQueueResponse());  // Nobody reads it; the task stays.
          return false;
        }
        history_->RecordWorkflowTaskStarted(
            *task, request,
            [this, ns, request, options,
             done](Result<std::optional<wsv1::PollWorkflowTaskQueueResponse>> r) {
              if (!r.ok()) return done(r.status());
              // An obsolete task: wait on for the next one, within the same deadline.
              if (!*r) return PollWorkflowTasks(ns, request, options, done);
              done(std::move(**r));
            });
        return true;
      });
}

void Frontend::RespondWorkflowTaskCompleted(
    const wsv1::RespondWorkflowTaskCompletedRequest& request,
    Callback<wsv1::RespondWorkflowTaskCompletedResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const storage::NamespaceRecord& ns) {
    history_->RespondWorkflowTaskCompleted(ns, request, std::move(done));
  });
}

void Frontend::RespondWorkflowTaskFailed(const wsv1::RespondWorkflowTaskFailedRequest& request,
                                         Callback<wsv1::RespondWorkflowTaskFailedResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const storage::NamespaceRecord& ns) {
    history_->RespondWorkflowTaskFailed(ns, request, std::move(done));
  });
}

void Frontend::PollActivityTaskQueue(const wsv1::PollActivityTaskQueueRequest& request,
                                     PollOptions options,
                                     Callback<wsv1::PollActivityTaskQueueResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const storage::NamespaceRecord& ns) {
    if (request.task_queue().name().empty()) {
      return done(InvalidArgument("TaskQueue is not set on request."));
    }
    PollActivityTasks(ns, request, std::move(options), std::move(done));
  });
}

void Frontend::PollActivityTasks(storage::NamespaceRecord ns,
                                 wsv1::PollActivityTaskQueueRequest request, PollOptions options,
                                 Callback<wsv1::PollActivityTaskQueueResponse> done) {
  const NamespaceId ns_id = ns.id;
  const std::string queue = request.task_queue().name();
  matching_->Poll(
      ns_id, queue, storage::TaskKind::kActivity, options.deadline,
      [this, ns = std::move(ns), request = std::move(request), options,
       done = std::move(done)](std::optional<storage::TaskRow> task) {
        if (!task) {
          done(wsv1::PollActivityTaskQueueResponse());
          return true;
        }
        if (Cancelled(options)) {
          done(wsv1::PollActivityTaskQueueResponse());
          return false;
        }
        history_->RecordActivityTaskStarted(
            *task, request,
            [this, ns, request, options,
             done](Result<std::optional<wsv1::PollActivityTaskQueueResponse>> r) {
              if (!r.ok()) return done(r.status());
              if (!*r) return PollActivityTasks(ns, request, options, done);
              done(std::move(**r));
            });
        return true;
      });
}

void Frontend::RecordActivityTaskHeartbeat(
    const wsv1::RecordActivityTaskHeartbeatRequest& request,
    Callback<wsv1::RecordActivityTaskHeartbeatResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const storage::NamespaceRecord& ns) {
    auto ref = history::HistoryEngine::ActivityRefFromToken(ns, request.task_token());
    if (!ref.ok()) return done(ref.status());
    history_->RecordActivityTaskHeartbeat(ns, std::move(*ref), request.details(), std::move(done));
  });
}

void Frontend::RecordActivityTaskHeartbeatById(
    const wsv1::RecordActivityTaskHeartbeatByIdRequest& request,
    Callback<wsv1::RecordActivityTaskHeartbeatByIdResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const storage::NamespaceRecord& ns) {
    auto ref = history_->ActivityRefById(ns, request.workflow_id(), request.run_id(),
                                         request.activity_id());
    if (!ref.ok()) return done(ref.status());
    history_->RecordActivityTaskHeartbeat(
        ns, std::move(*ref), request.details(),
        [done = std::move(done)](Result<wsv1::RecordActivityTaskHeartbeatResponse> r) {
          if (!r.ok()) return done(r.status());
          wsv1::RecordActivityTaskHeartbeatByIdResponse response;
          response.set_cancel_requested(r->cancel_requested());
          done(std::move(response));
        });
  });
}

void Frontend::RespondActivityTaskCompleted(
    const wsv1::RespondActivityTaskCompletedRequest& request,
    Callback<wsv1::RespondActivityTaskCompletedResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const storage::NamespaceRecord& ns) {
    auto ref = history::HistoryEngine::ActivityRefFromToken(ns, request.task_token());
    if (!ref.ok()) return done(ref.status());
    history_->RespondActivityTaskCompleted(ns, std::move(*ref), request.result(),
                                           request.identity(), Answer(std::move(done)));
  });
}

void Frontend::RespondActivityTaskCompletedById(
    const wsv1::RespondActivityTaskCompletedByIdRequest& request,
    Callback<wsv1::RespondActivityTaskCompletedByIdResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const storage::NamespaceRecord& ns) {
    auto ref = history_->ActivityRefById(ns, request.workflow_id(), request.run_id(),
                                         request.activity_id());
    if (!ref.ok()) return done(ref.status());
    history_->RespondActivityTaskCompleted(ns, std::move(*ref), request.result(),
                                           request.identity(), Answer(std::move(done)));
  });
}

void Frontend::RespondActivityTaskFailed(const wsv1::RespondActivityTaskFailedRequest& request,
                                         Callback<wsv1::RespondActivityTaskFailedResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const storage::NamespaceRecord& ns) {
    auto ref = history::HistoryEngine::ActivityRefFromToken(ns, request.task_token());
    if (!ref.ok()) return done(ref.status());
    history_->RespondActivityTaskFailed(
        ns, std::move(*ref), request.failure(),
        request.has_last_heartbeat_details() ? &request.last_heartbeat_details() : nullptr,
        request.identity(), Answer(std::move(done)));
  });
}

void Frontend::RespondActivityTaskFailedById(
    const wsv1::RespondActivityTaskFailedByIdRequest& request,
    Callback<wsv1::RespondActivityTaskFailedByIdResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const storage::NamespaceRecord& ns) {
    auto ref = history_->ActivityRefById(ns, request.workflow_id(), request.run_id(),
                                         request.activity_id());
    if (!ref.ok()) return done(ref.status());
    history_->RespondActivityTaskFailed(
        ns, std::move(*ref), request.failure(),
        request.has_last_heartbeat_details() ? &request.last_heartbeat_details() : nullptr,
        request.identity(), Answer(std::move(done)));
  });
}

void Frontend::RespondActivityTaskCanceled(
    const wsv1::RespondActivityTaskCanceledRequest& request,
    Callback<wsv1::RespondActivityTaskCanceledResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const storage::NamespaceRecord& ns) {
    auto ref = history::HistoryEngine::ActivityRefFromToken(ns, request.task_token());
    if (!ref.ok()) return done(ref.status());
    history_->RespondActivityTaskCanceled(ns, std::move(*ref), request.details(),
                                          request.identity(), Answer(std::move(done)));
  });
}

void Frontend::RespondActivityTaskCanceledById(
    const wsv1::RespondActivityTaskCanceledByIdRequest& request,
    Callback<wsv1::RespondActivityTaskCanceledByIdResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const storage::NamespaceRecord& ns) {
    auto ref = history_->ActivityRefById(ns, request.workflow_id(), request.run_id(),
                                         request.activity_id());
    if (!ref.ok()) return done(ref.status());
    history_->RespondActivityTaskCanceled(ns, std::move(*ref), request.details(),
                                          request.identity(), Answer(std::move(done)));
  });
}

}  // namespace endure::engine
