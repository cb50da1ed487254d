// Task<T>: the coroutine type of workflow code (`Task<Json> Run(WorkflowContext&, Json)`).
//
// A Task starts when it is first awaited (or, for the workflow's main task, when the executor
// starts it) and resumes its awaiter when it finishes, by symmetric transfer, so chains of
// awaits use no stack. Everything runs on the thread that drives the workflow's activation:
// workflow code is single-threaded and deterministic, and nothing here locks.
//
// Errors in workflow code are exceptions (ApplicationError, ActivityError, ...), as in every
// Temporal SDK: they end at the executor, which turns them into the workflow's failure or a
// failed workflow task, and never leave the runtime.
#pragma once

#include <coroutine>
#include <exception>
#include <functional>
#include <optional>
#include <utility>

namespace endure::runtime {

template <typename T = void>
class Task;

namespace detail {

struct FinalAwaiter {
  bool await_ready() noexcept { return false; }
  template <typename Promise>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> h) noexcept {
    auto continuation = h.promise().continuation;
    return continuation ? continuation : std::noop_coroutine();
  }
  void await_resume() noexcept {}
};

struct PromiseBase {
  std::coroutine_handle<> continuation;
  std::exception_ptr error;
  std::suspend_always initial_suspend() noexcept { return {}; }
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() { error = std::current_exception(); }
  void RethrowIfFailed() const {
    if (error) std::rethrow_exception(error);
  }
};

template <typename T>
struct Promise : PromiseBase {
  std::optional<T> value;
  // Runs at co_return, while the coroutine's locals still exist (by final_suspend they are
  // gone): the executor's last look at the state query handlers read.
  std::function<void()> before_return;
  Task<T> get_return_object();
  template <typename U>
  void return_value(U&& v) {
    if (before_return) before_return();
    value.emplace(std::forward<U>(v));
  }
  T Take() {
    RethrowIfFailed();
    return std::move(*value);
  }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object();
  void return_void() {}
  void Take() { RethrowIfFailed(); }
};

}  // namespace detail

template <typename T>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::Promise<T>;

  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  ~Task() {
    if (handle_) handle_.destroy();
  }

  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept {
    handle_.promise().continuation = awaiter;
    return handle_;
  }
  T await_resume() { return handle_.promise().Take(); }

  // For the executor, which starts the main task itself and reads its outcome.
  std::coroutine_handle<promise_type> handle() const { return handle_; }

 private:
  friend promise_type;
  explicit Task(std::coroutine_handle<promise_type> h) : handle_(h) {}
  std::coroutine_handle<promise_type> handle_;
};

namespace detail {

template <typename T>
Task<T> Promise<T>::get_return_object() {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}

inline Task<void> Promise<void>::get_return_object() {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}

}  // namespace detail

}  // namespace endure::runtime
