// Conformance tests of the store: every operation, its conditions, and what survives a reopen.
#include "storage/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "storage/schema/migrations.h"
#include "storage/transition_writer.h"
#include "storage/wal_sync.h"
#include "tests/storage/store_test_util.h"

namespace endure::storage {
namespace {

using testing::kNamespace;
using testing::MakeEvent;
using testing::TempDir;
using testing::ToyRun;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen(Durability durability = Durability::kFull) {
    store_.reset();
    StoreOptions options;
    options.path = dir_.File("endure.db");
    options.durability = durability;
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto raw = sqlite::Connection::Open(options.path, sqlite::OpenMode::kReadOnly);
    ASSERT_TRUE(raw.ok());
    raw_ = std::move(raw).value();
  }

  Status Consistent(const RunId& run) { return testing::CheckRunConsistent(*store_, *raw_, run); }

  // Reopens the store with a writer that notes the thread it runs on (writer_thread_) each time
  // it wakes to work, and that, once hold_next_ is set, waits there at its next wake (holding_
  // is then set) until release_ is.
  void ReopenHoldable() {
    store_.reset();
    StoreOptions options;
    options.path = dir_.File("endure.db");
    options.before_batch_for_testing = [this] {
      {
        std::lock_guard lock(writer_mu_);
        writer_thread_ = std::this_thread::get_id();
      }
      if (hold_next_.exchange(false)) {
        holding_.set_value();
        released_.wait();
      }
    };
    auto reopened = Store::Open(options);
    ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
    store_ = std::move(reopened).value();
  }
  std::thread::id WriterThread() {
    std::lock_guard lock(writer_mu_);
    return writer_thread_;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<sqlite::Connection> raw_;

  std::mutex writer_mu_;
  std::thread::id writer_thread_;
  std::atomic<bool> hold_next_{false};
  std::promise<void> holding_;
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

TEST_F(StoreTest, NewStoreIsEmptyAndVersioned) {
  auto summary = store_->Summarize();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->schema_version, SchemaMigrations().back().version);
  EXPECT_EQ(summary->executions, 0);
  EXPECT_EQ(summary->history_events, 0);
}

TEST_F(StoreTest, NamespacesRoundTripAndUpsert) {
  Transition t;
  NamespaceRecord ns;
  ns.id = kNamespace;
  ns.info.set_name("default");
  ns.info.set_description("first");
  ns.config.mutable_workflow_execution_retention_ttl()->set_seconds(86400);
  t.namespace_upsert = ns;
  ASSERT_TRUE(store_->Commit(t).ok());
  ns.info.set_description("second");
  t.namespace_upsert = ns;
  ASSERT_TRUE(store_->Commit(t).ok());
  Reopen();

  auto by_name = store_->GetNamespaceByName("default");
  ASSERT_TRUE(by_name.ok()) << by_name.status().ToString();
  EXPECT_EQ(by_name->id, kNamespace);
  EXPECT_EQ(by_name->info.description(), "second");
  EXPECT_EQ(by_name->config.workflow_execution_retention_ttl().seconds(), 86400);
  EXPECT_TRUE(store_->GetNamespaceById(kNamespace).ok());
  EXPECT_EQ(store_->ListNamespaces()->size(), 1u);
  EXPECT_EQ(store_->GetNamespaceByName("missing").status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, TransitionWritesEveryRowAndSurvivesReopen) {
  ToyRun run{WorkflowId("wf"), RunId("run-1")};
  ASSERT_TRUE(run.Commit(*store_, 1).ok());
  ASSERT_TRUE(run.Commit(*store_, 2).ok());
  Reopen();

  EXPECT_TRUE(Consistent(run.run_id).ok()) << Consistent(run.run_id).ToString();
  auto current = store_->GetCurrentExecution(kNamespace, run.workflow_id);
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->run_id, run.run_id);
  EXPECT_EQ(current->create_request_id, "request-run-1");
  auto exec = store_->GetExecution(run.run_id);
  EXPECT_EQ(exec->db_version, 2);
  EXPECT_EQ(exec->next_event_id, 7);
  auto tasks = store_->ReadTasks(kNamespace, "queue", TaskKind::kWorkflow, 0, 10);
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ((*tasks)[0].ref, 6);
  EXPECT_EQ(store_->ReadTasks(kNamespace, "queue", TaskKind::kActivity, 0, 10)->size(), 0u);
}

TEST_F(StoreTest, StaleVersionIsAbortedAndWritesNothing) {
  ToyRun run{WorkflowId("wf"), RunId("run-1")};
  ASSERT_TRUE(run.Commit(*store_, 1).ok());
  ASSERT_TRUE(run.Commit(*store_, 2).ok());

  // A second writer that read version 1 tries to move to 2 as well.
  Status stale = run.Commit(*store_, 2);
  EXPECT_EQ(stale.code(), StatusCode::kAborted) << stale.ToString();
  EXPECT_NE(stale.message().find("expected db_version 1"), std::string::npos);
  EXPECT_TRUE(Consistent(run.run_id).ok()) << Consistent(run.run_id).ToString();

  // Creating a run that exists is a conflict too.
  EXPECT_EQ(run.Commit(*store_, 1).code(), StatusCode::kAborted);
  EXPECT_TRUE(Consistent(run.run_id).ok());
}

TEST_F(StoreTest, CurrentRunConditionGuardsTheWorkflowId) {
  ToyRun first{WorkflowId("wf"), RunId("run-1")};
  ASSERT_TRUE(first.Commit(*store_, 1).ok());

  // A second run of the same workflow id that believes there is no current run.
  ToyRun second{WorkflowId("wf"), RunId("run-2")};
  EXPECT_EQ(second.Commit(*store_, 1).code(), StatusCode::kAborted);
  EXPECT_EQ(store_->GetExecution(second.run_id).status().code(), StatusCode::kNotFound);

  // With the right expectation it takes over.
  Transition t = second.Start();
  t.current->expected_run_id = first.run_id;
  ASSERT_TRUE(store_->Commit(t).ok());
  EXPECT_EQ(store_->GetCurrentExecution(kNamespace, WorkflowId("wf"))->run_id, second.run_id);
}

TEST_F(StoreTest, HistoryMustContinueDensely) {
  ToyRun run{WorkflowId("wf"), RunId("run-1")};
  ASSERT_TRUE(run.Commit(*store_, 1).ok());

  Transition gap = run.StepTo(2);
  gap.events.erase(gap.events.begin());  // Starts at 5 instead of 4.
  Status s = store_->Commit(gap).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();

  Transition wrong_next = run.StepTo(2);
  wrong_next.execution->record.next_event_id = 42;
  EXPECT_EQ(store_->Commit(wrong_next).status().code(), StatusCode::kInvalidArgument);

  Transition orphan;
  orphan.events.push_back(MakeEvent(4));
  EXPECT_EQ(store_->Commit(orphan).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Consistent(run.run_id).ok());
}

TEST_F(StoreTest, DuplicateTimerFailsTheWholeTransition) {
  ToyRun run{WorkflowId("wf"), RunId("run-1")};
  ASSERT_TRUE(run.Commit(*store_, 1).ok());
  Transition t = run.StepTo(2);
  t.timers_deleted.clear();  // Keep the old timer and create one with the same key.
  t.timers_created[0].fire_time = TimePoint(std::chrono::seconds(1'003));
  t.timers_created[0].ref = 3;
  Status s = store_->Commit(t).status();
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
  // Nothing of the transition is visible: not its events, timers or execution row.
  EXPECT_EQ(store_->GetExecution(run.run_id)->db_version, 1);
  EXPECT_TRUE(Consistent(run.run_id).ok()) << Consistent(run.run_id).ToString();
}

TEST_F(StoreTest, HistoryRangesAcrossBatchBoundaries) {
  // Batches of sizes 1, 2, 3, ... 10: 55 events, with boundaries everywhere.
  const RunId run("run-h");
  EventId next = 1;
  for (int size = 1; size <= 10; ++size) {
    Transition t;
    ExecutionWrite exec;
    exec.expected_db_version = size - 1;
    exec.record = {kNamespace, WorkflowId("wf-h"), run, size, next + size, 1, ""};
    t.execution = exec;
    for (int i = 0; i < size; ++i) t.events.push_back(MakeEvent(next + i));
    next += size;
    ASSERT_TRUE(store_->Commit(t).ok());
  }
  for (EventId first = 1; first <= 56; ++first) {
    for (EventId end = first; end <= 57; end += 3) {
      for (size_t max : {size_t{1}, size_t{4}, size_t{1000}}) {
        auto events = store_->ReadHistory(run, first, end, max);
        ASSERT_TRUE(events.ok());
        const EventId available = std::max<EventId>(0, std::min<EventId>(end, 56) - first);
        const size_t want = std::min<size_t>(max, static_cast<size_t>(available));
        ASSERT_EQ(events->size(), want) << first << ".." << end << " max " << max;
        for (size_t i = 0; i < events->size(); ++i) {
          ASSERT_EQ((*events)[i].event_id(), first + static_cast<EventId>(i));
        }
      }
    }
  }
  EXPECT_EQ(store_->Summarize()->history_batches, 10);
  EXPECT_EQ(store_->Summarize()->history_events, 55);
}

TEST_F(StoreTest, FailedTransitionLeavesItsBatchNeighboursCommitted) {
  ToyRun stale{WorkflowId("wf-stale"), RunId("run-stale")};
  ASSERT_TRUE(stale.Commit(*store_, 1).ok());

  // Hold the writer at its sync point so that every submission below queues up and they all
  // commit in one batch.
  hold_next_ = true;
  ReopenHoldable();

  constexpr int kRuns = 9;
  std::vector<std::future<Status>> outcomes;
  std::vector<ToyRun> runs;
  for (int i = 0; i < kRuns; ++i) {
    runs.push_back({WorkflowId("wf-" + std::to_string(i)), RunId("run-" + std::to_string(i))});
  }
  for (int i = 0; i < kRuns; ++i) {
    auto outcome = std::make_shared<std::promise<Status>>();
    outcomes.push_back(outcome->get_future());
    // One conflicts (its workflow id has a current run: found before it writes anything, so
    // the batch goes on without it), one carries a gap in its history (found after it has
    // written: the batch is applied again without it).
    Transition t = i == 4 ? stale.Start() : runs[i].Start();
    if (i == 7) t.events[1].set_event_id(99);
    store_->Submit(std::move(t),
                   [outcome](Result<Committed> r) { outcome->set_value(r.status()); });
    if (i == 0) holding_.get_future().wait();  // The writer woke for the first and now waits.
  }
  release_.set_value();

  for (int i = 0; i < kRuns; ++i) {
    Status s = outcomes[i].get();
    if (i == 4) {
      EXPECT_EQ(s.code(), StatusCode::kAborted);
    } else if (i == 7) {
      EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    } else {
      EXPECT_TRUE(s.ok()) << i << ": " << s.ToString();
      EXPECT_TRUE(Consistent(runs[i].run_id).ok());
    }
  }
  EXPECT_EQ(store_->GetExecution(runs[7].run_id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->writer_stats().transactions, 1u)
      << "the nine transitions should have shared one SQLite transaction";
  EXPECT_EQ(store_->writer_stats().transitions, 7u);
  EXPECT_EQ(store_->writer_stats().failed, 2u);
  EXPECT_TRUE(Consistent(stale.run_id).ok());
}

TEST_F(StoreTest, ALoneTransitionIsToldByTheWriterAndABatchByTheAcknowledger) {
  ReopenHoldable();

  // Each callback notes the thread it ran on and its place among the callbacks.
  struct Told {
    std::thread::id thread;
    int order = 0;
  };
  std::atomic<int> told_so_far{0};
  auto submit = [&](ToyRun& run) {
    auto told = std::make_shared<std::promise<Result<Told>>>();
    auto future = told->get_future();
    store_->Submit(run.Start(), [&told_so_far, told](Result<Committed> r) {
      if (!r.ok()) return told->set_value(r.status());
      told->set_value(Told{std::this_thread::get_id(), told_so_far.fetch_add(1)});
    });
    return future;
  };

  ToyRun lone{WorkflowId("wf-lone"), RunId("run-lone")};
  auto lone_told = submit(lone).get();
  ASSERT_TRUE(lone_told.ok()) << lone_told.status().ToString();
  EXPECT_EQ(lone_told->thread, WriterThread()) << "a lone transition waited for the acknowledger";

  // Three queued behind a held writer commit as one batch: the acknowledger tells them, in
  // order, while the writer is free for the next batch.
  hold_next_ = true;
  std::vector<ToyRun> runs;
  for (int i = 0; i < 3; ++i) {
    runs.push_back({WorkflowId("wf-" + std::to_string(i)), RunId("run-" + std::to_string(i))});
  }
  std::vector<std::future<Result<Told>>> batch_told;
  batch_told.push_back(submit(runs[0]));
  holding_.get_future().wait();
  batch_told.push_back(submit(runs[1]));
  batch_told.push_back(submit(runs[2]));
  release_.set_value();
  std::vector<Result<Told>> outcomes;
  for (auto& f : batch_told) outcomes.push_back(f.get());
  const std::thread::id writer = WriterThread();
  for (size_t i = 0; i < outcomes.size(); ++i) {
    ASSERT_TRUE(outcomes[i].ok()) << outcomes[i].status().ToString();
    EXPECT_NE(outcomes[i]->thread, writer);
    EXPECT_EQ(outcomes[i]->order, lone_told->order + 1 + static_cast<int>(i));
  }
  for (auto& run : runs) EXPECT_TRUE(Consistent(run.run_id).ok());
}

TEST_F(StoreTest, TaskIdsIncreaseAcrossRestarts) {
  int64_t highest = 0;
  for (int round = 0; round < 3; ++round) {
    std::vector<RunId> runs;
    for (int i = 0; i < 4; ++i) {
      std::string id = std::to_string(round) + "-" + std::to_string(i);
      ToyRun run{WorkflowId("wf-" + id), RunId("run-" + id)};
      ASSERT_TRUE(run.Commit(*store_, 1).ok());
      runs.push_back(run.run_id);
    }
    auto tasks = store_->ReadTasks(kNamespace, "queue", TaskKind::kWorkflow, 0, 100);
    ASSERT_TRUE(tasks.ok());
    ASSERT_EQ(tasks->size(), 4u);
    for (const TaskRow& task : *tasks) {
      EXPECT_GT(task.task_id, highest) << "a task id was handed out twice";
    }
    highest = tasks->back().task_id;
    // Consume every task, as matching would: no row is left to remember the highest id.
    Transition consume;
    for (const TaskRow& task : *tasks) consume.tasks_deleted.push_back(task.key());
    ASSERT_TRUE(store_->Commit(consume).ok());
    Reopen();
  }
}

TEST_F(StoreTest, ConcurrentWritersAllLand) {
  constexpr int kThreads = 8;
  constexpr int kRunsPerThread = 10;
  constexpr int kSteps = 5;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRunsPerThread; ++r) {
        std::string id = std::to_string(t) + "-" + std::to_string(r);
        ToyRun run{WorkflowId("wf-" + id), RunId("run-" + id)};
        for (int step = 1; step <= kSteps; ++step) {
          if (!run.Commit(*store_, step).ok()) failures++;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  Reopen(Durability::kNormal);
  auto ids = testing::AllRunIds(store_->options().path);
  ASSERT_EQ(ids.size(), static_cast<size_t>(kThreads * kRunsPerThread));
  for (const RunId& id : ids) {
    ASSERT_TRUE(Consistent(id).ok()) << Consistent(id).ToString();
    EXPECT_EQ(store_->GetExecution(id)->db_version, kSteps);
  }
}

TEST_F(StoreTest, TimersComeBackInFireTimeOrder) {
  for (int i = 0; i < 5; ++i) {
    ToyRun run{WorkflowId("wf-" + std::to_string(i)), RunId("run-" + std::to_string(i))};
    ASSERT_TRUE(run.Commit(*store_, 1).ok());
  }
  // Each toy timer fires at 1000 + ref seconds; all refs are 3 after Start().
  EXPECT_EQ(store_->ReadDueTimers(TimePoint(std::chrono::seconds(1002)), 100)->size(), 0u);
  auto due = store_->ReadDueTimers(TimePoint(std::chrono::seconds(1003)), 100);
  ASSERT_EQ(due->size(), 5u);
  for (size_t i = 1; i < due->size(); ++i) {
    EXPECT_LT((*due)[i - 1].run_id, (*due)[i].run_id);
  }
  EXPECT_EQ(store_->ReadDueTimers(TimePoint(std::chrono::seconds(1003)), 2)->size(), 2u);
  auto next = store_->NextTimerFireTime();
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ(**next, TimePoint(std::chrono::seconds(1003)));
  // Strictly later than `after`: the timer queue looks past the timers held after a failure.
  EXPECT_EQ(store_->NextTimerFireTime(TimePoint(std::chrono::seconds(1002)))->value(),
            TimePoint(std::chrono::seconds(1003)));
  EXPECT_FALSE(store_->NextTimerFireTime(TimePoint(std::chrono::seconds(1003)))->has_value());
}

TEST_F(StoreTest, RunsWithTimersInMemoryComeBackInPagesAndSurviveReopen) {
  // Runs 0, 2, 4, 6 have timers kept in memory; the others have none, or no longer.
  for (int i = 0; i < 8; ++i) {
    ToyRun run{WorkflowId("wf-" + std::to_string(i)), RunId("run-" + std::to_string(i))};
    Transition t = run.Start();
    t.execution->record.timers_in_memory = i % 2 == 0 ? i + 1 : 1;
    ASSERT_TRUE(store_->Commit(std::move(t)).ok());
    if (i % 2 == 1) {
      Transition next = run.StepTo(2);
      next.execution->record.timers_in_memory = 0;
      ASSERT_TRUE(store_->Commit(std::move(next)).ok());
    }
  }
  Reopen();
  auto first = store_->ReadRunsWithTimersInMemory(RunId(""), 3);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0].run_id, RunId("run-0"));
  EXPECT_EQ((*first)[1].run_id, RunId("run-2"));
  EXPECT_EQ((*first)[2].run_id, RunId("run-4"));
  EXPECT_EQ((*first)[2].timers_in_memory, 5);
  EXPECT_EQ((*first)[2].workflow_id, WorkflowId("wf-4"));
  EXPECT_FALSE((*first)[2].state.empty());
  auto rest = store_->ReadRunsWithTimersInMemory((*first)[2].run_id, 3);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].run_id, RunId("run-6"));
  EXPECT_EQ(store_->GetExecution(RunId("run-6"))->timers_in_memory, 7);
  EXPECT_EQ(store_->GetExecution(RunId("run-1"))->timers_in_memory, 0);
}

TEST_F(StoreTest, VisibilityRoundTrips) {
  ToyRun run{WorkflowId("wf"), RunId("run-1")};
  Transition t = run.Start();
  temporal::api::common::v1::Payload memo_value;
  memo_value.set_data("\"hello\"");
  (*t.visibility->memo.mutable_fields())["note"] = memo_value;
  t.visibility->close_time = TimePoint(std::chrono::seconds(2000));
  t.visibility->history_size_bytes = 512;
  ASSERT_TRUE(store_->Commit(t).ok());
  auto v = store_->GetVisibility(run.run_id);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->workflow_type, "Toy");
  EXPECT_EQ(v->memo.fields().at("note").data(), "\"hello\"");
  EXPECT_EQ(v->close_time, TimePoint(std::chrono::seconds(2000)));
  EXPECT_EQ(v->history_size_bytes, 512);
}

}  // namespace
}  // namespace endure::storage

