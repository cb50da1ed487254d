// TimerChanges: what a transition did to timers, handed to the timer queue once it commits.
//
// Most timers are rows of the timers table, written by the transition itself; the queue only
// needs their fire times to wake in time. The timeouts of workflow tasks and activities in
// flight are kept in memory instead (KeptInMemory in timer_kinds.h), so the queue learns them
// whole: armed, or disarmed by their key.
#pragma once

#include <vector>

#include "storage/records.h"

namespace endure::engine::history {

struct TimerChanges {
  std::vector<TimePoint> stored;            // Fire times of the timer rows created.
  std::vector<storage::TimerRow> armed;     // Kept in memory.
  std::vector<storage::TimerKey> disarmed;  // Kept in memory until now.

  void Add(TimerChanges other) {
    stored.insert(stored.end(), other.stored.begin(), other.stored.end());
    armed.insert(armed.end(), std::make_move_iterator(other.armed.begin()),
                 std::make_move_iterator(other.armed.end()));
    disarmed.insert(disarmed.end(), std::make_move_iterator(other.disarmed.begin()),
                    std::make_move_iterator(other.disarmed.end()));
  }
};

}  // namespace endure::engine::history
