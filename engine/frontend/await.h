// Await: waits for one asynchronous frontend operation, for callers on threads of their own
// (tests, command-line tools). Never call it from a frontend callback: those run on the store's
// threads, which the awaited operation needs.
#pragma once

#include <functional>
#include <future>

#include "storage/base/status.h"

namespace endure::engine {

template <typename Response>
Result<Response> Await(const std::function<void(std::function<void(Result<Response>)>)>& start) {
  std::promise<Result<Response>> promise;
  auto future = promise.get_future();
  start([&promise](Result<Response> r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace endure::engine
