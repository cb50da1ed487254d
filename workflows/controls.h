// Pause, resume and cancel as JARVIS's workflows take them: signals that set flags, and a
// checkpoint the workflow passes between steps, where it waits while paused and learns whether
// it was cancelled. Cancelling by signal lets the workflow stop at a step boundary and report
// what it did, which Temporal's cancellation would cut short.
#pragma once

#include <string>

#include "runtime/workflow/workflow.h"

namespace endure::workflows {

using runtime::Json;
using runtime::Task;
using runtime::WorkflowContext;

struct Controls {
  bool paused = false;
  bool cancelled = false;

  void Register(WorkflowContext& ctx, const std::string& pause, const std::string& resume,
                const std::string& cancel) {
    ctx.on_signal(pause, [this](const Json&) { paused = true; });
    ctx.on_signal(resume, [this](const Json&) { paused = false; });
    if (!cancel.empty()) ctx.on_signal(cancel, [this](const Json&) { cancelled = true; });
  }

  // Waits while paused; false once cancelled (by signal, or by Temporal's cancellation).
  Task<bool> Checkpoint(WorkflowContext& ctx) {
    co_await ctx.wait_condition([this] { return !paused || cancelled; });
    co_return !cancelled;
  }
};

}  // namespace endure::workflows
