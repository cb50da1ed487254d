// Helpers shared by the storage tests: temporary directories and transitions of a toy run whose
// every state can be checked for consistency (see CheckRunConsistent).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storage/records.h"
#include "storage/sqlite/connection.h"
#include "storage/store.h"

namespace endure::storage::testing {

// A fresh directory under the test temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline const NamespaceId kNamespace("ns-0001");

// A store on `dir`'s endure.db that commits without flushing (Durability::kNormal): the tests
// that use it are about what the engine does with the store, not about crashes.
Result<std::unique_ptr<Store>> OpenTestStore(const TempDir& dir);

temporal::api::history::v1::HistoryEvent MakeEvent(EventId id);

// The toy run: every transition appends `events_per_step` events, moves its single workflow
// task and its single timer to the last event, and refreshes visibility. So in any consistent
// state: db_version == steps, next_event_id == steps * events_per_step + 1, one task and one
// timer with ref == next_event_id - 1.
struct ToyRun {
  WorkflowId workflow_id;
  RunId run_id;
  int events_per_step = 3;
  // Off: visibility is written at the first step and at step kCloseStep only, as the engine
  // writes it when a run starts and closes (the benchmarks' typical transition). On, every step
  // rewrites it, which the consistency checks rely on.
  bool visibility_every_step = true;
  static constexpr int64_t kCloseStep = 20;

  // The id the store gave the task of the last step committed through Commit(); the next step
  // deletes that task, as matching would once it handed the task over.
  int64_t last_task_id = 0;

  Transition Start() const;
  // The transition to step `version` given that `version - 1` is committed.
  Transition StepTo(int64_t version) const;
  // Commits step `version` and remembers its task's id.
  Status Commit(Store& store, int64_t version);
  // Remembers the task id of a step committed by other means (Submit).
  void Committed(const storage::Committed& committed) { last_task_id = committed.task_ids.at(0); }
};

// Checks every invariant of a ToyRun's stored state; returns a description of the first breach.
// `raw` is a private connection to the same file, for the rows the store API does not list.
Status CheckRunConsistent(Store& store, sqlite::Connection& raw, const RunId& run_id,
                          int events_per_step = 3);

// Every run id in the executions table, read with a private connection.
std::vector<RunId> AllRunIds(const std::string& db_path);

// Reopens the store at `path` after a crash or an injected fault and checks what must hold:
// every acknowledged step is there (`acked`: run id -> highest acknowledged db_version; a later,
// unacknowledged one may be too), every toy run whose id starts with `run_prefix` is wholly
// consistent, and the store takes a new write (a run named `probe_id`). Returns the first breach.
Status CheckRecovered(const std::string& path, const std::map<std::string, int64_t>& acked,
                      const std::string& run_prefix, const std::string& probe_id);

}  // namespace endure::storage::testing
