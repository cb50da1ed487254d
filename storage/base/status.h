// Status and Result<T>: how Endure reports errors that callers must handle.
//
// Codes follow gRPC's, so the server maps them to the wire without loss and a client sees the
// real reason. A Status is cheap to copy when OK (no allocation). Both types are [[nodiscard]]:
// dropping an error on the floor does not compile cleanly.
//
// Thread-safety: values; distinct objects may be used from distinct threads freely.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <google/protobuf/any.pb.h>

#include "storage/base/check.h"

namespace endure {

enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  const std::string& message() const;

  // "NOT_FOUND: workflow 'x' not found", or "OK".
  std::string ToString() const;

  // Returns a status with the same code and `context: message`.
  Status WithContext(std::string_view context) const;

  // Structured details a client decodes (Temporal's error details, e.g.
  // NamespaceNotFoundFailure), carried as gRPC carries them: a packed Any.
  Status WithDetail(const google::protobuf::Message& detail) const;
  const google::protobuf::Any* detail() const { return state_ ? state_->detail.get() : nullptr; }

  friend bool operator==(const Status& a, const Status& b) {
    return a.code() == b.code() && a.message() == b.message();
  }

 private:
  struct State {
    StatusCode code;
    std::string message;
    std::shared_ptr<const google::protobuf::Any> detail;
  };
  std::shared_ptr<const State> state_;
};

// Shorthands that read like the condition they report.
inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status ResourceExhausted(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }

// Result<T> holds a T or a non-OK Status, shaped like std::expected.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    ENDURE_CHECK(!std::get<Status>(v_).ok()) << "Result built from an OK status";
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }

  T& value() & { return (CheckOk(), std::get<T>(v_)); }
  const T& value() const& { return (CheckOk(), std::get<T>(v_)); }
  T&& value() && { return (CheckOk(), std::get<T>(std::move(v_))); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void CheckOk() const {
    ENDURE_CHECK(ok()) << "value() of a failed Result: " << std::get<Status>(v_).ToString();
  }
  std::variant<T, Status> v_;
};

}  // namespace endure

// Returns early from the enclosing function when `expr` (a Status) is not OK.
#define ENDURE_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::endure::Status endure_status_ = (expr);        \
    if (!endure_status_.ok()) return endure_status_; \
  } while (false)

#define ENDURE_CONCAT_INNER(a, b) a##b
#define ENDURE_CONCAT(a, b) ENDURE_CONCAT_INNER(a, b)

// `ENDURE_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result or returns its status.
#define ENDURE_ASSIGN_OR_RETURN(lhs, expr) \
  ENDURE_ASSIGN_OR_RETURN_IMPL(ENDURE_CONCAT(endure_result_, __LINE__), lhs, expr)
#define ENDURE_ASSIGN_OR_RETURN_IMPL(result, lhs, expr) \
  auto result = (expr);                                 \
  if (!result.ok()) return result.status();             \
  lhs = std::move(result).value()
