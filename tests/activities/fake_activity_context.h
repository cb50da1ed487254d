// FakeActivityContext: an ActivityContext for tests of activities, with no worker behind it.
//
// It records every heartbeat, serves last_heartbeat_details() as the worker would (the details
// given by the test for an earlier attempt, then this attempt's own last heartbeat), and can be
// cancelled, or made to "crash" (throw from heartbeat()) after a number of heartbeats, which is
// how a test stops a first attempt midway and then feeds its heartbeats to a second one.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

#include "runtime/activity.h"

namespace endure::activities::testing {

// What FakeActivityContext throws from heartbeat() to stand for a worker dying mid-attempt.
class SimulatedCrash : public std::runtime_error {
 public:
  SimulatedCrash() : std::runtime_error("simulated worker crash") {}
};

class FakeActivityContext : public runtime::ActivityContext {
 public:
  FakeActivityContext() {
    info_.activity_type = "test";
    info_.attempt = 1;
  }

  // An attempt after `previous`: the next attempt number, and its last heartbeat, if any.
  static void ContinueFrom(const FakeActivityContext& previous, FakeActivityContext& next) {
    next.set_attempt(previous.info().attempt + 1);
    if (auto details = previous.last_heartbeat_details()) next.set_last_heartbeat_details(*details);
  }

  const runtime::ActivityInfo& info() const override { return info_; }

  void heartbeat(const runtime::Json& details) override {
    size_t count;
    {
      std::lock_guard lock(mu_);
      heartbeats_.push_back(details);
      last_details_ = details;
      count = heartbeats_.size();
    }
    if (cancel_after_ > 0 && count >= cancel_after_) cancelled_ = true;
    if (crash_after_ > 0 && count == crash_after_) throw SimulatedCrash();
  }

  std::optional<runtime::Json> last_heartbeat_details() const override {
    std::lock_guard lock(mu_);
    return last_details_;
  }

  bool cancelled() const override { return cancelled_; }

  void set_attempt(int attempt) { info_.attempt = attempt; }
  void set_last_heartbeat_details(runtime::Json details) {
    std::lock_guard lock(mu_);
    last_details_ = std::move(details);
  }
  void set_cancelled(bool cancelled) { cancelled_ = cancelled; }
  // Cancelled from the n-th heartbeat on (as a heartbeat response would tell the worker).
  void CancelAfterHeartbeats(size_t n) { cancel_after_ = n; }
  // heartbeat() throws SimulatedCrash on the n-th heartbeat, after recording it.
  void CrashAtHeartbeat(size_t n) { crash_after_ = n; }

  std::vector<runtime::Json> heartbeats() const {
    std::lock_guard lock(mu_);
    return heartbeats_;
  }

 private:
  runtime::ActivityInfo info_;
  mutable std::mutex mu_;
  std::vector<runtime::Json> heartbeats_;
  std::optional<runtime::Json> last_details_;
  std::atomic<bool> cancelled_{false};
  std::atomic<size_t> cancel_after_{0};
  std::atomic<size_t> crash_after_{0};
};

}  // namespace endure::activities::testing
