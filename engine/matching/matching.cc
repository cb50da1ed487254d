#include "engine/matching/matching.h"

#include <algorithm>
#include <utility>

namespace endure::engine::matching {
namespace {

constexpr size_t kLoadPage = 1000;

}  // namespace

Matching::Matching(MatchingOptions options) : options_(std::move(options)) {}

Matching::~Matching() = default;

Matching::Queue& Matching::QueueLocked(const QueueKey& key) {
  Queue& queue = queues_[key];
  if (!queue.loaded) LoadLocked(key, queue);
  return queue;
}

void Matching::LoadLocked(const QueueKey& key, Queue& queue) {
  int64_t after = 0;
  while (true) {
    auto rows = options_.store->ReadTasks(NamespaceId(key.namespace_id), key.name,
                                          static_cast<TaskKind>(key.kind), after, kLoadPage);
    if (!rows.ok()) return;  // Not loaded: the next use of the queue tries again.
    for (auto& row : *rows) {
      after = row.task_id;
      queue.backlog.emplace(row.task_id, std::move(row));
    }
    if (rows->size() < kLoadPage) break;
  }
  queue.loaded = true;
}

uint64_t Matching::Poll(const NamespaceId& namespace_id, const std::string& queue_name,
                        TaskKind kind, const std::string& identity,
                        AlarmClock::Clock::time_point deadline, PollCallback callback,
                        StartedTaskCallback started) {
  const QueueKey key{namespace_id.value(), queue_name, static_cast<int>(kind)};
  const auto now = AlarmClock::Clock::now();
  deadline = std::min(deadline, now + options_.max_poll_wait);
  std::optional<TaskRow> task;
  {
    std::unique_lock lock(mu_);
    if (!shut_down_) {
      Queue& queue = QueueLocked(key);
      queue.last_poll = now;
      queue.pollers[identity] =
          std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
      if (!queue.backlog.empty()) {
        task = std::move(queue.backlog.begin()->second);
        queue.backlog.erase(queue.backlog.begin());
      } else if (deadline > now) {
        const uint64_t id = next_waiter_id_++;
        Waiter& waiter = queue.waiters[id];
        waiter.callback = std::move(callback);
        waiter.started = std::move(started);
        waiter.identity = identity;
        // Set under the lock: a match that removes the waiter first cancels this alarm.
        waiter.alarm = options_.alarms->Set(deadline, [this, key, id] { Expire(key, id); });
        return id;
      }
    }
  }
  if (!task) {
    callback(std::nullopt);
    return 0;
  }
  TaskRow copy = *task;
  // A poller that left between asking and receiving passes the task to the next one.
  if (!callback(std::move(task))) Offer(key, std::move(copy));
  return 0;
}

std::optional<ClaimedPoll> Matching::ClaimPoll(const NamespaceId& namespace_id,
                                               const std::string& queue_name, TaskKind kind) {
  Waiter waiter;
  {
    std::lock_guard lock(mu_);
    auto q = queues_.find({namespace_id.value(), queue_name, static_cast<int>(kind)});
    if (q == queues_.end()) return std::nullopt;
    auto& waiters = q->second.waiters;
    auto w = std::find_if(waiters.begin(), waiters.end(),
                          [](const auto& entry) { return entry.second.started != nullptr; });
    if (w == waiters.end()) return std::nullopt;
    waiter = std::move(w->second);
    waiters.erase(w);
    q->second.last_poll = AlarmClock::Clock::now();
  }
  options_.alarms->Cancel(waiter.alarm);
  return ClaimedPoll{std::move(waiter.identity), std::move(waiter.callback),
                     std::move(waiter.started)};
}

void Matching::CancelPoll(const NamespaceId& namespace_id, const std::string& queue_name,
                          TaskKind kind, uint64_t wait_id) {
  if (wait_id == 0) return;
  uint64_t alarm = 0;
  {
    std::lock_guard lock(mu_);
    auto q = queues_.find({namespace_id.value(), queue_name, static_cast<int>(kind)});
    if (q == queues_.end()) return;
    auto w = q->second.waiters.find(wait_id);
    if (w == q->second.waiters.end()) return;
    alarm = w->second.alarm;
  }
  options_.alarms->Cancel(alarm);
  Expire({namespace_id.value(), queue_name, static_cast<int>(kind)}, wait_id);
}

void Matching::Expire(const QueueKey& key, uint64_t waiter_id) {
  PollCallback callback;
  {
    std::lock_guard lock(mu_);
    auto q = queues_.find(key);
    if (q == queues_.end()) return;
    auto w = q->second.waiters.find(waiter_id);
    if (w == q->second.waiters.end()) return;  // Matched meanwhile.
    callback = std::move(w->second.callback);
    q->second.waiters.erase(w);
    q->second.last_poll = AlarmClock::Clock::now();
  }
  callback(std::nullopt);
}

void Matching::Offer(const QueueKey& key, TaskRow row) {
  while (true) {
    Waiter waiter;
    {
      std::lock_guard lock(mu_);
      Queue& queue = QueueLocked(key);
      if (queue.waiters.empty() || shut_down_) {
        queue.backlog.emplace(row.task_id, std::move(row));
        return;
      }
      waiter = std::move(queue.waiters.begin()->second);
      queue.waiters.erase(queue.waiters.begin());
      queue.last_poll = AlarmClock::Clock::now();
    }
    options_.alarms->Cancel(waiter.alarm);
    TaskRow copy = row;
    if (waiter.callback(std::move(copy))) return;
  }
}

void Matching::AddTasks(const std::vector<TaskRow>& rows) {
  for (const auto& row : rows) {
    Offer({row.namespace_id.value(), row.task_queue, static_cast<int>(row.kind)}, row);
  }
}

void Matching::Requeue(TaskRow row) {
  const QueueKey key{row.namespace_id.value(), row.task_queue, static_cast<int>(row.kind)};
  Offer(key, std::move(row));
}

bool Matching::HasLivePoller(const NamespaceId& namespace_id, const std::string& queue_name,
                             TaskKind kind) {
  std::lock_guard lock(mu_);
  auto q = queues_.find({namespace_id.value(), queue_name, static_cast<int>(kind)});
  if (q == queues_.end()) return false;
  return !q->second.waiters.empty() ||
         AlarmClock::Clock::now() - q->second.last_poll < options_.poller_liveness;
}

size_t Matching::BacklogSize(const NamespaceId& namespace_id, const std::string& queue_name,
                             TaskKind kind) {
  std::lock_guard lock(mu_);
  return QueueLocked({namespace_id.value(), queue_name, static_cast<int>(kind)}).backlog.size();
}

std::vector<Matching::Poller> Matching::Pollers(const NamespaceId& namespace_id,
                                                const std::string& queue_name, TaskKind kind) {
  std::lock_guard lock(mu_);
  std::vector<Poller> out;
  auto q = queues_.find({namespace_id.value(), queue_name, static_cast<int>(kind)});
  if (q == queues_.end()) return out;
  for (const auto& [identity, when] : q->second.pollers) out.push_back({identity, when});
  std::sort(out.begin(), out.end(),
            [](const Poller& a, const Poller& b) { return a.last_access > b.last_access; });
  return out;
}

void Matching::Unload(const NamespaceId& namespace_id, const std::string& queue_name,
                      TaskKind kind) {
  std::vector<Waiter> waiting;
  {
    std::lock_guard lock(mu_);
    auto q = queues_.find({namespace_id.value(), queue_name, static_cast<int>(kind)});
    if (q == queues_.end()) return;
    for (auto& [id, waiter] : q->second.waiters) waiting.push_back(std::move(waiter));
    q->second.waiters.clear();
    q->second.last_poll = {};
    q->second.pollers.clear();
  }
  for (auto& waiter : waiting) {
    options_.alarms->Cancel(waiter.alarm);
    waiter.callback(std::nullopt);
  }
}

std::vector<Matching::QueueStats> Matching::Stats() {
  std::lock_guard lock(mu_);
  std::vector<QueueStats> stats;
  stats.reserve(queues_.size());
  for (const auto& [key, queue] : queues_) {
    stats.push_back({key.namespace_id, key.name, static_cast<TaskKind>(key.kind),
                     queue.backlog.size(), queue.waiters.size()});
  }
  return stats;
}

void Matching::Shutdown() {
  std::vector<Waiter> waiting;
  {
    std::lock_guard lock(mu_);
    shut_down_ = true;
    for (auto& [key, queue] : queues_) {
      for (auto& [id, waiter] : queue.waiters) waiting.push_back(std::move(waiter));
      queue.waiters.clear();
    }
  }
  for (auto& waiter : waiting) {
    options_.alarms->Cancel(waiter.alarm);
    waiter.callback(std::nullopt);
  }
}

}  // namespace endure::engine::matching
