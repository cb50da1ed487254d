#include "engine/history/timer_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "storage/base/env.h"
#include "storage/base/manual_env.h"
#include "tests/storage/store_test_util.h"

namespace endure::engine::history {
namespace {

using namespace std::chrono_literals;
using storage::TimerRow;
using storage::testing::ToyRun;

// The toy run's timer row fires at 1000 + ref seconds, and its ref is 3 after Start().
const TimePoint kToyTimerDue{std::chrono::seconds(1003)};

class TimerQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::testing::OpenTestStore(dir_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  std::unique_ptr<TimerQueue> Queue(Env* env, bool thread) {
    return std::make_unique<TimerQueue>(
        store_.get(), env,
        [this](const TimerRow& row, bool stored, std::function<void(bool)> done) {
          Fire(row, stored, std::move(done));
        },
        [] { return Result<std::vector<TimerRow>>(std::vector<TimerRow>{}); }, thread);
  }

  // Counts the try; fails it while the run is in failing_, else settles it (deleting a row).
  void Fire(const TimerRow& row, bool stored, std::function<void(bool)> done) {
    {
      std::lock_guard lock(mu_);
      ++tries_[row.run_id.value()];
      if (failing_.contains(row.run_id.value())) return done(false);
      fired_.insert(row.run_id.value());
    }
    changed_.notify_all();
    if (!stored) return done(true);
    storage::Transition t;
    t.timers_deleted.push_back(row.key());
    store_->Submit(std::move(t), [done](Result<storage::Committed>) { done(true); });
  }

  static TimerRow InMemory(const std::string& run_id, TimePoint fire_time) {
    TimerRow row;
    row.fire_time = fire_time;
    row.namespace_id = storage::testing::kNamespace;
    row.workflow_id = WorkflowId("wf-" + run_id);
    row.run_id = RunId(run_id);
    row.kind = 2;
    row.ref = 1;
    return row;
  }

  // A run whose start wrote a timer row due at kToyTimerDue.
  void StoreTimerRow(const std::string& run_id) {
    ToyRun run{WorkflowId("wf-" + run_id), RunId(run_id)};
    ASSERT_TRUE(store_->Commit(run.Start()).ok());
  }

  // A queue on a manual clock, with two timers due now that fail to fire: a row of the table
  // ("stored") and one kept in memory ("memory").
  std::unique_ptr<TimerQueue> QueueWithTwoFailingTimers(ManualEnv& env) {
    StoreTimerRow("stored");
    auto queue = Queue(&env, /*thread=*/false);
    queue->Apply({.armed = {InMemory("memory", kToyTimerDue)}});
    SetFailing({"stored", "memory"});
    return queue;
  }

  int Tries(const std::string& run_id) {
    std::lock_guard lock(mu_);
    return tries_[run_id];
  }
  void SetFailing(std::set<std::string> runs) {
    std::lock_guard lock(mu_);
    failing_ = std::move(runs);
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, int> tries_;
  std::set<std::string> failing_;
  std::set<std::string> fired_;
};

TEST_F(TimerQueueTest, ATimerThatCannotFireWaitsLongerBeforeEachTry) {
  ManualEnv env(kToyTimerDue);
  auto queue = QueueWithTwoFailingTimers(env);

  // Each step: how far the clock moves, then the tries each timer has had.
  const std::pair<std::chrono::milliseconds, int> steps[] = {
      {0ms, 1}, {0ms, 1}, {99ms, 1}, {1ms, 2}, {199ms, 2}, {1ms, 3}, {399ms, 3}, {1ms, 4}};
  for (const auto& [advance, tries] : steps) {
    env.Advance(advance);
    queue->FireDue();
    EXPECT_EQ(Tries("stored"), tries) << "after " << advance.count() << " ms more";
    EXPECT_EQ(Tries("memory"), tries) << "after " << advance.count() << " ms more";
  }

  // Mended: the next try fires both, once.
  SetFailing({});
  env.Advance(800ms);
  queue->FireDue();
  env.Advance(60s);
  queue->FireDue();
  EXPECT_EQ(Tries("stored"), 5);
  EXPECT_EQ(Tries("memory"), 5);
  EXPECT_EQ(fired_, (std::set<std::string>{"stored", "memory"}));
  auto rows = store_->ReadDueTimers(env.Now(), 10);
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty()) << "the stored timer's row is deleted once it fires";
}

TEST_F(TimerQueueTest, ATimerHeldAfterAFailureHoldsUpNoOther) {
  ManualEnv env(kToyTimerDue);
  auto queue = QueueWithTwoFailingTimers(env);
  queue->FireDue();

  queue->Apply({.armed = {InMemory("later", kToyTimerDue + 10ms)}});
  env.Advance(10ms);
  queue->FireDue();
  EXPECT_EQ(Tries("later"), 1);
  EXPECT_TRUE(fired_.contains("later"));
  EXPECT_EQ(Tries("stored"), 1);
  EXPECT_EQ(Tries("memory"), 1);
}

TEST_F(TimerQueueTest, TheTimerThreadWaitsOutAHoldInsteadOfTryingAgainAtOnce) {
  Env* env = Env::Default();
  const TimePoint start = env->Now();
  SetFailing({"failing"});
  auto queue = Queue(env, /*thread=*/true);
  queue->Apply({.armed = {InMemory("failing", start), InMemory("healthy", start + 200ms)}});

  {
    std::unique_lock lock(mu_);
    ASSERT_TRUE(changed_.wait_for(lock, 10s, [this] { return fired_.contains("healthy"); }));
  }
  std::this_thread::sleep_for(300ms);
  queue->Stop();
  // The healthy timer came due after the first hold (100 ms) had ended, so the failing one had
  // its second try by then. Holds of 100, 200, 400, 800 ms... allow a handful of tries in the
  // second or so this takes even on a slow machine; a thread that did not wait would have made
  // thousands.
  EXPECT_GE(Tries("failing"), 2);
  EXPECT_LE(Tries("failing"), 6);
}

}  // namespace
}  // namespace endure::engine::history
