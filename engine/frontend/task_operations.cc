// The frontend's worker-facing operations: task polls (matching, then the history service
// records the start) and the responses to workflow and activity tasks.
#include "engine/frontend/frontend.h"
#include "engine/frontend/with_namespace.h"

namespace endure::engine {
namespace {

bool Cancelled(const PollOptions& options) {
  return options.cancelled && options.cancelled->cancelled();
}

// Answers a poll with a task the history service started for it (direct dispatch), unless its
// caller has gone: then it ends empty, and the history service takes the task back.
template <typename Poll, typename Response>
bool Answered(const Poll& poll, Response task) {
  if (Cancelled(poll.options)) {
    poll.done(Response());
    return false;
  }
  poll.done(std::move(task));
  return true;
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
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const auto& ns) {
    if (request.task_queue().name().empty()) {
      return done(InvalidArgument("TaskQueue is not set on request."));
    }
    PollWorkflowTasks(std::make_shared<const WorkflowPoll>(
        WorkflowPoll{ns, request, std::move(options), std::move(done)}));
  });
}

void Frontend::PollWorkflowTasks(std::shared_ptr<const WorkflowPoll> poll) {
  const uint64_t wait = matching_->Poll(
      poll->ns->id, poll->request.task_queue().name(), storage::TaskKind::kWorkflow,
      poll->request.identity(), poll->options.deadline,
      [this, poll](std::optional<storage::TaskRow> task) {
        if (!task) {
          poll->done(wsv1::PollWorkflowTaskQueueResponse());  // Empty: all fields default.
          return true;
        }
        if (Cancelled(poll->options)) {
          poll->done(wsv1::PollWorkflowTaskQueueResponse());  // Nobody reads it; the task stays.
          return false;
        }
        auto started = [this, poll](Result<std::optional<wsv1::PollWorkflowTaskQueueResponse>> r) {
          if (!r.ok()) return poll->done(r.status());
          // An obsolete task: wait on for the next one, within the same deadline.
          if (!*r) return PollWorkflowTasks(poll);
          poll->done(std::move(**r));
        };
        if (history::HistoryEngine::IsQueryTask(*task)) {
          history_->RecordQueryTaskStarted(*task, poll->request, std::move(started));
        } else {
          history_->RecordWorkflowTaskStarted(*task, poll->request, poll->options.in_process,
                                              std::move(started));
        }
        return true;
      },
      [poll](matching::StartedTask task) {
        return Answered(*poll, std::get<wsv1::PollWorkflowTaskQueueResponse>(std::move(task)));
      });
  if (wait != 0 && poll->options.cancelled) {
    // A weak reference: the signal belongs to the poll, and a strong one would keep both alive
    // for ever. Once the poll is answered there is nothing left to cancel.
    poll->options.cancelled->OnCancel([this, weak = std::weak_ptr(poll), wait] {
      if (auto p = weak.lock()) {
        matching_->CancelPoll(p->ns->id, p->request.task_queue().name(),
                              storage::TaskKind::kWorkflow, wait);
      }
    });
  }
}

void Frontend::RespondWorkflowTaskCompleted(
    const wsv1::RespondWorkflowTaskCompletedRequest& request,
    Callback<wsv1::RespondWorkflowTaskCompletedResponse> done) {
  RespondWorkflowTaskCompletedShared(
      std::make_shared<const wsv1::RespondWorkflowTaskCompletedRequest>(request), std::move(done));
}

void Frontend::RespondWorkflowTaskCompletedShared(
    std::shared_ptr<const wsv1::RespondWorkflowTaskCompletedRequest> request,
    Callback<wsv1::RespondWorkflowTaskCompletedResponse> done) {
  WithNamespace(*namespaces_, request->namespace_(), done,
                [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
                  history_->RespondWorkflowTaskCompleted(*ns, std::move(request), std::move(done));
                });
}

void Frontend::RespondWorkflowTaskFailed(const wsv1::RespondWorkflowTaskFailedRequest& request,
                                         Callback<wsv1::RespondWorkflowTaskFailedResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done,
                [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
                  history_->RespondWorkflowTaskFailed(*ns, request, std::move(done));
                });
}

void Frontend::RespondQueryTaskCompleted(const wsv1::RespondQueryTaskCompletedRequest& request,
                                         Callback<wsv1::RespondQueryTaskCompletedResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const auto& ns) {
    history_->RespondQueryTaskCompleted(*ns, request, std::move(done));
  });
}

void Frontend::PollActivityTaskQueue(const wsv1::PollActivityTaskQueueRequest& request,
                                     PollOptions options,
                                     Callback<wsv1::PollActivityTaskQueueResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const auto& ns) {
    if (request.task_queue().name().empty()) {
      return done(InvalidArgument("TaskQueue is not set on request."));
    }
    PollActivityTasks(std::make_shared<const ActivityPoll>(
        ActivityPoll{ns, request, std::move(options), std::move(done)}));
  });
}

