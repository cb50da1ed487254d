// Whether a task row still names work its run has yet to start: checked when matching hands the
// row to a poller, and when the transition that scheduled it starts it for a waiting poll.
#pragma once

#include "engine/history/state_builder.h"
#include "storage/records.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {

// The run's current workflow task, scheduled on the row's queue and not started. A row failing
// this is obsolete: the run completed, timed out the task, or rescheduled it elsewhere.
inline bool WorkflowTaskAwaitsStart(const MutableState& s, const storage::TaskRow& row) {
  const auto& wt = s.workflow_task();
  return s.status() == temporal::api::enums::v1::WORKFLOW_EXECUTION_STATUS_RUNNING &&
         wt.scheduled_event_id() == row.ref && wt.started_event_id() == 0 &&
         wt.task_queue() == row.task_queue;
}

// The current attempt of the activity scheduled as `scheduled_event_id`, not started. Failing
// this, the run or the activity closed, or the attempt started already.
inline bool ActivityAttemptAwaitsStart(const MutableState& s, int64_t scheduled_event_id) {
  const auto& attempts = s.pending().activity_attempts();
  auto attempt = attempts.find(scheduled_event_id);
  return s.status() == temporal::api::enums::v1::WORKFLOW_EXECUTION_STATUS_RUNNING &&
         s.activities().contains(scheduled_event_id) && attempt != attempts.end() &&
         !attempt->second.started();
}

}  // namespace endure::engine::history
