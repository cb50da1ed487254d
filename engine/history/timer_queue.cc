#include "engine/history/timer_queue.h"

#include <algorithm>
#include <latch>

#include "storage/base/thread_priority.h"

namespace endure::engine::history {
namespace {

constexpr size_t kBatch = 10000;

// How far the timer thread is favoured over the process's other threads, where the process may
// (see RaiseThisThreadPriority): as far as the store's writer and acknowledger. Timers that come
// due together fire one after another on this thread, and under load it shared the CPU with
// every worker thread the earlier firings woke, so the later ones fired later and later.
constexpr int kTimerPriorityLevels = 10;

// How long a failed read of the store waits before the next try.
constexpr auto kRetryAfter = std::chrono::seconds(1);

// How long a timer that could not fire waits before its next try: the first time, and at most
// (the wait doubles with each failure in a row). A run that cannot be read now may be readable
// in a moment, or only once an operator has mended its row; meanwhile it costs a try now and then.
constexpr std::chrono::nanoseconds kFirstRetryAfter = std::chrono::milliseconds(100);
constexpr std::chrono::nanoseconds kLastRetryAfter = std::chrono::seconds(10);

}  // namespace

TimerQueue::TimerQueue(storage::Store* store, Env* env, Fire fire, Recover recover, bool thread)
    : store_(store), env_(env), fire_(std::move(fire)), recover_(std::move(recover)) {
  auto next = store_->NextTimerFireTime();
  if (next.ok()) next_ = *next;
  if (!thread) {
    // Once: a test that finds the store unreadable sees the timeouts missing.
    if (auto recovered = recover_(); recovered.ok()) Apply({.armed = std::move(*recovered)});
    return;
  }
  thread_ = env_->StartThread("endure-timers", [this] { Run(); });
}

TimerQueue::~TimerQueue() { Stop(); }

void TimerQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_) {
    thread_->Join();
    thread_.reset();
  }
}

void TimerQueue::ArmedLocked(TimePoint fire_time) {
  if (!next_ || fire_time < *next_) {
    next_ = fire_time;
    changed_.notify_one();
  }
}

void TimerQueue::Apply(const TimerChanges& changes) {
  if (changes.stored.empty() && changes.armed.empty() && changes.disarmed.empty()) return;
  std::lock_guard lock(mu_);
  for (const auto& key : changes.disarmed) {
    if (auto it = in_memory_.find(key); it != in_memory_.end()) in_memory_.erase(it);
    held_.erase(key);
  }
  for (const auto& row : changes.armed) {
    in_memory_.insert(row);
    ArmedLocked(row.fire_time);
  }
  for (TimePoint fire_time : changes.stored) ArmedLocked(fire_time);
}

std::vector<storage::TimerRow> TimerQueue::TakeDueInMemory(TimePoint now, size_t limit) {
  std::lock_guard lock(mu_);
  std::vector<storage::TimerRow> due;
  for (auto it = in_memory_.begin();
       it != in_memory_.end() && due.size() < limit && it->fire_time <= now;) {
    if (HeldLocked(*it, now)) {
      ++it;
    } else {
      due.push_back(std::move(in_memory_.extract(it++).value()));
    }
  }
  return due;
}

bool TimerQueue::HeldLocked(const storage::TimerRow& row, TimePoint now) const {
  auto it = held_.find(row);
  return it != held_.end() && it->second.until > now;
}

void TimerQueue::Settle(const storage::TimerRow& row, bool stored, bool settled) {
  std::lock_guard lock(mu_);
  if (settled) {
    held_.erase(row.key());
    return;
  }
  auto [it, first] = held_.try_emplace(row.key(), Hold{{}, kFirstRetryAfter});
  if (!first) it->second.wait = std::min(it->second.wait * 2, kLastRetryAfter);
  it->second.until = env_->Now() + it->second.wait;
  // Back without arming: the queue wakes for it when its hold ends (ScheduleNextLocked).
  if (!stored) in_memory_.insert(row);
}

TimerQueue::Fired TimerQueue::FireDueNow() {
  std::lock_guard firing(firing_);
  while (true) {
    const TimePoint now = env_->Now();
    auto stored = store_->ReadDueTimers(now, kBatch);
    std::vector<storage::TimerRow> in_memory = TakeDueInMemory(now, kBatch);
    const size_t stored_read = stored.ok() ? stored->size() : 0;
    const size_t memory_read = in_memory.size();

    std::vector<std::pair<storage::TimerRow, bool>> due;  // With whether it is a stored row.
    due.reserve(stored_read + memory_read);
    {
      std::lock_guard lock(mu_);
      for (size_t i = 0; i < stored_read; ++i) {
        if (!HeldLocked((*stored)[i], now)) due.emplace_back(std::move((*stored)[i]), true);
      }
    }
    for (auto& row : in_memory) due.emplace_back(std::move(row), false);
    if (!due.empty()) {
      std::latch fired(static_cast<std::ptrdiff_t>(due.size()));
      for (const auto& timer : due) {
        fire_(timer.first, timer.second, [this, &fired, &timer](bool settled) {
          Settle(timer.first, timer.second, settled);
          fired.count_down();
        });
      }
      fired.wait();
    }
    // A full batch may have left more due behind it, unless all it held was held.
    if (due.empty() || (stored_read < kBatch && memory_read < kBatch)) {
      std::lock_guard lock(mu_);
      // A hold that has ended belongs to a timer that has fired again since, or is gone.
      std::erase_if(held_, [now](const auto& entry) { return entry.second.until <= now; });
      return {now, stored.ok()};
    }
  }
}

void TimerQueue::ScheduleNextLocked(const Fired& fired, std::optional<TimePoint> stored_next) {
  if (stored_next) ArmedLocked(*stored_next);
  // The timers in memory due by then are held (their holds are below), or were armed since,
  // which set next_ as they were.
  for (const auto& row : in_memory_) {
    if (row.fire_time > fired.up_to) {
      ArmedLocked(row.fire_time);
      break;
    }
  }
  for (const auto& [key, hold] : held_) ArmedLocked(hold.until);
  // The rows due then that could not be read are read again soon.
  if (!fired.table_read) ArmedLocked(env_->Now() + kRetryAfter);
}

void TimerQueue::RecoverInMemory() {
  while (true) {
    auto recovered = recover_();
    if (recovered.ok()) return Apply({.armed = std::move(*recovered)});
    std::unique_lock lock(mu_);
    if (changed_.wait_for(lock, kRetryAfter, [this] { return stopping_; })) return;
  }
}

void TimerQueue::Run() {
  (void)RaiseThisThreadPriority(kTimerPriorityLevels);
  RecoverInMemory();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (!next_) {
      changed_.wait(lock);
      continue;
    }
    if (*next_ > env_->Now()) {
      // The store's times are the system clock's; Env::Default() reads the same clock.
      changed_.wait_until(lock, std::chrono::system_clock::time_point(
                                    std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                        next_->time_since_epoch())));
      continue;
    }
    next_.reset();
    lock.unlock();
    const Fired fired = FireDueNow();
    auto next = store_->NextTimerFireTime(fired.up_to);
    lock.lock();
    ScheduleNextLocked(fired, next.ok() ? *next : std::nullopt);
    if (!next.ok()) ArmedLocked(env_->Now() + kRetryAfter);  // Try again soon.
  }
}

}  // namespace endure::engine::history
