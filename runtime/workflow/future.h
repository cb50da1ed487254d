// Future<T>: what workflow code awaits for something the server resolves (a timer, an
// activity, a child): a shared state the executor resolves while it applies history events.
//
// Resolving does not resume the awaiting coroutine there and then: it queues it on the run's
// scheduler, which resumes queued coroutines only during an activation, in the order they were
// resolved. That order is the order of the events, so replaying a history resumes the code in
// the same order as when it first ran.
#pragma once

#include <coroutine>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

namespace endure::runtime {

// The coroutines ready to resume in a run, in the order they became ready.
class Scheduler {
 public:
  void Ready(std::coroutine_handle<> h) { ready_.push_back(h); }
  // Resumes ready coroutines until none is left; returns whether any ran.
  bool RunReady() {
    bool ran = false;
    while (!ready_.empty()) {
      auto h = ready_.front();
      ready_.pop_front();
      ran = true;
      h.resume();
    }
    return ran;
  }

 private:
  std::deque<std::coroutine_handle<>> ready_;
};

template <typename T>
struct FutureState {
  explicit FutureState(Scheduler* s) : scheduler(s) {}
  Scheduler* scheduler;
  std::optional<T> value;
  std::exception_ptr error;
  std::coroutine_handle<> waiter;

  bool resolved() const { return value.has_value() || error != nullptr; }
  void Resolve(T v) {
    if (resolved()) return;
    value.emplace(std::move(v));
    Wake();
  }
  void Fail(std::exception_ptr e) {
    if (resolved()) return;
    error = std::move(e);
    Wake();
  }

 private:
  void Wake() {
    if (waiter) scheduler->Ready(std::exchange(waiter, {}));
  }
};

struct Unit {};

template <typename T>
class [[nodiscard]] Future {
 public:
  explicit Future(std::shared_ptr<FutureState<T>> state) : state_(std::move(state)) {}

  bool await_ready() const noexcept { return state_->resolved(); }
  void await_suspend(std::coroutine_handle<> h) noexcept { state_->waiter = h; }
  T await_resume() {
    if (state_->error) std::rethrow_exception(state_->error);
    return *state_->value;
  }
  bool done() const { return state_->resolved(); }

 private:
  std::shared_ptr<FutureState<T>> state_;
};

template <>
class [[nodiscard]] Future<void> {
 public:
  explicit Future(std::shared_ptr<FutureState<Unit>> state) : state_(std::move(state)) {}

  bool await_ready() const noexcept { return state_->resolved(); }
  void await_suspend(std::coroutine_handle<> h) noexcept { state_->waiter = h; }
  void await_resume() {
    if (state_->error) std::rethrow_exception(state_->error);
  }
  bool done() const { return state_->resolved(); }

 private:
  std::shared_ptr<FutureState<Unit>> state_;
};

}  // namespace endure::runtime
