#include "engine/history/history_engine.h"

#include <future>
#include <limits>

#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {

HistoryEngine::HistoryEngine(HistoryOptions options)
    : options_(std::move(options)), runs_(options_.store, options_.cache_capacity) {
  timers_ = std::make_unique<TimerQueue>(
      options_.store, options_.env,
      [this](const storage::TimerRow& row, bool stored, std::function<void(bool)> done) {
        FireTimer(row, stored, std::move(done));
      },
      [this] { return TimersKeptInMemory(); }, options_.timer_thread);
}

HistoryEngine::~HistoryEngine() { Shutdown(); }

void HistoryEngine::Shutdown() {
  timers_->Stop();
  // History long polls answer now (an empty page and a token), as their expiry would.
  std::vector<RunId> watched;
  {
    std::lock_guard lock(watchers_mu_);
    shutting_down_ = true;
    for (const auto& [run_id, watcher] : watchers_) watched.push_back(run_id);
  }
  for (const auto& run_id : watched) NotifyHistoryWatchers(run_id);
  std::unique_lock lock(in_flight_mu_);
  in_flight_done_.wait(lock, [this] { return in_flight_ == 0; });
}

void HistoryEngine::Submit(storage::Transition transition,
                           std::function<void(Result<storage::Committed>)> done) {
  {
    std::lock_guard lock(in_flight_mu_);
    ++in_flight_;
  }
  options_.store->Submit(std::move(transition),
                         [this, done = std::move(done)](Result<storage::Committed> committed) {
                           done(std::move(committed));
                           std::lock_guard lock(in_flight_mu_);
                           if (--in_flight_ == 0) in_flight_done_.notify_all();
                         });
}

void HistoryEngine::FireDueTimers() { timers_->FireDue(); }

Result<RunId> HistoryEngine::ResolveRun(
    const storage::NamespaceRecord& ns,
    const temporal::api::common::v1::WorkflowExecution& execution) {
  if (execution.workflow_id().empty()) return InvalidArgument("workflow id is not set");
  if (!execution.run_id().empty()) return RunId(execution.run_id());
  auto current = options_.store->GetCurrentExecution(ns.id, WorkflowId(execution.workflow_id()));
  if (!current.ok()) {
    if (current.status().code() == StatusCode::kNotFound) {
      return NotFound("workflow not found for ID: " + execution.workflow_id());
    }
    return current.status();
  }
  return current->run_id;
}

void HistoryEngine::WithRun(const storage::NamespaceRecord& ns, const RunId& run_id,
                            const std::string& workflow_id,
                            std::function<void(Result<LeasePtr>)> op) {
  runs_.With(run_id, [ns_id = ns.id, workflow_id, op = std::move(op)](Result<LeasePtr> lease) {
    if (!lease.ok()) {
      if (lease.status().code() == StatusCode::kNotFound) {
        return op(NotFound("workflow not found for ID: " + workflow_id));
      }
      return op(lease.status());
    }
    const MutableState& s = (*lease)->state();
    if (s.namespace_id() != ns_id.value() ||
        (!workflow_id.empty() && s.workflow_id() != workflow_id)) {
      return op(NotFound("workflow not found for ID: " + workflow_id));
    }
    op(std::move(lease));
  });
}

void HistoryEngine::WithOpenRun(const storage::NamespaceRecord& ns,
                                const temporal::api::common::v1::WorkflowExecution& execution,
                                std::function<void(Result<LeasePtr>)> op) {
  auto run_id = ResolveRun(ns, execution);
  if (!run_id.ok()) return op(run_id.status());
  WithRun(ns, *run_id, execution.workflow_id(), [op = std::move(op)](Result<LeasePtr> lease) {
    if (lease.ok() &&
        (*lease)->state().status() != temporal::api::enums::v1::WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return op(NotFound("workflow execution already completed"));
    }
    op(std::move(lease));
  });
}

Status HistoryEngine::DropOrRequeue(const storage::TaskRow& task, const Status& load_error) {
  if (load_error.code() == StatusCode::kNotFound) {
    DropTask(task);
    return Status::Ok();
  }
  options_.matching->Requeue(task);
  return load_error;
}

