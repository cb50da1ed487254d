#include "engine/matching/matching.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/common/alarm_clock.h"
#include "storage/base/env.h"
#include "tests/storage/store_test_util.h"

namespace endure::engine::matching {
namespace {

using storage::testing::kNamespace;

class MatchingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::testing::OpenTestStore(dir_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    matching_ =
        std::make_unique<Matching>(MatchingOptions{.store = store_.get(), .alarms = &alarms_});
  }
  void TearDown() override { matching_->Shutdown(); }

  // A poll on "q" by `identity` that records which task it got, or "(none)" when it ended
  // empty.
  void PollFor(const std::string& identity, bool direct_dispatch = false) {
    StartedTaskCallback started;
    if (direct_dispatch) started = [](StartedTask) { return true; };
    matching_->Poll(
        kNamespace, "q", TaskKind::kWorkflow, identity,
        AlarmClock::Clock::now() + std::chrono::seconds(30),
        [this, identity](std::optional<TaskRow> row) {
          got_.push_back(identity + ":" + (row ? std::to_string(row->task_id) : "(none)"));
          return true;
        },
        std::move(started));
  }

  static TaskRow Task(int64_t task_id) {
    TaskRow row;
    row.task_id = task_id;
    row.namespace_id = kNamespace;
    row.task_queue = "q";
    row.kind = TaskKind::kWorkflow;
    return row;
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  AlarmClock alarms_{Env::Default()};
  std::unique_ptr<Matching> matching_;
  std::vector<std::string> got_;
};

// Polls are served in the order they came, as Temporal's matching serves its pollers.
TEST_F(MatchingTest, TheLongestWaitingPollGetsTheTask) {
  PollFor("first");
  PollFor("second");
  PollFor("third");
  matching_->AddTasks({Task(1)});
  matching_->AddTasks({Task(2)});
  EXPECT_EQ(got_, (std::vector<std::string>{"first:1", "second:2"}));
  matching_->Shutdown();
  EXPECT_EQ(got_.back(), "third:(none)");
}

TEST_F(MatchingTest, DirectDispatchClaimsTheLongestWaitingPollThatTakesStartedTasks) {
  PollFor("plain");
  PollFor("dispatchable-old", /*direct_dispatch=*/true);
  PollFor("dispatchable-new", /*direct_dispatch=*/true);
  auto claimed = matching_->ClaimPoll(kNamespace, "q", TaskKind::kWorkflow);
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(claimed->identity, "dispatchable-old");
  // The plain poll, which direct dispatch passed over, still gets the next task first.
  matching_->AddTasks({Task(7)});
  EXPECT_EQ(got_, (std::vector<std::string>{"plain:7"}));
  claimed->callback(std::nullopt);
}

TEST_F(MatchingTest, TasksWaitInOrderWhenNoPollWaits) {
  matching_->AddTasks({Task(3), Task(1), Task(2)});
  PollFor("a");
  PollFor("b");
  PollFor("c");
  EXPECT_EQ(got_, (std::vector<std::string>{"a:1", "b:2", "c:3"}));
}

}  // namespace
}  // namespace endure::engine::matching
