// Engine benchmark: workflows of three sequential activities run through the whole engine
// (frontend, history, matching, timers, the store at synchronous=FULL) by an in-process driver:
// a client that keeps `concurrency` workflows in flight and scripted workers on two threads that
// long-poll both task queues, schedule the next activity or complete the workflow, and complete
// every activity at once. Reports workflows/s, state transitions/s and start-to-close latency.
//
// The baseline in the same run is the same engine with one SQLite transaction (and one flush)
// per transition instead of group commit; bench/engine_ratios prints the ratio.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/frontend/frontend.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace endure::engine {
namespace {

namespace enums = temporal::api::enums::v1;
using Clock = std::chrono::steady_clock;

constexpr int kActivitiesPerWorkflow = 3;
constexpr int kPollsPerQueue = 32;
constexpr char kQueue[] = "bench";

// The scripted workers' two threads: poll results are handled here, off the engine's threads,
// as a worker process would handle them.
class WorkerThreads {
 public:
  WorkerThreads() {
    for (int i = 0; i < 2; ++i) {
      threads_.push_back(Env::Default()->StartThread("bench-worker", [this] { Run(); }));
    }
  }
  ~WorkerThreads() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) t->Join();
  }
  void Post(std::function<void()> fn) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(fn));
    }
    ready_.notify_one();
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    while (true) {
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      auto fn = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
    }
  }
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::unique_ptr<Thread>> threads_;
};

class Driver {
 public:
  Driver(Frontend* frontend, int total, int concurrency)
      : frontend_(frontend), total_(total), concurrency_(concurrency) {}

  // Runs every workflow to completion; returns the elapsed seconds.
  double Run() {
    const auto begin = Clock::now();
    for (int i = 0; i < kPollsPerQueue; ++i) {
      PollWorkflowTask();
      PollActivityTask();
    }
    for (int i = 0; i < concurrency_; ++i) StartOne();
    std::unique_lock lock(mu_);
    finished_.wait(lock, [this] { return completed_ == total_; });
    return std::chrono::duration<double>(Clock::now() - begin).count();
  }

  void Stop() { stopping_ = true; }

  std::vector<double> latencies_ms() {
    std::lock_guard lock(mu_);
    return latencies_ms_;
  }

 private:
  void StartOne() {
    const int i = started_.fetch_add(1);
    if (i >= total_) return;
    wsv1::StartWorkflowExecutionRequest r;
    r.set_namespace_("default");
    r.set_workflow_id("bench-" + std::to_string(i));
    r.mutable_workflow_type()->set_name("ThreeSteps");
    r.mutable_task_queue()->set_name(kQueue);
    r.set_request_id(r.workflow_id());
    {
      std::lock_guard lock(mu_);
      start_times_[r.workflow_id()] = Clock::now();
    }
    frontend_->StartWorkflowExecution(r, [](Result<wsv1::StartWorkflowExecutionResponse> s) {
      ENDURE_CHECK(s.ok()) << s.status().ToString();
    });
  }

  PollOptions Deadline() {
    PollOptions options;
    options.deadline = AlarmClock::Clock::now() + std::chrono::seconds(60);
    return options;
  }

  void PollWorkflowTask() {
    if (stopping_) return;
    wsv1::PollWorkflowTaskQueueRequest r;
    r.set_namespace_("default");
    r.mutable_task_queue()->set_name(kQueue);
    r.set_identity("bench-worker");
    frontend_->PollWorkflowTaskQueue(r, Deadline(), [this](Result<wsv1::PollWorkflowTaskQueueResponse> t) {
      if (!t.ok() || stopping_) return;
      workers_.Post([this, task = std::move(*t)] { HandleWorkflowTask(task); });
    });
  }

  void HandleWorkflowTask(const wsv1::PollWorkflowTaskQueueResponse& task) {
    PollWorkflowTask();
    if (task.task_token().empty()) return;
    int done_activities = 0;
    for (const auto& e : task.history().events()) {
      if (e.event_type() == enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED) ++done_activities;
    }
    wsv1::RespondWorkflowTaskCompletedRequest r;
    r.set_namespace_("default");
    r.set_task_token(task.task_token());
    r.set_identity("bench-worker");
    auto* command = r.add_commands();
    const bool closes = done_activities == kActivitiesPerWorkflow;
    if (closes) {
      command->set_command_type(enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION);
      command->mutable_complete_workflow_execution_command_attributes();
    } else {
      command->set_command_type(enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK);
      auto* a = command->mutable_schedule_activity_task_command_attributes();
      a->set_activity_id(std::to_string(done_activities));
      a->mutable_activity_type()->set_name("Step");
      a->mutable_task_queue()->set_name(kQueue);
      a->mutable_start_to_close_timeout()->set_seconds(30);
    }
    const std::string workflow_id = task.workflow_execution().workflow_id();
    frontend_->RespondWorkflowTaskCompleted(
        r, [this, closes, workflow_id](Result<wsv1::RespondWorkflowTaskCompletedResponse> s) {
          ENDURE_CHECK(s.ok()) << s.status().ToString();
          if (closes) Completed(workflow_id);
        });
  }