namespace endure::storage {
namespace {

// Every combination of durability and group commit stores the same state.
class StoreModeTest
    : public ::testing::TestWithParam<std::tuple<Durability, bool /*group_commit*/>> {};

TEST_P(StoreModeTest, CommitsAndReopens) {
  TempDir dir;
  StoreOptions options;
  options.path = dir.File("modes.db");
  options.durability = std::get<0>(GetParam());
  options.group_commit = std::get<1>(GetParam());
  std::vector<ToyRun> runs;
  {
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      runs.push_back({WorkflowId("wf-" + std::to_string(w)), RunId("run-" + std::to_string(w))});
    }
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        for (int step = 1; step <= 6; ++step) {
          EXPECT_TRUE(runs[w].Commit(**store, step).ok());
        }
      });
    }
    for (auto& t : writers) t.join();
  }
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok());
  auto raw = sqlite::Connection::Open(options.path, sqlite::OpenMode::kReadOnly);
  for (const ToyRun& run : runs) {
    Status s = testing::CheckRunConsistent(**store, **raw, run.run_id);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ((*store)->GetExecution(run.run_id)->db_version, 6);
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllModes, StoreModeTest,
    ::testing::Combine(::testing::Values(Durability::kFull, Durability::kNormal),
                       ::testing::Bool()),
    [](const auto& mode) {
      return std::string(std::get<0>(mode.param) == Durability::kFull ? "Full" : "Normal") +
             (std::get<1>(mode.param) ? "Grouped" : "OneByOne");
    });

