#include "engine/history/query_registry.h"

#include "temporal/api/errordetails/v1/message.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;
using temporal::api::workflowservice::v1::QueryWorkflowResponse;

}  // namespace

Result<QueryWorkflowResponse> QueryOutcome(const temporal::api::query::v1::WorkflowQueryResult& r) {
  if (r.result_type() == enums::QUERY_RESULT_TYPE_ANSWERED) {
    QueryWorkflowResponse response;
    *response.mutable_query_result() = r.answer();
    return response;
  }
  temporal::api::errordetails::v1::QueryFailedFailure detail;
  *detail.mutable_failure() = r.failure();
  std::string message = r.error_message();
  if (message.empty()) message = r.failure().message();
  if (message.empty()) message = "query failed";
  return InvalidArgument(message).WithDetail(detail);
}

std::string QueryRegistry::Add(const RunId& run_id, temporal::api::query::v1::WorkflowQuery query,
                               Done done) {
  std::lock_guard lock(mu_);
  std::string id = "query-" + std::to_string(next_id_++);
  Entry entry;
  entry.query.id = id;
  entry.query.run_id = run_id;
  entry.query.query = std::move(query);
  entry.done = std::move(done);
  queries_.emplace(id, std::move(entry));
  by_run_.emplace(run_id, id);
  return id;
}

void QueryRegistry::Attach(
    const RunId& run_id,
    google::protobuf::Map<std::string, temporal::api::query::v1::WorkflowQuery>* into) {
  std::lock_guard lock(mu_);
  auto [begin, end] = by_run_.equal_range(run_id);
  for (auto it = begin; it != end; ++it) {
    Query& q = queries_.at(it->second).query;
    if (q.state == State::kTask) continue;
    q.state = State::kAttached;
    (*into)[q.id] = q.query;
  }
}

void QueryRegistry::AnswerFromCompletion(
    const RunId& run_id,
    const google::protobuf::Map<std::string, temporal::api::query::v1::WorkflowQueryResult>& results) {
  std::unique_lock lock(mu_);
  std::vector<std::string> answered;
  auto [begin, end] = by_run_.equal_range(run_id);
  for (auto it = begin; it != end; ++it) {
    Query& q = queries_.at(it->second).query;
    if (q.state != State::kAttached) continue;
    if (results.contains(q.id)) {
      answered.push_back(q.id);
    } else {
      q.state = State::kBuffered;
    }
  }
  for (const auto& id : answered) Finish(lock, id, QueryOutcome(results.at(id)));
}

std::vector<QueryRegistry::Query> QueryRegistry::Release(const RunId& run_id,
                                                         const std::string& task_queue) {
  std::lock_guard lock(mu_);
  std::vector<Query> released;
  auto [begin, end] = by_run_.equal_range(run_id);
  for (auto it = begin; it != end; ++it) {
    Query& q = queries_.at(it->second).query;
    if (q.state == State::kTask) continue;
    q.state = State::kTask;
    q.task_queue = task_queue;
    released.push_back(q);
  }
  return released;
}

bool QueryRegistry::Reroute(const std::string& query_id, const std::string& from,
                            const std::string& to) {
  std::lock_guard lock(mu_);
  auto it = queries_.find(query_id);
  if (it == queries_.end() || it->second.query.state != State::kTask ||
      it->second.query.task_queue != from) {
    return false;
  }
  it->second.query.task_queue = to;
  return true;
}

std::optional<QueryRegistry::Query> QueryRegistry::Find(const std::string& query_id,
                                                        const std::string& task_queue) {
  std::lock_guard lock(mu_);
  auto it = queries_.find(query_id);
  if (it == queries_.end() || it->second.query.state != State::kTask ||
      it->second.query.task_queue != task_queue) {
    return std::nullopt;
  }
  return it->second.query;
}

Status QueryRegistry::Answer(const std::string& query_id,
                             const temporal::api::query::v1::WorkflowQueryResult& result) {
  std::unique_lock lock(mu_);
  if (!queries_.contains(query_id)) return NotFound("query " + query_id + " is not waiting");
  Finish(lock, query_id, QueryOutcome(result));
  return Status::Ok();
}

void QueryRegistry::Abandon(const std::string& query_id, const Status& why) {
  std::unique_lock lock(mu_);
  if (queries_.contains(query_id)) Finish(lock, query_id, why);
}

bool QueryRegistry::HasQueries(const RunId& run_id) {
  std::lock_guard lock(mu_);
  return by_run_.contains(run_id);
}

void QueryRegistry::Finish(std::unique_lock<std::mutex>& lock, const std::string& id,
                           Result<QueryWorkflowResponse> outcome) {
  auto it = queries_.find(id);
  Done done = std::move(it->second.done);
  const RunId run_id = it->second.query.run_id;
  queries_.erase(it);
  auto [begin, end] = by_run_.equal_range(run_id);
  for (auto r = begin; r != end; ++r) {
    if (r->second == id) {
      by_run_.erase(r);
      break;
    }
  }
  lock.unlock();
  done(std::move(outcome));
  lock.lock();
}

}  // namespace endure::engine::history