void HistoryEngine::Commit(LeasePtr lease, RunMutation& mutation,
                           std::function<void(Status)> done) {
  lease->MarkDirty();
  const int64_t version = lease->db_version();
  std::vector<DirectDispatch> dispatched = DispatchToWaitingPolls(mutation);
  storage::Transition transition = mutation.Finish(version);
  RenderVisibility(transition);
  std::vector<storage::TaskRow> tasks = transition.tasks_created;
  TimerChanges timers = std::move(mutation.timer_changes());
  const RunId run_id(lease->state().run_id());
  const bool new_events = !transition.events.empty();
  // The close event, for the polls waiting for it (a client waiting for a result).
  std::optional<HistoryEvent> close_event;
  if (const int64_t close_id = lease->state().close_event_id(); close_id != 0) {
    for (const auto& event : transition.events) {
      if (event.event_id() == close_id) close_event = event;
    }
  }
  std::vector<RunMutation::LinkedRun> linked = std::move(mutation.linked_runs());
  Submit(std::move(transition),
         [this, lease = std::move(lease), version, tasks = std::move(tasks),
          linked = std::move(linked), timers = std::move(timers), run_id, new_events,
          close_event = std::move(close_event), dispatched = std::move(dispatched),
          done = std::move(done)](Result<storage::Committed> committed) mutable {
           if (!committed.ok()) {
             ReleaseDispatched(dispatched);
             done(committed.status());  // The lease is dirty: the run reloads from the store.
             return;
           }
           lease->Committed(version + 1, std::move(committed->events));
           size_t next_id = 0;
           for (auto& task : tasks) task.task_id = committed->task_ids[next_id++];
           // The runs this one continued as exist now: into the cache, their tasks to matching.
           for (auto& run : linked) {
             for (auto& task : run.tasks) task.task_id = committed->task_ids[next_id++];
             runs_.Insert(std::move(*run.state), 1, KeptHistory(1, std::move(run.events)));
             tasks.insert(tasks.end(), run.tasks.begin(), run.tasks.end());
             timers.Add(std::move(run.timers));
           }
           // Before `done`: a caller told of the transition finds its timers armed, as it finds
           // the rows it wrote (a timer kept in memory is in the queue only once applied).
           timers_->Apply(timers);
           done(Status::Ok());
           // After `done`, which settles what the transition did to updates: a workflow task
           // started here carries the updates still undelivered then, as one polled later would.
           auto answers = AnswersOf(std::move(dispatched), lease->state(), lease->history());
           DispatchQueryTasksIfIdle(lease->state());
           AbortUpdatesIfClosed(lease->state());
           const bool closed = lease->state().status() !=
                               temporal::api::enums::v1::WORKFLOW_EXECUTION_STATUS_RUNNING;
           lease.reset();  // The run's next operation may start before matching hands out tasks.
           for (auto& answer : answers) answer();
           if (!tasks.empty()) options_.matching->AddTasks(tasks);
           if (new_events) {
             NotifyHistoryWatchers(run_id, closed, close_event ? &*close_event : nullptr);
           }
         });
}

void HistoryEngine::AbortUpdatesIfClosed(const MutableState& s) {
  const RunId run(s.run_id());
  if (s.status() == temporal::api::enums::v1::WORKFLOW_EXECUTION_STATUS_RUNNING ||
      !updates_.Has(run)) {
    return;
  }
  // After continue-as-new the caller may retry against the new run.
  updates_.Abort(run,
                 s.status() == temporal::api::enums::v1::WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW
                     ? Unavailable("workflow continued as new; retry the update")
                     : NotFound("workflow execution already completed"));
}

void HistoryEngine::RenderVisibility(storage::Transition& t) {
  if (t.visibility && options_.search_attributes != nullptr) {
    t.visibility->search_attributes_json = options_.search_attributes->Json(
        t.visibility->namespace_id, t.visibility->search_attributes);
  }
  for (auto& linked : t.linked) RenderVisibility(linked);
}

void HistoryEngine::DropTask(const storage::TaskRow& task) {
  storage::Transition t;
  t.tasks_deleted.push_back(task.key());
  Submit(std::move(t), [](Result<storage::Committed>) {});
}

Result<MutableState> HistoryEngine::CachedStateForTesting(const RunId& run_id) {
  std::promise<Result<MutableState>> result;
  runs_.With(run_id, [&](Result<LeasePtr> lease) {
    if (!lease.ok()) return result.set_value(lease.status());
    result.set_value((*lease)->state());
  });
  return result.get_future().get();
}

Result<MutableState> HistoryEngine::RebuildStateForTesting(const RunId& run_id) {
  ENDURE_ASSIGN_OR_RETURN(auto record, options_.store->GetExecution(run_id));
  ENDURE_ASSIGN_OR_RETURN(auto events,
                          options_.store->ReadHistory(run_id, 1, record.next_event_id,
                                                      std::numeric_limits<size_t>::max()));
  PendingState pending;
  if (!pending.ParseFromString(record.state)) return DataLoss("corrupt execution row");
  return Rebuild(record.namespace_id.value(), record.workflow_id.value(), record.run_id.value(),
                 events, std::move(pending));
}

}  // namespace endure::engine::history
