// QueryRegistry: the queries waiting for an answer, in memory only.
//
// Queries write nothing (Temporal does not persist them either): a query lives here from
// QueryWorkflow until its answer, its caller's deadline, or the process's end. A query goes one
// of the two ways the SDKs answer (reference 3.8):
//   kBuffered --Attach (a workflow task is dispatched)--> kAttached --answered in the completion
//       |                                                    | the task ends without answering
//       |   <-----------------------------------------------'  (kBuffered again, or released)
//       '--Release (no workflow task to carry it)--> kTask --RespondQueryTaskCompleted--> answered
// A legacy query task (kTask) is a task of the workflow's task queue that exists only in
// matching; its row has task_id < 0 and names the query in its payload.
//
// Thread-safety: every method may be called from any thread. Callbacks run outside the lock.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/base/ids.h"
#include "storage/base/status.h"
#include "storage/records.h"
#include "temporal/api/query/v1/message.pb.h"
#include "temporal/api/workflowservice/v1/request_response.pb.h"

namespace endure::engine::history {

class QueryRegistry {
 public:
  using Done = std::function<void(Result<temporal::api::workflowservice::v1::QueryWorkflowResponse>)>;
  enum class State { kBuffered, kAttached, kTask };

  struct Query {
    std::string id;
    RunId run_id;
    temporal::api::query::v1::WorkflowQuery query;
    State state = State::kBuffered;
    std::string task_queue;  // kTask: the queue its task went to.
  };

  // Registers a query of `run_id`, buffered; returns its id.
  std::string Add(const RunId& run_id, temporal::api::query::v1::WorkflowQuery query, Done done);

  // Attaches every query of the run not yet answered to a workflow task being dispatched.
  void Attach(const RunId& run_id,
              google::protobuf::Map<std::string, temporal::api::query::v1::WorkflowQuery>* into);

  // Answers the run's attached queries from a completion's query_results; the attached ones it
  // did not answer become buffered again.
  void AnswerFromCompletion(
      const RunId& run_id,
      const google::protobuf::Map<std::string, temporal::api::query::v1::WorkflowQueryResult>& results);

  // The run's queries that wait for a workflow task (buffered or attached), now to go as query
  // tasks: marked kTask on `task_queue`, and returned for matching.
  std::vector<Query> Release(const RunId& run_id, const std::string& task_queue);

  // Moves a query task still waiting on `from` (a sticky queue whose worker did not take it in
  // time) to `to`; false when it was taken or answered meanwhile.
  bool Reroute(const std::string& query_id, const std::string& from, const std::string& to);

  // The query a legacy task names, if it still waits on that queue.
  std::optional<Query> Find(const std::string& query_id, const std::string& task_queue);

  // Answers one query (ANSWERED: result; FAILED: failure). NOT_FOUND if it is no longer waiting.
  Status Answer(const std::string& query_id,
                const temporal::api::query::v1::WorkflowQueryResult& result);

  // Ends a query unanswered (its caller's deadline).
  void Abandon(const std::string& query_id, const Status& why);

  bool HasQueries(const RunId& run_id);

 private:
  struct Entry {
    Query query;
    Done done;
  };
  void Finish(std::unique_lock<std::mutex>& lock, const std::string& id,
              Result<temporal::api::workflowservice::v1::QueryWorkflowResponse> outcome);

  std::mutex mu_;
  uint64_t next_id_ = 1;
  std::unordered_map<std::string, Entry> queries_;
  std::unordered_multimap<RunId, std::string> by_run_;
};

// The outcome a query result gives its caller: the answer, or INVALID_ARGUMENT with Temporal's
// QueryFailedFailure detail.
Result<temporal::api::workflowservice::v1::QueryWorkflowResponse> QueryOutcome(
    const temporal::api::query::v1::WorkflowQueryResult& result);

}  // namespace endure::engine::history