TEST(WalSyncTest, FlushesAnExistingWalAndNamesAMissingOne) {
  TempDir dir;
  StoreOptions options;
  options.path = dir.File("sync.db");
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok());
  ToyRun run{WorkflowId("wf"), RunId("run")};
  ASSERT_TRUE(run.Commit(**store, 1).ok());  // The WAL exists after a commit.
  WalSync sync(options.path, Env::Default());
  EXPECT_TRUE(sync.Sync().ok());

  WalSync missing(dir.File("nothing-here.db"), Env::Default());
  Status s = missing.Sync();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("nothing-here.db-wal"), std::string::npos) << s.ToString();
}

// A store closed cleanly is one self-contained file: its WAL is copied in and removed, so a copy
// of the database file alone holds every commit, and the next open reads no WAL.
TEST(StoreCloseTest, AClosedStoreLeavesNoWalAndKeepsEveryCommit) {
  TempDir dir;
  StoreOptions options;
  options.path = dir.File("closed.db");
  ToyRun run{WorkflowId("wf"), RunId("run")};
  {
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok());
    for (int step = 1; step <= 5; ++step) ASSERT_TRUE(run.Commit(**store, step).ok());
    // Reads borrow reader connections, which stay open in the pool until the store closes.
    ASSERT_TRUE((*store)->GetExecution(run.run_id).ok());
    ASSERT_TRUE(std::filesystem::exists(options.path + "-wal"));
  }
  EXPECT_FALSE(std::filesystem::exists(options.path + "-wal"));

  const std::string copy = dir.File("copy.db");
  std::filesystem::copy_file(options.path, copy);
  options.path = copy;
  auto reopened = Store::Open(options);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto exec = (*reopened)->GetExecution(run.run_id);
  ASSERT_TRUE(exec.ok()) << exec.status().ToString();
  EXPECT_EQ(exec->db_version, 5);
}

}  // namespace
}  // namespace endure::storage

namespace endure::storage {
namespace {

TEST(EncodeTest, HistoryBlobIsTheWireFormOfAHistory) {
  Transition t;
  temporal::api::history::v1::History expected;
  for (EventId id = 1; id <= 5; ++id) {
    t.events.push_back(MakeEvent(id));
    *expected.add_events() = t.events.back();
  }
  t.events[2].mutable_timer_started_event_attributes()->set_timer_id(std::string(300, 'x'));
  *expected.mutable_events(2) = t.events[2];  // A long event: a two-byte length prefix.
  EXPECT_EQ(Encode(t).history, expected.SerializeAsString());
  EXPECT_EQ(Encode(Transition{}).history, "");
}

}  // namespace
}  // namespace endure::storage