  void PollActivityTask() {
    if (stopping_) return;
    wsv1::PollActivityTaskQueueRequest r;
    r.set_namespace_("default");
    r.mutable_task_queue()->set_name(kQueue);
    r.set_identity("bench-worker");
    frontend_->PollActivityTaskQueue(r, Deadline(), [this](Result<wsv1::PollActivityTaskQueueResponse> t) {
      if (!t.ok() || stopping_) return;
      workers_.Post([this, task = std::move(*t)] { HandleActivityTask(task); });
    });
  }

  void HandleActivityTask(const wsv1::PollActivityTaskQueueResponse& task) {
    PollActivityTask();
    if (task.task_token().empty()) return;
    wsv1::RespondActivityTaskCompletedRequest r;
    r.set_namespace_("default");
    r.set_task_token(task.task_token());
    r.set_identity("bench-worker");
    frontend_->RespondActivityTaskCompleted(
        r, [](Result<wsv1::RespondActivityTaskCompletedResponse> s) {
          ENDURE_CHECK(s.ok()) << s.status().ToString();
        });
  }

  void Completed(const std::string& workflow_id) {
    bool all;
    {
      std::lock_guard lock(mu_);
      latencies_ms_.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - start_times_[workflow_id]).count());
      all = ++completed_ == total_;
    }
    if (all) {
      finished_.notify_all();
    } else {
      StartOne();
    }
  }

  Frontend* frontend_;
  const int total_;
  const int concurrency_;
  std::atomic<int> started_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable finished_;
  int completed_ = 0;
  std::unordered_map<std::string, Clock::time_point> start_times_;
  std::vector<double> latencies_ms_;
  WorkerThreads workers_;  // Last: stopped first, before what its tasks use.
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Args: {group commit (0: one transaction and flush per transition), workflows, in flight}.
void BM_ThreeActivityWorkflows(benchmark::State& state) {
  const bool group_commit = state.range(0) != 0;
  const int total = static_cast<int>(state.range(1));
  const int concurrency = static_cast<int>(state.range(2));
  for (auto _ : state) {
    storage::testing::TempDir dir;
    storage::StoreOptions options;
    options.path = dir.File("bench.db");
    options.durability = storage::Durability::kFull;
    options.group_commit = group_commit;
    auto store = storage::Store::Open(options);
    ENDURE_CHECK(store.ok()) << store.status().ToString();
    FrontendOptions frontend_options;
    frontend_options.store = store->get();
    auto frontend = Frontend::Open(frontend_options);
    ENDURE_CHECK(frontend.ok()) << frontend.status().ToString();
    const auto before = (*store)->writer_stats();
    double seconds;
    std::vector<double> latencies;
    {
      Driver driver(frontend->get(), total, concurrency);
      seconds = driver.Run();
      latencies = driver.latencies_ms();
      driver.Stop();
      (*frontend)->Shutdown();  // Ends the driver's waiting polls.
    }
    const auto after = (*store)->writer_stats();
    state.SetIterationTime(seconds);
    const double transitions = static_cast<double>(after.transitions - before.transitions);
    state.counters["workflows_per_s"] = total / seconds;
    state.counters["transitions_per_s"] = transitions / seconds;
    state.counters["transitions_per_workflow"] = transitions / total;
    state.counters["transitions_per_txn"] =
        transitions / static_cast<double>(after.transactions - before.transactions);
    state.counters["p50_ms"] = Percentile(latencies, 0.50);
    state.counters["p99_ms"] = Percentile(latencies, 0.99);
    frontend->reset();
    store->reset();
  }
}
BENCHMARK(BM_ThreeActivityWorkflows)
    ->ArgNames({"group_commit", "workflows", "in_flight"})
    ->Args({0, 40, 16})
    ->Args({1, 4000, 256})
    ->Args({1, 4000, 1024})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace endure::engine

BENCHMARK_MAIN();
