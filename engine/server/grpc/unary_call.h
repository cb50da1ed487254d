// UnaryCall: one gRPC call in flight, answered from a frontend operation.
//
// The frontend answers asynchronously (once the outcome is durable, on a store thread), so each
// call is a reactor that finishes from that callback. The reactor also turns the client going
// away (a cancelled poll, a closed connection) into the CancelSignal the frontend waits on, and
// reports every call to the server's metrics.
#pragma once

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <string_view>

#include "engine/common/alarm_clock.h"
#include "engine/common/cancel_signal.h"
#include "engine/frontend/frontend.h"
#include "engine/server/grpc/grpc_status.h"
#include "engine/server/metrics/server_metrics.h"

namespace endure::engine::server {

class UnaryCall final : public grpc::ServerUnaryReactor {
 public:
  UnaryCall(grpc::CallbackServerContext* context, std::string_view method, ServerMetrics* metrics)
      : context_(context),
        method_(method),
        metrics_(metrics),
        started_(std::chrono::steady_clock::now()),
        cancelled_(std::make_shared<CancelSignal>()) {}

  // The frontend's callback for this call: copies the response into gRPC's and finishes.
  template <typename Response>
  Callback<Response> Done(Response* out) {
    return [this, out](Result<Response> result) {
      if (result.ok()) *out = std::move(*result);
      Answer(result.status());
    };
  }

  void Answer(const Status& status) {
    if (!status.ok()) {
      // The server's own faults are worth a warning; a caller's mistakes only at debug level.
      const StatusCode code = status.code();
      const bool fault = code == StatusCode::kInternal || code == StatusCode::kDataLoss ||
                         code == StatusCode::kUnknown;
      spdlog::log(fault ? spdlog::level::warn : spdlog::level::debug, "{} answered {}: {}",
                  method_, StatusCodeName(code), status.message());
    }
    if (metrics_ != nullptr) {
      metrics_->RecordRequest(method_, status.code(), std::chrono::steady_clock::now() - started_);
    }
    Finish(ToGrpcStatus(status));
  }

  // The client's deadline on the frontend's clock, less `margin` so that the answer (an empty
  // poll, a long poll's empty page) reaches the client before its deadline passes.
  AlarmClock::Clock::time_point Deadline(std::chrono::milliseconds margin) const {
    const auto deadline = context_->deadline();
    if (deadline == std::chrono::system_clock::time_point::max()) {
      return AlarmClock::Clock::time_point::max();
    }
    return AlarmClock::Clock::now() + (deadline - std::chrono::system_clock::now()) - margin;
  }

  PollOptions Poll(std::chrono::milliseconds margin) const {
    return PollOptions{.deadline = Deadline(margin), .cancelled = cancelled_};
  }

  void OnCancel() override { cancelled_->Cancel(); }
  void OnDone() override { delete this; }

 private:
  grpc::CallbackServerContext* const context_;
  const std::string_view method_;  // A literal.
  ServerMetrics* const metrics_;
  const std::chrono::steady_clock::time_point started_;
  const std::shared_ptr<CancelSignal> cancelled_;
};

}  // namespace endure::engine::server
