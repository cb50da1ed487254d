// UpdateRegistry: workflow updates in flight, and the callers waiting on them.
//
// An update is admitted in memory (as in Temporal, an admitted update is not durable: its caller
// retries), delivered in the next workflow task as a protocol message, then accepted and
// completed through events the worker's completion writes (those are durable, and the run's
// state remembers them, so a caller finds a completed update after a restart):
//   kAdmitted --dispatched--> kSent --Acceptance--> kAccepted --Response--> kCompleted
//                               '--Rejection (or no answer)--> kCompleted (failure outcome)
// Callers wait for the stage they asked for; a run that closes aborts the updates it has left.
//
// Thread-safety: every method may be called from any thread. Callbacks run outside the lock.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "storage/base/ids.h"
#include "storage/base/status.h"
#include "temporal/api/enums/v1/update.pb.h"
#include "temporal/api/update/v1/message.pb.h"

namespace endure::engine::history {

class UpdateRegistry {
 public:
  using Stage = temporal::api::enums::v1::UpdateWorkflowExecutionLifecycleStage;
  struct Status {
    Stage stage;
    temporal::api::update::v1::Outcome outcome;  // Set when kCompleted.
  };
  using Done = std::function<void(Result<Status>)>;

  // Admits an update unless the run has it already; returns whether it was new.
  bool Admit(const RunId& run, const temporal::api::update::v1::Request& request);
  // Makes an update known at a stage recorded in history (after a restart).
  void Restore(const RunId& run, const std::string& update_id, Stage stage);
  // Waits for the update to reach `until`; false when the registry does not know it.
  bool Wait(const RunId& run, const std::string& update_id, Stage until, Done done);
  // Ends the waits of `update_id` on `run` that are still open, answering the stage reached.
  void Expire(const RunId& run, const std::string& update_id);

  // The admitted updates not yet delivered, now marked sent.
  std::vector<temporal::api::update::v1::Request> TakeUndelivered(const RunId& run);
  bool HasUndelivered(const RunId& run);
  // Updates sent and not answered, for the server to reject.
  std::vector<std::string> Unanswered(const RunId& run);
  // Sent updates go back to admitted (their workflow task failed).
  void Resend(const RunId& run);

  void Accepted(const RunId& run, const std::string& update_id);
  void Completed(const RunId& run, const std::string& update_id,
                 const temporal::api::update::v1::Outcome& outcome);
  // The run closed: every update it has left fails with `why`.
  void Abort(const RunId& run, const endure::Status& why);
  bool Has(const RunId& run);

 private:
  struct Waiter {
    Stage until;
    Done done;
  };
  struct Entry {
    temporal::api::update::v1::Request request;
    Stage stage;
    bool sent = false;
    temporal::api::update::v1::Outcome outcome;
    std::vector<Waiter> waiters;
  };
  using Key = std::pair<std::string, std::string>;  // (run id, update id)
  // Answers the waiters the entry's stage satisfies; returns the calls to make outside the lock.
  static std::vector<std::function<void()>> Ready(Entry& entry, bool all);

  std::mutex mu_;
  std::map<Key, Entry> updates_;
};

}  // namespace endure::engine::history
