// The kinds of durable timer rows the history service arms. Stored in the timers table: never
// renumber.
#pragma once

namespace endure::engine::history {

enum TimerKind : int {
  kUserTimer = 1,                    // ref: TimerStarted event id
  kWorkflowTaskStartToClose = 2,     // ref: WorkflowTaskScheduled event id
  kWorkflowTaskScheduleToStart = 3,  // ref: WorkflowTaskScheduled event id (sticky queues only)
  kActivityScheduleToStart = 4,      // ref: ActivityTaskScheduled event id
  kActivityScheduleToClose = 5,
  kActivityStartToClose = 6,
  kActivityHeartbeat = 7,
  kActivityRetry = 8,                // the next attempt's dispatch after its backoff
  kWorkflowRunTimeout = 9,           // ref: 1 (WorkflowExecutionStarted)
  kFirstWorkflowTaskBackoff = 10,    // ref: 1; the start delay before the first workflow task
};

}  // namespace endure::engine::history
