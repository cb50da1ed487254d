// ENDURE_CHECK(cond) << "why": aborts the process when an invariant is broken.
//
// For bugs, never for expected outcomes (those are Status values). Stays on in release builds:
// a broken invariant in the engine or the store could otherwise write corrupt history.
#pragma once

#include <sstream>

namespace endure::internal {

class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition);
  [[noreturn]] ~CheckFailure();
  std::ostream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

// Lets `ENDURE_CHECK(x) << ...` be an expression of type void in both branches.
struct Voidify {
  void operator&(std::ostream&) {}
};

}  // namespace endure::internal

#define ENDURE_CHECK(condition)                 \
  (condition) ? static_cast<void>(0)            \
              : ::endure::internal::Voidify() & \
                    ::endure::internal::CheckFailure(__FILE__, __LINE__, #condition).stream()
