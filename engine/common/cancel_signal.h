// CancelSignal: how a transport tells a waiting call that its caller has gone (a gRPC
// cancellation, a client disconnect), so that the wait ends at once instead of at its deadline.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <functional>
#include <mutex>

namespace endure::engine {

class CancelSignal {
 public:
  bool cancelled() const {
    std::lock_guard lock(mu_);
    return cancelled_;
  }

  // Marks the call cancelled and runs what was registered, once.
  void Cancel() {
    std::function<void()> fn;
    {
      std::lock_guard lock(mu_);
      if (cancelled_) return;
      cancelled_ = true;
      fn = std::move(on_cancel_);
    }
    if (fn) fn();
  }

  // Runs `fn` when the call is cancelled (at once if it already is). A new registration
  // replaces the previous one: a call waits on one thing at a time.
  void OnCancel(std::function<void()> fn) {
    {
      std::lock_guard lock(mu_);
      if (!cancelled_) {
        on_cancel_ = std::move(fn);
        return;
      }
    }
    fn();
  }

 private:
  mutable std::mutex mu_;
  bool cancelled_ = false;
  std::function<void()> on_cancel_;
};

}  // namespace endure::engine
