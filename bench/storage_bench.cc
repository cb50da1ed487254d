// Store benchmarks: state transitions committed per second with group commit against one SQLite
// transaction per transition, at synchronous FULL and NORMAL, with 1 to 64 concurrent writers;
// history events appended per second; history range reads in events per second.
//
// The transition is a typical one of the engine, shaped like an activity completing: three
// events appended, the execution row rewritten, one task and one timer replaced; visibility is
// written when a run starts and closes (every 20 steps here), as the engine writes it.
//
// Compare figures as ratios within one run (bench/storage_ratios does it): absolute times on a
// shared machine drift.
#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace endure::storage {
namespace {

using testing::MakeEvent;
using testing::TempDir;
using testing::ToyRun;

// One store per benchmark run, shared by its threads. Thread 0 opens it before the timed loop
// and closes it after; Google Benchmark synchronises threads at the start and end of the loop.
struct SharedStore {
  std::unique_ptr<TempDir> dir;
  std::unique_ptr<Store> store;
  std::atomic<int64_t> next_run{0};
};
SharedStore shared;

void OpenShared(Durability durability, bool group_commit) {
  shared.dir = std::make_unique<TempDir>();
  StoreOptions options;
  options.path = shared.dir->File("bench.db");
  options.durability = durability;
  options.group_commit = group_commit;
  auto store = Store::Open(options);
  ENDURE_CHECK(store.ok()) << store.status().ToString();
  shared.store = std::move(store).value();
}

void CloseShared(benchmark::State& state) {
  WriterStats stats = shared.store->writer_stats();
  state.counters["transitions_per_txn"] =
      stats.transactions ? static_cast<double>(stats.transitions) / stats.transactions : 0;
  shared.store.reset();
  shared.dir.reset();
}

// A toy-run transition (3 events, a task and a timer moved, visibility refreshed) per iteration.
// Args: {durability (0 FULL, 1 NORMAL), group commit (0: one transaction and one flush per
// transition)}.
void BM_CommitTransitions(benchmark::State& state) {
  const auto durability = state.range(0) == 0 ? Durability::kFull : Durability::kNormal;
  if (state.thread_index() == 0) OpenShared(durability, state.range(1) != 0);
  int64_t version = 0;
  ToyRun run;
  for (auto _ : state) {
    if (version == 0 || version == ToyRun::kCloseStep) {
      const int64_t id = shared.next_run.fetch_add(1);
      run = ToyRun{WorkflowId("wf-" + std::to_string(id)), RunId("run-" + std::to_string(id))};
      run.visibility_every_step = false;
      version = 0;
    }
    Status s = run.Commit(*shared.store, ++version);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) CloseShared(state);
}
BENCHMARK(BM_CommitTransitions)
    ->ArgNames({"normal", "group"})
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->ThreadRange(1, 64)
    ->UseRealTime()
    ->MinTime(0.5);

// The same transitions from range(2) logical writers that never block a thread, as an
// asynchronous engine runs them: each writer keeps one transition in flight; its completion
// callback only hands the writer back to a producer (this benchmark's thread, in the role of the
// engine's event loop), which builds and submits its next transition. Without an OS thread per
// writer, what is measured is the store, not the scheduler.
// Args: {durability (0 FULL, 1 NORMAL), group commit, writers}.
void BM_CommitPipelined(benchmark::State& state) {
  const auto durability = state.range(0) == 0 ? Durability::kFull : Durability::kNormal;
  const int writers = static_cast<int>(state.range(2));
  constexpr int kPerIteration = 2048;
  OpenShared(durability, state.range(1) != 0);

  struct Writer {
    ToyRun run;
    int64_t version = 0;
  };
  std::vector<Writer> all(writers);
  std::mutex mu;
  std::condition_variable ready_cv;
  std::vector<int> ready;  // Writers whose transition completed, guarded by mu.
  std::string error;

  auto submit = [&](int w) {
    Writer& writer = all[w];
    if (writer.version == 0 || writer.version == ToyRun::kCloseStep) {
      const int64_t id = shared.next_run.fetch_add(1);
      writer.run =
          ToyRun{WorkflowId("wf-" + std::to_string(id)), RunId("run-" + std::to_string(id))};
      writer.run.visibility_every_step = false;
      writer.version = 0;
    }
    shared.store->Submit(writer.run.StepTo(++writer.version), [&, w](Result<Committed> r) {
      std::lock_guard lock(mu);
      if (r.ok()) {
        all[w].run.Committed(*r);
      } else {
        error = r.status().ToString();
      }
      ready.push_back(w);
      ready_cv.notify_one();
    });
  };

  for (auto _ : state) {
    int to_submit = kPerIteration;
    int in_flight = 0;
    std::vector<int> next(writers);
    for (int w = 0; w < writers; ++w) next[w] = w;
    for (;;) {
      for (int w : next) {
        if (to_submit == 0) break;
        --to_submit;
        ++in_flight;
        submit(w);
      }
      if (in_flight == 0) break;
      std::unique_lock lock(mu);
      ready_cv.wait(lock, [&] { return !ready.empty(); });
      next.swap(ready);
      ready.clear();
      in_flight -= static_cast<int>(next.size());
    }
    std::lock_guard lock(mu);
    if (!error.empty()) state.SkipWithError(error.c_str());
  }
  state.SetItemsProcessed(state.iterations() * kPerIteration);
  CloseShared(state);
}
BENCHMARK(BM_CommitPipelined)
    ->ArgNames({"normal", "group", "writers"})
    ->ArgsProduct({{0, 1}, {0, 1}, {1, 4, 16, 64}})
    ->UseRealTime()
    ->MinTime(0.5);

// Appends range(0) events per transition; items are events.
void BM_AppendEvents(benchmark::State& state) {
  const int per_transition = static_cast<int>(state.range(0));
  if (state.thread_index() == 0) OpenShared(Durability::kNormal, true);
  const int64_t id = shared.next_run.fetch_add(1);
  const RunId run("append-" + std::to_string(id));
  ExecutionWrite exec;
  exec.record = {testing::kNamespace, WorkflowId("wf-" + run.value()), run, 0, 1, 1, ""};
  std::vector<temporal::api::history::v1::HistoryEvent> prototype;
  for (int i = 0; i < per_transition; ++i) prototype.push_back(MakeEvent(i + 1));
  for (auto _ : state) {
    Transition t;
    exec.expected_db_version = exec.record.db_version++;
    const EventId first = exec.record.next_event_id;
    exec.record.next_event_id += per_transition;
    t.execution = exec;
    t.events = prototype;
    for (int i = 0; i < per_transition; ++i) t.events[i].set_event_id(first + i);
    Status s = shared.store->Commit(std::move(t)).status();
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * per_transition);
  if (state.thread_index() == 0) CloseShared(state);
}
BENCHMARK(BM_AppendEvents)
    ->ArgName("events")
    ->Arg(100)
    ->Threads(1)
    ->Threads(16)
    ->UseRealTime()
    ->MinTime(0.5);

// Reads a 10,000-event history written in batches of range(0), in pages of 1,000 events.
void BM_ReadHistory(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  constexpr int kEvents = 10'000;
  TempDir dir;
  StoreOptions options;
  options.path = dir.File("read.db");
  options.durability = Durability::kNormal;
  auto store = Store::Open(options);
  ENDURE_CHECK(store.ok());
  const RunId run("read");
  ExecutionWrite exec;
  exec.record = {testing::kNamespace, WorkflowId("wf-read"), run, 0, 1, 1, ""};
  for (int written = 0; written < kEvents; written += batch) {
    Transition t;
    exec.expected_db_version = exec.record.db_version++;
    for (int i = 0; i < batch; ++i) t.events.push_back(MakeEvent(exec.record.next_event_id + i));
    exec.record.next_event_id += batch;
    t.execution = exec;
    ENDURE_CHECK((*store)->Commit(std::move(t)).ok());
  }
  int64_t events = 0;
  for (auto _ : state) {
    for (EventId first = 1; first <= kEvents; first += 1000) {
      auto page = (*store)->ReadHistory(run, first, kEvents + 1, 1000);
      ENDURE_CHECK(page.ok() && page->size() == 1000);
      events += static_cast<int64_t>(page->size());
      benchmark::DoNotOptimize(page->data());
    }
  }
  state.SetItemsProcessed(events);
}
BENCHMARK(BM_ReadHistory)->ArgName("batch")->Arg(1)->Arg(100)->MinTime(0.5);

}  // namespace
}  // namespace endure::storage

BENCHMARK_MAIN();
