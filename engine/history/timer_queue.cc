#include "engine/history/timer_queue.h"

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
  while (!in_memory_.empty() && due.size() < limit && in_memory_.begin()->fire_time <= now) {
    due.push_back(std::move(in_memory_.extract(in_memory_.begin()).value()));
  }
  return due;
}

void TimerQueue::FireDue() {
  std::lock_guard firing(firing_);
  while (true) {
    const TimePoint now = env_->Now();
    auto stored = store_->ReadDueTimers(now, kBatch);
    std::vector<storage::TimerRow> in_memory = TakeDueInMemory(now, kBatch);
    const size_t stored_count = stored.ok() ? stored->size() : 0;
    if (stored_count == 0 && in_memory.empty()) return;

    std::latch fired(static_cast<std::ptrdiff_t>(stored_count + in_memory.size()));
    std::mutex again_mu;
    std::vector<storage::TimerRow> again;  // In memory, and not fired: back into the queue.
    for (size_t i = 0; i < stored_count; ++i) {
      fire_((*stored)[i], /*stored=*/true, [&fired](bool) { fired.count_down(); });
    }
    for (const auto& row : in_memory) {
      fire_(row, /*stored=*/false, [&, row](bool settled) {
        if (!settled) {
          std::lock_guard lock(again_mu);
          again.push_back(row);
        }
        fired.count_down();
      });
    }
    fired.wait();
    if (!again.empty()) Apply({.armed = std::move(again)});
    if (stored_count < kBatch && in_memory.size() < kBatch) return;
  }
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
    FireDue();
    auto next = store_->NextTimerFireTime();
    lock.lock();
    if (next.ok() && *next && (!next_ || **next < *next_)) next_ = **next;
    if (!in_memory_.empty() && (!next_ || in_memory_.begin()->fire_time < *next_)) {
      next_ = in_memory_.begin()->fire_time;
    }
    if (!next.ok() && !next_) next_ = env_->Now() + kRetryAfter;  // Try again soon.
  }
}

}  // namespace endure::engine::history
