// KeptHistory: the end of a run's committed history that the run cache keeps in memory, every
// event from first_id() on, for the workflow tasks that carry it.
//
// A workflow task's events are moved out into its response, not copied: the worker that takes
// the task keeps them (a sticky worker is then sent only what is new), and whoever needs them
// again (a worker without the run, a query, a history read) reads them from the store. So a run
// in memory holds the events since its last workflow task started rather than its whole history,
// and no event is copied to be sent.
//
// Thread-safety: none; the run's lease guards it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "temporal/api/history/v1/message.pb.h"

namespace endure::engine::history {

class KeptHistory {
 public:
  using HistoryEvent = temporal::api::history::v1::HistoryEvent;

  KeptHistory() = default;
  // `events` are those from event id `first_id` on, in order.
  KeptHistory(int64_t first_id, std::vector<HistoryEvent> events)
      : first_id_(first_id), events_(std::move(events)) {}

  int64_t first_id() const { return first_id_; }
  // One past the last event held.
  int64_t end_id() const { return first_id_ + static_cast<int64_t>(events_.size()); }
  // Whether every event in [first, end) is held.
  bool Holds(int64_t first, int64_t end) const { return first_id_ <= first && end <= end_id(); }
  // The event `id`, which must be held.
  const HistoryEvent& at(int64_t id) const { return events_[Index(id)]; }
  // The last event held, or nullptr.
  const HistoryEvent* last() const { return events_.empty() ? nullptr : &events_.back(); }

  // Events committed after the last one held. Should they not follow it (nothing appends so),
  // what was held is dropped, so that the events held stay one unbroken run of ids.
  void Append(std::vector<HistoryEvent> events) {
    if (events.empty()) return;
    if (events.front().event_id() != end_id()) {
      events_.clear();
      first_id_ = events.front().event_id();
    }
    for (auto& e : events) events_.push_back(std::move(e));
  }

  // Moves out the event `id`, which must be held; ForgetBefore must pass it before the history
  // is read again.
  HistoryEvent Take(int64_t id) { return std::move(events_[Index(id)]); }
  // Drops the events before `id` (all of them, if it is past the end; the next committed ones
  // are then appended after the last one dropped).
  void ForgetBefore(int64_t id) {
    const int64_t to = std::min(id, end_id());
    if (to <= first_id_) return;
    events_.erase(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(to - first_id_));
    first_id_ = to;
  }

 private:
  size_t Index(int64_t id) const { return static_cast<size_t>(id - first_id_); }

  int64_t first_id_ = 1;
  std::vector<HistoryEvent> events_;
};

}  // namespace endure::engine::history
