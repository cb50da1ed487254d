// Worker: runs registered workflows and activities for one task queue, on threads of its own,
// against a Service (the engine in this process, or a server over gRPC).
//
// Workflow tasks are served from a sticky cache: a run stays in memory between its tasks and
// gets only the new events, through a task queue of this worker's own that the server sends the
// run's next tasks to. A task for a run not in the cache (a cache miss, another worker's run, a
// restart, or a cache size of 0) replays the run's whole history first. Several workers may
// serve one task queue; each takes what it polls.
//
// A completion whose answer holds nothing the worker needs (an activity's result, a workflow
// task that asked for no eager activity) is sent without waiting: the thread goes back to its
// poll while the completion commits.
//
// Shutdown stops polling (waiting polls are cancelled, so they take no task), lets tasks in
// flight finish and their completions commit, and tells the server, which then sends the runs
// cached here to the normal queue.
//
// Thread-safety: Register* before Start; Shutdown from any thread, once.
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/activity.h"
#include "runtime/client/eager_start.h"
#include "runtime/client/service.h"
#include "runtime/workflow/workflow.h"

namespace endure::runtime {

class WorkflowRun;
struct LocalActivityRequest;
struct LocalActivityOutcome;

struct WorkerOptions {
  std::string namespace_name = "default";
  std::string task_queue;
  std::string identity;  // Empty: "<pid>@endure-cpp".
  // Polls on the task queue; the worker's sticky queue (when max_cached_workflows > 0) gets four
  // times as many. Each poll is a thread.
  int workflow_pollers = 2;
  int activity_pollers = 2;
  // Runs kept in memory between their tasks (Temporal's Go SDK keeps as many by default). A run
  // not kept replays its whole history at its next task; 0: no sticky cache at all. A cached run
  // of a small workflow costs about 8 KB.
  size_t max_cached_workflows = 10'000;
  // Eager activities: an activity a workflow schedules on this worker's task queue is asked to
  // start at once and comes back in the workflow task's completion, which saves the trip
  // through matching. It then runs on the thread that completed the task; at most
  // activity_pollers run so at once, and the rest go through matching as usual.
  bool eager_activities = true;
};

class Worker : private EagerWorkflowTarget {
 public:
  Worker(Service* service, WorkerOptions options);
  ~Worker();  // Shuts down.
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void RegisterWorkflow(const std::string& type, WorkflowFunction function);
  void RegisterActivity(const std::string& type, ActivityFunction function);

  Status Start();
  void Shutdown();

  // Figures for tests and logs.
  uint64_t workflow_tasks_completed() const { return workflow_tasks_.load(); }
  uint64_t full_history_replays() const { return full_replays_.load(); }
  uint64_t eager_activities_run() const { return eager_run_.load(); }
  uint64_t eager_workflow_tasks_run() const { return eager_tasks_run_.load(); }

 private:
  struct CachedRun {
    std::unique_ptr<WorkflowRun> run;
    int64_t last_event_id = 0;
    uint64_t generation = 0;  // Tells this entry from a later one for the same run.
  };
  // A cached run and its place in the recency order, so that taking, keeping and evicting a run
  // cost the same with ten thousand runs cached as with ten.
  struct CacheSlot {
    std::unique_ptr<CachedRun> entry;
    std::list<std::string>::iterator recency;
  };

  // Eager workflow start (EagerWorkflowTarget): at most workflow_pollers first tasks handed back
  // with their starts run at once, on threads of the pool kept for them.
  bool ReserveEagerSlot() override;
  void ReleaseEagerSlot() override;
  void RunEagerTask(wsv1::PollWorkflowTaskQueueResponse task) override;

  void PollWorkflowTasks(const std::string& queue);
  void PollActivityTasks();
  void HandleWorkflowTask(wsv1::PollWorkflowTaskQueueResponse task);
  // The run for a task, from the cache when its history continues the cached one, else
  // rebuilt from the whole history.
  Result<std::unique_ptr<CachedRun>> RunFor(
      wsv1::PollWorkflowTaskQueueResponse& task,
      std::vector<temporal::api::history::v1::HistoryEvent>& events);
  // Keeps the run for its next task, unless it finished or the cache is off; evicts the least
  // recently used beyond the cache's size. Returns the entry's generation, 0 if not kept.
  uint64_t CacheRun(const std::string& run_id, std::unique_ptr<CachedRun> entry);
  // Drops the run's entry if it is still the one of `generation`.
  void EvictRun(const std::string& run_id, uint64_t generation);
  // Completions sent without waiting for their answer (Service::...Then) are counted, so that
  // Shutdown waits for them.
  void BeginSend();
  void EndSend();
  void HandleActivityTask(const wsv1::PollActivityTaskQueueResponse& task);
  LocalActivityOutcome RunLocalActivity(const wsv1::PollWorkflowTaskQueueResponse& task,
                                        const LocalActivityRequest& request);
  // Runs the local activities the run waits for, and what the run does next, until it waits
  // for none; adds the commands made on the way.
  Status RunLocalActivities(const wsv1::PollWorkflowTaskQueueResponse& task, WorkflowRun& run,
                            std::vector<temporal::api::command::v1::Command>& commands);
  void FailWorkflowTask(const std::string& token, const Status& error);
  // Asks for eager execution of the activities among `response`'s commands that this worker
  // can run now, reserving a slot for each; returns how many it reserved.
  int RequestEagerActivities(wsv1::RespondWorkflowTaskCompletedRequest& response);

  Service* const service_;
  WorkerOptions options_;
  std::string sticky_queue_;
  std::map<std::string, WorkflowFunction> workflows_;
  std::map<std::string, ActivityFunction> activities_;

  std::mutex cache_mu_;
  std::unordered_map<std::string, CacheSlot> cache_;  // By run id.
  std::list<std::string> cache_order_;                // Run ids, least recently used first.
  uint64_t last_generation_ = 0;                      // Under cache_mu_.
  std::mutex sends_mu_;
  std::condition_variable sends_ended_;
  int sends_in_flight_ = 0;

  std::atomic<int> eager_activity_slots_{0};  // Eager activities that may start now.
  std::mutex eager_mu_;
  std::condition_variable eager_changed_;
  int eager_free_ = 0;     // Slots for eager workflow tasks.
  int eager_awaited_ = 0;  // Reserved by a start still in flight: not yet run or released.
  bool eager_open_ = false;
  std::atomic<bool> stopping_{false};
  std::mutex cancels_mu_;
  std::vector<std::shared_ptr<engine::CancelSignal>> poll_cancels_;
  // The pollers' threads: each poller is a loop that polls and runs what it gets, so the pool
  // has a thread per poller, and joining it waits for tasks in flight.
  std::optional<boost::asio::thread_pool> pool_;
  bool started_ = false;
  std::atomic<uint64_t> workflow_tasks_{0};
  std::atomic<uint64_t> full_replays_{0};
  std::atomic<uint64_t> eager_run_{0};
  std::atomic<uint64_t> eager_tasks_run_{0};
};

}  // namespace endure::runtime
