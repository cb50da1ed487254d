#include "runtime/worker/worker.h"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <random>
#include <thread>

#include "runtime/payloads.h"
#include "runtime/workflow/workflow_run.h"
#include "temporal/api/enums/v1/failed_cause.pb.h"
#include "temporal/api/enums/v1/task_queue.pb.h"

namespace endure::runtime {
namespace {

namespace enums = temporal::api::enums::v1;

// How long the server keeps a run's tasks for this worker's sticky queue before it gives them
// to any worker (Temporal's default).
constexpr int kStickyScheduleToStartSeconds = 10;

// Polls on the sticky queue for each poll on the normal one. A cached run's every task after its
// first comes through the sticky queue, and a task that finds no poll waiting costs a transition
// of its own to start; Temporal's TypeScript SDK splits its polls 1:4 the same way.
constexpr int kStickyPollersPerNormal = 4;

std::string RandomSuffix() {
  std::random_device rd;
  char text[17];
  std::snprintf(text, sizeof text, "%08x%08x", rd(), rd());
  return text;
}

}  // namespace

Worker::Worker(Service* service, WorkerOptions options)
    : service_(service), options_(std::move(options)) {
  if (options_.identity.empty()) options_.identity = std::to_string(getpid()) + "@endure-cpp";
  sticky_queue_ = options_.identity + "-" + options_.task_queue + "-sticky-" + RandomSuffix();
}

Worker::~Worker() { Shutdown(); }

void Worker::RegisterWorkflow(const std::string& type, WorkflowFunction function) {
  workflows_[type] = std::move(function);
}

void Worker::RegisterActivity(const std::string& type, ActivityFunction function) {
  activities_[type] = std::move(function);
}

Status Worker::Start() {
  if (options_.task_queue.empty()) return InvalidArgument("a worker needs a task queue");
  if (started_) return FailedPrecondition("the worker has already started");
  started_ = true;
  eager_activity_slots_ = options_.eager_activities ? options_.activity_pollers : 0;
  std::vector<std::function<void()>> pollers;
  if (!workflows_.empty()) {
    for (int i = 0; i < options_.workflow_pollers; ++i) {
      pollers.push_back([this] { PollWorkflowTasks(options_.task_queue); });
    }
    const int sticky_pollers =
        options_.max_cached_workflows > 0 ? kStickyPollersPerNormal * options_.workflow_pollers : 0;
    for (int i = 0; i < sticky_pollers; ++i) {
      pollers.push_back([this] { PollWorkflowTasks(sticky_queue_); });
    }
  }
  if (!activities_.empty()) {
    for (int i = 0; i < options_.activity_pollers; ++i) {
      pollers.push_back([this] { PollActivityTasks(); });
    }
  }
  const int eager_threads = workflows_.empty() ? 0 : options_.workflow_pollers;
  pool_.emplace(std::max<size_t>(pollers.size() + static_cast<size_t>(eager_threads), 1));
  for (auto& poller : pollers) boost::asio::post(*pool_, std::move(poller));
  if (eager_threads > 0) {
    {
      std::lock_guard lock(eager_mu_);
      eager_free_ = eager_threads;
      eager_open_ = true;
    }
    RegisterEagerTarget(service_, options_.namespace_name, options_.task_queue, this);
  }
  return Status::Ok();
}

bool Worker::ReserveEagerSlot() {
  std::lock_guard lock(eager_mu_);
  if (!eager_open_ || eager_free_ == 0) return false;
  --eager_free_;
  ++eager_awaited_;
  return true;
}

void Worker::ReleaseEagerSlot() {
  {
    std::lock_guard lock(eager_mu_);
    ++eager_free_;
    --eager_awaited_;
  }
  eager_changed_.notify_all();
}

void Worker::RunEagerTask(wsv1::PollWorkflowTaskQueueResponse task) {
  boost::asio::post(*pool_, [this, task = std::move(task)]() mutable {
    HandleWorkflowTask(std::move(task));
    eager_tasks_run_.fetch_add(1);
    std::lock_guard lock(eager_mu_);
    ++eager_free_;
  });
  {
    std::lock_guard lock(eager_mu_);
    --eager_awaited_;
  }
  eager_changed_.notify_all();
}

void Worker::Shutdown() {
  if (stopping_.exchange(true)) return;
  // No new eager tasks; those whose starts are in flight are posted (or given up) before the
  // pool is joined, which then waits for them to run.
  UnregisterEagerTarget(this);
  {
    std::unique_lock lock(eager_mu_);
    eager_open_ = false;
    eager_changed_.wait(lock, [this] { return eager_awaited_ == 0; });
  }
  {
    std::lock_guard lock(cancels_mu_);
    for (auto& cancel : poll_cancels_) cancel->Cancel();
  }
  if (pool_) pool_->join();
  {
    std::unique_lock lock(sends_mu_);
    sends_ended_.wait(lock, [this] { return sends_in_flight_ == 0; });
  }
  if (started_ && options_.max_cached_workflows > 0 && !workflows_.empty()) {
    wsv1::ShutdownWorkerRequest request;
    request.set_namespace_(options_.namespace_name);
    request.set_sticky_task_queue(sticky_queue_);
    request.set_identity(options_.identity);
    request.set_reason("graceful shutdown");
    (void)service_->ShutdownWorker(request);  // The server falls back on its own if it fails.
  }
}

void Worker::PollWorkflowTasks(const std::string& queue) {
  while (!stopping_) {
    auto cancel = std::make_shared<engine::CancelSignal>();
    {
      std::lock_guard lock(cancels_mu_);
      if (stopping_) return;
      poll_cancels_.push_back(cancel);
    }
    wsv1::PollWorkflowTaskQueueRequest request;
    request.set_namespace_(options_.namespace_name);
    request.mutable_task_queue()->set_name(queue);
    request.mutable_task_queue()->set_kind(queue == options_.task_queue
                                               ? enums::TASK_QUEUE_KIND_NORMAL
                                               : enums::TASK_QUEUE_KIND_STICKY);
    if (queue != options_.task_queue)
      request.mutable_task_queue()->set_normal_name(options_.task_queue);
    request.set_identity(options_.identity);
    auto task = service_->PollWorkflowTaskQueue(request, cancel);
    {
      std::lock_guard lock(cancels_mu_);
      std::erase(poll_cancels_, cancel);
    }
    if (!task.ok()) {
      if (stopping_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // The server is away.
      continue;
    }
    if (task->task_token().empty()) continue;  // The poll's wait ended without a task.
    HandleWorkflowTask(std::move(*task));
  }
}

Result<std::unique_ptr<Worker::CachedRun>> Worker::RunFor(wsv1::PollWorkflowTaskQueueResponse& task,
                                                          std::vector<HistoryEvent>& events) {
  const std::string& run_id = task.workflow_execution().run_id();
  std::unique_ptr<CachedRun> cached;
  {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(run_id);
    if (it != cache_.end()) {
      cached = std::move(it->second.entry);
      cache_order_.erase(it->second.recency);
      cache_.erase(it);
    }
  }
  const auto& history = task.history().events();
  // A sticky query task brings no events: the cached run is the state to answer from.
  const bool continues =
      cached != nullptr && (history.empty() || history[0].event_id() == cached->last_event_id + 1);
  if (continues) {
    // Moved, not copied: the task is not read for its events again.
    auto* given = task.mutable_history()->mutable_events();
    events.assign(std::make_move_iterator(given->begin()), std::make_move_iterator(given->end()));
    return cached;
  }
  // Rebuild from the whole history: the task's first page and the pages after it, or, for a
  // sticky task the cache no longer holds, everything from the server.
  full_replays_.fetch_add(1);
  events.clear();
  std::string token;
  const bool fetch_all = history.empty() || history[0].event_id() != 1;
  if (!fetch_all) {
    auto* given = task.mutable_history()->mutable_events();
    events.assign(std::make_move_iterator(given->begin()), std::make_move_iterator(given->end()));
    token = task.next_page_token();
  }
  while (fetch_all || !token.empty()) {
    wsv1::GetWorkflowExecutionHistoryRequest request;
    request.set_namespace_(options_.namespace_name);
    *request.mutable_execution() = task.workflow_execution();
    request.set_next_page_token(token);
    ENDURE_ASSIGN_OR_RETURN(auto page, service_->GetWorkflowExecutionHistory(request));
    for (auto& e : *page.mutable_history()->mutable_events()) {
      if (events.empty() || e.event_id() > events.back().event_id()) events.push_back(std::move(e));
    }
    token = page.next_page_token();
    if (token.empty()) break;
  }
  auto function = workflows_.find(task.workflow_type().name());
  if (function == workflows_.end()) {
    return NotFound("workflow type '" + task.workflow_type().name() +
                    "' is not registered with this worker");
  }
  WorkflowInfo info;
  info.namespace_name = options_.namespace_name;
  info.workflow_id = task.workflow_execution().workflow_id();
  info.run_id = run_id;
  info.workflow_type = task.workflow_type().name();
  info.task_queue = options_.task_queue;
  auto fresh = std::make_unique<CachedRun>();
  fresh->run = std::make_unique<WorkflowRun>(function->second, info);
  return fresh;
}

void Worker::HandleWorkflowTask(wsv1::PollWorkflowTaskQueueResponse task) {
  std::vector<HistoryEvent> events;
  auto cached = RunFor(task, events);
  if (!cached.ok()) return FailWorkflowTask(task.task_token(), cached.status());
  CachedRun& entry = **cached;
  std::vector<temporal::api::protocol::v1::Message> updates(task.messages().begin(),
                                                            task.messages().end());
  auto commands = entry.run->ApplyEvents(events, updates);
  if (!events.empty()) entry.last_event_id = events.back().event_id();
  if (!commands.ok()) return FailWorkflowTask(task.task_token(), commands.status());
  if (!task.has_query()) {
    Status ran = RunLocalActivities(task, *entry.run, *commands);
    if (!ran.ok()) return FailWorkflowTask(task.task_token(), ran);
  }

  if (task.has_query()) {
    // A query task (legacy queries): answered from the state the history builds, no commands.
    wsv1::RespondQueryTaskCompletedRequest answer;
    answer.set_namespace_(options_.namespace_name);
    answer.set_task_token(task.task_token());
    auto args = FromPayloads(task.query().query_args());
    const Json input = args.ok() ? *args : Json(nullptr);
    auto result = entry.run->Query(task.query().query_type(), input);
    if (result.ok()) {
      answer.set_completed_type(enums::QUERY_RESULT_TYPE_ANSWERED);
      *answer.mutable_query_result() = ToPayloads(*result);
    } else {
      answer.set_completed_type(enums::QUERY_RESULT_TYPE_FAILED);
      answer.set_error_message(result.status().message());
    }
    (void)service_->RespondQueryTaskCompleted(answer);
  } else {
    wsv1::RespondWorkflowTaskCompletedRequest response;
    response.set_namespace_(options_.namespace_name);
    response.set_task_token(task.task_token());
    response.set_identity(options_.identity);
    for (auto& c : *commands) *response.add_commands() = std::move(c);
    for (auto& m : entry.run->TakeMessages()) *response.add_messages() = std::move(m);
    for (const auto& [id, query] : task.queries()) {
      auto args = FromPayloads(query.query_args());
      const Json input = args.ok() ? *args : Json(nullptr);
      auto result = entry.run->Query(query.query_type(), input);
      auto& out = (*response.mutable_query_results())[id];
      if (result.ok()) {
        out.set_result_type(enums::QUERY_RESULT_TYPE_ANSWERED);
        *out.mutable_answer() = ToPayloads(*result);
      } else {
        out.set_result_type(enums::QUERY_RESULT_TYPE_FAILED);
        out.set_error_message(result.status().message());
      }
    }
    if (options_.max_cached_workflows > 0 && !entry.run->finished()) {
      auto* sticky = response.mutable_sticky_attributes();
      sticky->mutable_worker_task_queue()->set_name(sticky_queue_);
      sticky->mutable_worker_task_queue()->set_kind(enums::TASK_QUEUE_KIND_STICKY);
      sticky->mutable_worker_task_queue()->set_normal_name(options_.task_queue);
      sticky->mutable_schedule_to_start_timeout()->set_seconds(kStickyScheduleToStartSeconds);
    }
    const int reserved = RequestEagerActivities(response);
    if (reserved == 0) {
      // Nothing in the answer to wait for: the run is cached at once and the thread goes back
      // to its poll while the completion commits. A failed completion (a stale task: another
      // worker took the run) drops the run.
      const std::string run_id = task.workflow_execution().run_id();
      const uint64_t generation = CacheRun(run_id, std::move(*cached));
      auto answered = [this, run_id, generation](Status sent) {
        if (sent.ok()) {
          workflow_tasks_.fetch_add(1);
        } else if (generation != 0) {
          EvictRun(run_id, generation);
        }
        EndSend();
      };
      BeginSend();
      service_->RespondWorkflowTaskCompletedThen(std::move(response), std::move(answered));
      return;
    }
    auto done = service_->RespondWorkflowTaskCompleted(response);
    if (!done.ok()) {
      eager_activity_slots_ += reserved;
      return;  // The task is stale (another worker took the run): drop the run.
    }
    workflow_tasks_.fetch_add(1);
    eager_activity_slots_ += reserved - done->activity_tasks_size();
    CacheRun(task.workflow_execution().run_id(), std::move(*cached));
    for (const auto& activity : done->activity_tasks()) {
      HandleActivityTask(activity);
      eager_run_.fetch_add(1);
      ++eager_activity_slots_;
    }
    return;
  }
  CacheRun(task.workflow_execution().run_id(), std::move(*cached));
}

uint64_t Worker::CacheRun(const std::string& run_id, std::unique_ptr<CachedRun> entry) {
  if (options_.max_cached_workflows == 0 || entry->run->finished()) return 0;
  std::lock_guard lock(cache_mu_);
  if (auto it = cache_.find(run_id); it != cache_.end()) {
    // Another thread cached the run meanwhile (a late task's retry ran there): the entry that
    // has seen more of the history stays.
    if (it->second.entry->last_event_id >= entry->last_event_id) return 0;
    cache_order_.erase(it->second.recency);
    cache_.erase(it);
  }
  const uint64_t generation = ++last_generation_;
  entry->generation = generation;
  cache_order_.push_back(run_id);
  cache_.emplace(run_id, CacheSlot{std::move(entry), std::prev(cache_order_.end())});
  while (cache_.size() > options_.max_cached_workflows) {
    cache_.erase(cache_order_.front());
    cache_order_.pop_front();
  }
  return generation;
}

void Worker::EvictRun(const std::string& run_id, uint64_t generation) {
  std::lock_guard lock(cache_mu_);
  auto it = cache_.find(run_id);
  if (it == cache_.end() || it->second.entry->generation != generation) return;
  cache_order_.erase(it->second.recency);
  cache_.erase(it);
}

void Worker::BeginSend() {
  std::lock_guard lock(sends_mu_);
  ++sends_in_flight_;
}

void Worker::EndSend() {
  // Notified under the lock: once Shutdown sees the count reach 0 the worker may be destroyed.
  std::lock_guard lock(sends_mu_);
  if (--sends_in_flight_ == 0) sends_ended_.notify_all();
}

Status Worker::RunLocalActivities(const wsv1::PollWorkflowTaskQueueResponse& task, WorkflowRun& run,
                                  std::vector<Command>& commands) {
  for (auto requests = run.TakeLocalActivities(); !requests.empty();
       requests = run.TakeLocalActivities()) {
    std::vector<LocalActivityOutcome> outcomes;
    for (const LocalActivityRequest& request : requests) {
      outcomes.push_back(RunLocalActivity(task, request));
    }
    ENDURE_ASSIGN_OR_RETURN(auto more, run.ResolveLocalActivities(outcomes));
    for (auto& c : more) commands.push_back(std::move(c));
  }
  return Status::Ok();
}

int Worker::RequestEagerActivities(wsv1::RespondWorkflowTaskCompletedRequest& response) {
  int reserved = 0;
  for (auto& command : *response.mutable_commands()) {
    if (!command.has_schedule_activity_task_command_attributes()) continue;
    auto* a = command.mutable_schedule_activity_task_command_attributes();
    if (a->task_queue().name() != options_.task_queue ||
        !activities_.contains(a->activity_type().name())) {
      continue;
    }
    int free = eager_activity_slots_.load();
    while (free > 0 && !eager_activity_slots_.compare_exchange_weak(free, free - 1)) {
    }
    if (free <= 0) break;
    a->set_request_eager_execution(true);
    ++reserved;
  }
  return reserved;
}

void Worker::FailWorkflowTask(const std::string& token, const Status& error) {
  wsv1::RespondWorkflowTaskFailedRequest request;
  request.set_namespace_(options_.namespace_name);
  request.set_task_token(token);
  request.set_identity(options_.identity);
  request.set_cause(error.code() == kNonDeterminism
                        ? enums::WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR
                        : enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE);
  request.mutable_failure()->set_message(error.message());
  request.mutable_failure()->set_source("EndureCpp");
  (void)service_->RespondWorkflowTaskFailed(request);
}

}  // namespace endure::runtime
