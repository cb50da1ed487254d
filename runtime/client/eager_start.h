// Eager workflow start: a client starting a workflow on a task queue that a worker of this
// process serves, over the same Service, may ask the server to start the run's first workflow
// task at once and hand it back with the start, skipping matching and a poll. The worker runs
// it as if it had polled it. This is the registry through which the client finds such a worker.
//
// Thread-safety: every function may be called from any thread.
#pragma once

#include <string>

#include "runtime/client/service.h"

namespace endure::runtime {

// A worker that can take eagerly started workflow tasks.
class EagerWorkflowTarget {
 public:
  virtual ~EagerWorkflowTarget() = default;
  // Holds a slot for one task; false when none is free (the start then goes through matching).
  virtual bool ReserveEagerSlot() = 0;
  // Gives back a slot reserved for a start that came back without a task.
  virtual void ReleaseEagerSlot() = 0;
  // Runs the task in the slot reserved for it, on the worker's threads; returns at once.
  virtual void RunEagerTask(wsv1::PollWorkflowTaskQueueResponse task) = 0;
};

// Makes `target` findable for starts on (`service`, namespace, task queue) until unregistered.
void RegisterEagerTarget(const Service* service, const std::string& namespace_name,
                         const std::string& task_queue, EagerWorkflowTarget* target);
// After this returns no new slot of `target` is reserved (ones reserved before may still be
// used or released).
void UnregisterEagerTarget(EagerWorkflowTarget* target);
// A registered target for the queue with a slot now reserved, or nullptr.
EagerWorkflowTarget* ReserveEagerTarget(const Service* service, const std::string& namespace_name,
                                        const std::string& task_queue);

}  // namespace endure::runtime