void Frontend::PollActivityTasks(std::shared_ptr<const ActivityPoll> poll) {
  const uint64_t wait = matching_->Poll(
      poll->ns->id, poll->request.task_queue().name(), storage::TaskKind::kActivity,
      poll->request.identity(), poll->options.deadline,
      [this, poll](std::optional<storage::TaskRow> task) {
        if (!task) {
          poll->done(wsv1::PollActivityTaskQueueResponse());
          return true;
        }
        if (Cancelled(poll->options)) {
          poll->done(wsv1::PollActivityTaskQueueResponse());
          return false;
        }
        history_->RecordActivityTaskStarted(
            *task, poll->request,
            [this, poll](Result<std::optional<wsv1::PollActivityTaskQueueResponse>> r) {
              if (!r.ok()) return poll->done(r.status());
              if (!*r) return PollActivityTasks(poll);
              poll->done(std::move(**r));
            });
        return true;
      },
      [poll](matching::StartedTask task) {
        return Answered(*poll, std::get<wsv1::PollActivityTaskQueueResponse>(std::move(task)));
      });
  if (wait != 0 && poll->options.cancelled) {
    // A weak reference: the signal belongs to the poll, and a strong one would keep both alive
    // for ever. Once the poll is answered there is nothing left to cancel.
    poll->options.cancelled->OnCancel([this, weak = std::weak_ptr(poll), wait] {
      if (auto p = weak.lock()) {
        matching_->CancelPoll(p->ns->id, p->request.task_queue().name(),
                              storage::TaskKind::kActivity, wait);
      }
    });
  }
}

void Frontend::RecordActivityTaskHeartbeat(
    const wsv1::RecordActivityTaskHeartbeatRequest& request,
    Callback<wsv1::RecordActivityTaskHeartbeatResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done,
                [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
                  auto ref =
                      history::HistoryEngine::ActivityRefFromToken(*ns, request.task_token());
                  if (!ref.ok()) return done(ref.status());
                  history_->RecordActivityTaskHeartbeat(*ns, std::move(*ref), request.details(),
                                                        std::move(done));
                });
}

void Frontend::RecordActivityTaskHeartbeatById(
    const wsv1::RecordActivityTaskHeartbeatByIdRequest& request,
    Callback<wsv1::RecordActivityTaskHeartbeatByIdResponse> done) {
  WithNamespace(
      *namespaces_, request.namespace_(), done,
      [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
        auto ref = history_->ActivityRefById(*ns, request.workflow_id(), request.run_id(),
                                             request.activity_id());
        if (!ref.ok()) return done(ref.status());
        history_->RecordActivityTaskHeartbeat(
            *ns, std::move(*ref), request.details(),
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
  WithNamespace(
      *namespaces_, request.namespace_(), done,
      [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
        auto ref = history::HistoryEngine::ActivityRefFromToken(*ns, request.task_token());
        if (!ref.ok()) return done(ref.status());
        history_->RespondActivityTaskCompleted(*ns, std::move(*ref), request.result(),
                                               request.identity(), Answer(std::move(done)));
      });
}

void Frontend::RespondActivityTaskCompletedById(
    const wsv1::RespondActivityTaskCompletedByIdRequest& request,
    Callback<wsv1::RespondActivityTaskCompletedByIdResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done,
                [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
                  auto ref = history_->ActivityRefById(*ns, request.workflow_id(), request.run_id(),
                                                       request.activity_id());
                  if (!ref.ok()) return done(ref.status());
                  history_->RespondActivityTaskCompleted(*ns, std::move(*ref), request.result(),
                                                         request.identity(),
                                                         Answer(std::move(done)));
                });
}

void Frontend::RespondActivityTaskFailed(const wsv1::RespondActivityTaskFailedRequest& request,
                                         Callback<wsv1::RespondActivityTaskFailedResponse> done) {
  WithNamespace(
      *namespaces_, request.namespace_(), done,
      [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
        auto ref = history::HistoryEngine::ActivityRefFromToken(*ns, request.task_token());
        if (!ref.ok()) return done(ref.status());
        history_->RespondActivityTaskFailed(
            *ns, std::move(*ref), request.failure(),
            request.has_last_heartbeat_details() ? &request.last_heartbeat_details() : nullptr,
            request.identity(), Answer(std::move(done)));
      });
}

void Frontend::RespondActivityTaskFailedById(
    const wsv1::RespondActivityTaskFailedByIdRequest& request,
    Callback<wsv1::RespondActivityTaskFailedByIdResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done,
                [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
                  auto ref = history_->ActivityRefById(*ns, request.workflow_id(), request.run_id(),
                                                       request.activity_id());
                  if (!ref.ok()) return done(ref.status());
                  history_->RespondActivityTaskFailed(*ns, std::move(*ref), request.failure(),
                                                      request.has_last_heartbeat_details()
                                                          ? &request.last_heartbeat_details()
                                                          : nullptr,
                                                      request.identity(), Answer(std::move(done)));
                });
}

void Frontend::RespondActivityTaskCanceled(
    const wsv1::RespondActivityTaskCanceledRequest& request,
    Callback<wsv1::RespondActivityTaskCanceledResponse> done) {
  WithNamespace(
      *namespaces_, request.namespace_(), done,
      [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
        auto ref = history::HistoryEngine::ActivityRefFromToken(*ns, request.task_token());
        if (!ref.ok()) return done(ref.status());
        history_->RespondActivityTaskCanceled(*ns, std::move(*ref), request.details(),
                                              request.identity(), Answer(std::move(done)));
      });
}

void Frontend::RespondActivityTaskCanceledById(
    const wsv1::RespondActivityTaskCanceledByIdRequest& request,
    Callback<wsv1::RespondActivityTaskCanceledByIdResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done,
                [&](const std::shared_ptr<const storage::NamespaceRecord>& ns) {
                  auto ref = history_->ActivityRefById(*ns, request.workflow_id(), request.run_id(),
                                                       request.activity_id());
                  if (!ref.ok()) return done(ref.status());
                  history_->RespondActivityTaskCanceled(*ns, std::move(*ref), request.details(),
                                                        request.identity(),
                                                        Answer(std::move(done)));
                });
}

}  // namespace endure::engine
