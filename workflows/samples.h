// Small workflows of one shape each, for trying Endure out and for measuring it against other
// engines with the same logic on each side (bench/compare): `steps` runs N activities one after
// another, `sleep_until` sleeps until an instant and reports how late it woke.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "runtime/activity.h"
#include "runtime/workflow/workflow.h"

namespace endure::workflows {

// Input: N, or {"steps": N}. Runs the activity `step` N times in sequence (start-to-close 10 s),
// each given its index; returns N.
runtime::Task<runtime::Json> StepsWorkflow(runtime::WorkflowContext& ctx, runtime::Json input);

// Input: {"deadline_ms": unix milliseconds}. Sleeps until then; returns how late the workflow
// resumed, in milliseconds of workflow time (the start of the task that woke it).
runtime::Task<runtime::Json> SleepUntilWorkflow(runtime::WorkflowContext& ctx, runtime::Json input);

std::vector<std::pair<std::string, runtime::WorkflowFunction>> SampleWorkflows();
// `step`: returns its input.
std::vector<std::pair<std::string, runtime::ActivityFunction>> SampleActivities();

}  // namespace endure::workflows
