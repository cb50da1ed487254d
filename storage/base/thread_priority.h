// Scheduling priority for the threads every operation waits on.
#pragma once

namespace endure {

// Asks the scheduler to favour the calling thread by `levels` nice levels (on Linux, nice is a
// property of each thread). Raising a priority needs CAP_SYS_NICE or an RLIMIT_NICE that allows
// it; without either the thread keeps its priority, and this returns false.
bool RaiseThisThreadPriority(int levels);

}  // namespace endure
