// Activities as the C++ SDK runs them: functions of a context and a JSON input that return a
// JSON result, or throw ApplicationError.
//
// An activity runs on a worker thread, outside the deterministic world of workflows: it may do
// I/O, read the clock, and fail. The worker turns a thrown ApplicationError into Temporal's
// ApplicationFailureInfo (type, non_retryable, details), and any other exception into a
// retryable failure of type "std::exception". Inputs and results travel as `json/plain`
// payloads, so a TypeScript or Python workflow can call a C++ activity and the reverse.
//
// Thread-safety: a context belongs to one attempt on one thread; heartbeat() may be called from
// any thread of that attempt.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace endure::runtime {

using Json = nlohmann::json;

struct ActivityInfo {
  std::string namespace_name;
  std::string workflow_id;
  std::string run_id;
  std::string workflow_type;
  std::string activity_id;
  std::string activity_type;
  std::string task_queue;
  int attempt = 1;  // 1 for the first attempt.
  std::chrono::system_clock::time_point scheduled_time;
  std::chrono::system_clock::time_point started_time;
  std::chrono::milliseconds heartbeat_timeout{0};  // 0: none.
  std::chrono::system_clock::time_point deadline;  // Of this attempt (start-to-close).
};

class ActivityContext {
 public:
  virtual ~ActivityContext() = default;

  virtual const ActivityInfo& info() const = 0;

  // Reports progress. `details` are what a retried attempt sees as last_heartbeat_details(), so
  // long activities checkpoint through them. Heartbeats are throttled before they reach the
  // server; the last one of an attempt is always sent.
  virtual void heartbeat(const Json& details) = 0;

  // The details of the last heartbeat of an earlier attempt (or of this one, once it has
  // heartbeated), if there was one: where a retry resumes.
  virtual std::optional<Json> last_heartbeat_details() const = 0;

  // True once the workflow asked for the activity to be cancelled, or its heartbeat timed out,
  // or the worker is shutting down. Cancellation reaches an activity through its heartbeats: an
  // activity that never heartbeats is never told. An activity that sees it should stop and
  // throw CancelledError.
  virtual bool cancelled() const = 0;
};

// A failure with a type the workflow can tell apart, and whether retrying can help.
class ApplicationError : public std::runtime_error {
 public:
  ApplicationError(std::string message, std::string type, bool non_retryable = false,
                   Json details = nullptr)
      : std::runtime_error(std::move(message)),
        type_(std::move(type)),
        non_retryable_(non_retryable),
        details_(std::move(details)) {}

  const std::string& type() const { return type_; }
  bool non_retryable() const { return non_retryable_; }
  const Json& details() const { return details_; }

 private:
  std::string type_;
  bool non_retryable_;
  Json details_;
};

// Thrown by an activity that stops because it was cancelled.
class CancelledError : public std::runtime_error {
 public:
  explicit CancelledError(std::string message = "activity cancelled")
      : std::runtime_error(std::move(message)) {}
};

// What a worker registers under an activity type name.
using ActivityFunction = std::function<Json(ActivityContext&, const Json& input)>;

}  // namespace endure::runtime
