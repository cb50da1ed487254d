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

}  // namespace

TimerQueue::TimerQueue(storage::Store* store, Env* env, Fire fire, bool thread)
    : store_(store), env_(env), fire_(std::move(fire)) {
  if (!thread) return;
  auto next = store_->NextTimerFireTime();
  if (next.ok()) next_ = *next;
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

void TimerQueue::Armed(TimePoint fire_time) {
  bool earlier;
  {
    std::lock_guard lock(mu_);
    earlier = !next_ || fire_time < *next_;
    if (earlier) next_ = fire_time;
  }
  if (earlier) changed_.notify_one();
}

void TimerQueue::FireDue() {
  std::lock_guard firing(firing_);
  while (true) {
    auto due = store_->ReadDueTimers(env_->Now(), kBatch);
    if (!due.ok() || due->empty()) return;
    std::latch fired(static_cast<std::ptrdiff_t>(due->size()));
    for (const auto& row : *due) fire_(row, [&fired] { fired.count_down(); });
    fired.wait();
    if (due->size() < kBatch) return;
  }
}

void TimerQueue::Run() {
  (void)RaiseThisThreadPriority(kTimerPriorityLevels);
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
    if (!next.ok() && !next_) next_ = env_->Now() + std::chrono::seconds(1);  // Try again soon.
  }
}

}  // namespace endure::engine::history
