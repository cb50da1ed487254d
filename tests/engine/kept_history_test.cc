// KeptHistory: the events it holds stay one unbroken run of ids as workflow tasks move theirs
// out and commits append.
#include "engine/history/kept_history.h"

#include <gtest/gtest.h>

namespace endure::engine::history {
namespace {

using HistoryEvent = KeptHistory::HistoryEvent;

std::vector<HistoryEvent> Events(int64_t first, int64_t end) {
  std::vector<HistoryEvent> events;
  for (int64_t id = first; id < end; ++id) {
    HistoryEvent e;
    e.set_event_id(id);
    e.mutable_workflow_execution_signaled_event_attributes()->set_signal_name("signal-" +
                                                                              std::to_string(id));
    events.push_back(std::move(e));
  }
  return events;
}

TEST(KeptHistory, HoldsWhatWasAppendedInOrder) {
  KeptHistory kept(1, Events(1, 4));
  kept.Append(Events(4, 6));
  EXPECT_EQ(kept.first_id(), 1);
  EXPECT_EQ(kept.end_id(), 6);
  EXPECT_TRUE(kept.Holds(1, 6));
  EXPECT_FALSE(kept.Holds(1, 7));
  EXPECT_EQ(kept.at(5).workflow_execution_signaled_event_attributes().signal_name(), "signal-5");
  EXPECT_EQ(kept.last()->event_id(), 5);
}

TEST(KeptHistory, ATaskTakesItsEventsAndWhatCameBeforeIsForgotten) {
  KeptHistory kept(1, Events(1, 8));
  HistoryEvent taken = kept.Take(5);
  EXPECT_EQ(taken.workflow_execution_signaled_event_attributes().signal_name(), "signal-5");
  kept.ForgetBefore(6);
  EXPECT_EQ(kept.first_id(), 6);
  EXPECT_FALSE(kept.Holds(5, 6));
  EXPECT_TRUE(kept.Holds(6, 8));
  EXPECT_EQ(kept.at(7).event_id(), 7);

  kept.Append(Events(8, 9));  // The next commit continues where the held events end.
  EXPECT_TRUE(kept.Holds(6, 9));
}

TEST(KeptHistory, ForgettingPastTheEndLeavesRoomForTheNextCommit) {
  KeptHistory kept(1, Events(1, 4));
  // A response made before its start commits took events 1-3 and the uncommitted event 4.
  kept.ForgetBefore(5);
  EXPECT_EQ(kept.first_id(), 4);
  EXPECT_EQ(kept.last(), nullptr);
  kept.Append(Events(4, 5));  // That start, committed.
  EXPECT_TRUE(kept.Holds(4, 5));
  EXPECT_FALSE(kept.Holds(3, 5));
}

TEST(KeptHistory, EventsThatDoNotFollowReplaceWhatWasHeld) {
  KeptHistory kept(1, Events(1, 4));
  kept.Append(Events(6, 8));
  EXPECT_EQ(kept.first_id(), 6);
  EXPECT_TRUE(kept.Holds(6, 8));
  EXPECT_FALSE(kept.Holds(3, 4));
}

}  // namespace
}  // namespace endure::engine::history
