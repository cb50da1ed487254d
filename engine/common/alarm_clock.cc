#include "engine/common/alarm_clock.h"

namespace endure::engine {

AlarmClock::AlarmClock(Env* env) {
  thread_ = env->StartThread("endure-alarms", [this] { Run(); });
}

AlarmClock::~AlarmClock() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_->Join();
}

AlarmClock::Id AlarmClock::Set(Clock::time_point when, std::function<void()> alarm) {
  Id id;
  bool earliest;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
    alarms_.emplace(std::make_pair(when, id), std::move(alarm));
    when_.emplace(id, when);
    earliest = alarms_.begin()->first.second == id;
  }
  if (earliest) changed_.notify_one();
  return id;
}

bool AlarmClock::Cancel(Id id) {
  std::lock_guard lock(mu_);
  auto it = when_.find(id);
  if (it == when_.end()) return false;
  alarms_.erase({it->second, id});
  when_.erase(it);
  return true;
}

void AlarmClock::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (alarms_.empty()) {
      changed_.wait(lock);
      continue;
    }
    auto first = alarms_.begin();
    const Clock::time_point when = first->first.first;  // A copy: the alarm may go meanwhile.
    if (when > Clock::now()) {
      changed_.wait_until(lock, when);
      continue;
    }
    auto alarm = std::move(first->second);
    when_.erase(first->first.second);
    alarms_.erase(first);
    lock.unlock();
    alarm();
    lock.lock();
  }
}

}  // namespace endure::engine
