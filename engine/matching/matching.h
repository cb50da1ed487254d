// Matching: Temporal's task queues, in memory over the durable task rows.
//
// A task queue is identified by namespace, name and kind (workflow or activity tasks). The
// history service writes a task row in the same transaction as the event that schedules the
// task and, once that commits, hands the row to AddTasks. If a poller is waiting, the task goes
// straight to it (sync match); otherwise it joins the queue's backlog. The rows stay in the
// store until the history service records the task as started, so a restart finds every task
// not yet started: a queue loads its backlog from the store the first time it is used.
//
// A task handed to a poller that is gone (its callback returns false) goes back to the queue,
// never lost. Polls wait until their deadline, at most max_poll_wait, and then end empty.
//
// Direct dispatch: the history service may instead claim a waiting poll while it builds the
// transition that schedules a task, start the task for that poller in the same transition, and
// answer the poll with the started task once it is durable. The task then has no row, and its
// start costs no transition of its own.
//
// Thread-safety: every method may be called from any thread. Poll callbacks run on the thread
// that found the match (a committing thread, a polling thread, or the alarm thread) and must not
// block.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "engine/common/alarm_clock.h"
#include "storage/records.h"
#include "storage/store.h"
#include "temporal/api/workflowservice/v1/request_response.pb.h"

namespace endure::engine::matching {

using storage::TaskKind;
using storage::TaskRow;

struct MatchingOptions {
  storage::Store* store = nullptr;
  AlarmClock* alarms = nullptr;
  // The longest a poll waits before it ends empty (Temporal's matching long poll: 60 s).
  std::chrono::milliseconds max_poll_wait = std::chrono::seconds(60);
  // A queue counts as polled for this long after its last poll ended (sticky queue liveness).
  std::chrono::milliseconds poller_liveness = std::chrono::seconds(10);
};

// Receives the matched task, or nullopt when the poll ended without one. Returns false when the
// poller can no longer take the task (its call was cancelled); the task then goes to another.
using PollCallback = std::function<bool(std::optional<TaskRow>)>;
// A task the history service started for a claimed poll: the poll's response.
using StartedTask = std::variant<temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse,
                                 temporal::api::workflowservice::v1::PollActivityTaskQueueResponse>;
// Answers a poll with a task started for it. Returns false when the poller is gone.
using StartedTaskCallback = std::function<bool(StartedTask)>;

// A waiting poll taken off its queue for direct dispatch. Exactly one answer must follow:
// `started` once the task's start is durable, or `callback(nullopt)` (the poll ends empty, and
// its poller polls again) when the transition fails.
struct ClaimedPoll {
  std::string identity;
  PollCallback callback;
  StartedTaskCallback started;
};

class Matching {
 public:
  explicit Matching(MatchingOptions options);
  ~Matching();
  Matching(const Matching&) = delete;
  Matching& operator=(const Matching&) = delete;

  // Returns the id of the wait it registered (0 when the poll was answered at once), for
  // CancelPoll. A poll with a `started` callback may be claimed for direct dispatch.
  uint64_t Poll(const NamespaceId& namespace_id, const std::string& queue, TaskKind kind,
                const std::string& identity, AlarmClock::Clock::time_point deadline,
                PollCallback callback, StartedTaskCallback started = nullptr);
  // Takes the longest-waiting poll on the queue that accepts a started task, if any.
  std::optional<ClaimedPoll> ClaimPoll(const NamespaceId& namespace_id, const std::string& queue,
                                       TaskKind kind);
  // Ends a waiting poll whose caller has gone: it is answered empty now, and takes no task.
  void CancelPoll(const NamespaceId& namespace_id, const std::string& queue, TaskKind kind,
                  uint64_t wait_id);

  // Tasks just committed (their task ids assigned).
  void AddTasks(const std::vector<TaskRow>& rows);

  // A task handed out whose start could not be recorded: it goes back to its queue.
  void Requeue(TaskRow row);

  // Whether a poller waits on the queue now or has within poller_liveness.
  bool HasLivePoller(const NamespaceId& namespace_id, const std::string& queue, TaskKind kind);

  // Tasks waiting in the queue's backlog.
  size_t BacklogSize(const NamespaceId& namespace_id, const std::string& queue, TaskKind kind);

  // The pollers seen on a queue (identity, last poll in wall-clock time), most recent first.
  struct Poller {
    std::string identity;
    TimePoint last_access;
  };
  std::vector<Poller> Pollers(const NamespaceId& namespace_id, const std::string& queue,
                              TaskKind kind);

  // What each loaded queue holds now: its backlog and the polls waiting on it.
  struct QueueStats {
    std::string namespace_id;
    std::string name;
    TaskKind kind;
    size_t backlog = 0;
    size_t waiting_polls = 0;
  };
  std::vector<QueueStats> Stats();

  // A worker going away unloads its sticky queue: its waiting polls end empty and the queue no
  // longer counts as polled, so new workflow tasks go to the normal queue at once.
  void Unload(const NamespaceId& namespace_id, const std::string& queue, TaskKind kind);

  // Ends every waiting poll empty and makes later polls end empty at once.
  void Shutdown();

 private:
  struct Waiter {
    PollCallback callback;
    StartedTaskCallback started;
    std::string identity;
    AlarmClock::Id alarm = 0;
  };
  struct Queue {
    bool loaded = false;
    std::map<int64_t, TaskRow> backlog;  // By task id: oldest first.
    std::map<uint64_t, Waiter> waiters;  // By arrival: the oldest gets the next task.
    AlarmClock::Clock::time_point last_poll{};
    std::map<std::string, TimePoint> pollers;  // Identity -> last poll (wall clock).
  };
  struct QueueKey {
    std::string namespace_id;
    std::string name;
    int kind;
    friend bool operator==(const QueueKey&, const QueueKey&) = default;
  };
  struct QueueKeyHash {
    size_t operator()(const QueueKey& k) const {
      return std::hash<std::string>()(k.namespace_id) * 31 + std::hash<std::string>()(k.name) +
             static_cast<size_t>(k.kind);
    }
  };

  // The queue, created and loaded from the store on first use. Requires mu_.
  Queue& QueueLocked(const QueueKey& key);
  void LoadLocked(const QueueKey& key, Queue& queue);
  // Offers a task to the queue's waiters until one takes it; else keeps it in the backlog.
  void Offer(const QueueKey& key, TaskRow row);
  void Expire(const QueueKey& key, uint64_t waiter_id);

  MatchingOptions options_;
  std::mutex mu_;
  bool shut_down_ = false;
  uint64_t next_waiter_id_ = 1;
  std::unordered_map<QueueKey, Queue, QueueKeyHash> queues_;
};

}  // namespace endure::engine::matching
