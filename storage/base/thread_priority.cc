#include "storage/base/thread_priority.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace endure {

bool RaiseThisThreadPriority(int levels) {
  if (levels <= 0) return true;
  const auto tid = static_cast<id_t>(gettid());
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, tid);
  if (current == -1 && errno != 0) return false;
  return setpriority(PRIO_PROCESS, tid, std::max(current - levels, -20)) == 0;
}

}  // namespace endure
