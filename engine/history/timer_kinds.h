// The kinds of timers the history service arms. Stored in the timers table and in runs' pending
// state: never renumber.
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
  // Transfers: work on other runs that a transition commits to doing, armed for "now" and
  // deleted by the transition that records its outcome, so a crash in between redoes it.
  kStartChild = 11,                  // ref: StartChildWorkflowExecutionInitiated event id
  kSignalExternal = 12,              // ref: SignalExternalWorkflowExecutionInitiated event id
  kCancelExternal = 13,              // ref: RequestCancelExternalWorkflowExecutionInitiated id
  kReportToParent = 14,              // ref: the closing event id; the child's result to its parent
  kParentClosePolicy = 15,           // ref: the closing event id; applied to open children
};

// The timeouts of a workflow task or an activity in flight. Nearly every one is disarmed within
// milliseconds of being armed, when its task completes, so they are kept in memory rather than
// written to the timers table and deleted again: a run's pending state lists them like every
// armed timer, and the engine arms them again from there when it starts (TimerQueue).
constexpr bool KeptInMemory(int kind) {
  return kind >= kWorkflowTaskStartToClose && kind <= kActivityHeartbeat;
}

}  // namespace endure::engine::history
