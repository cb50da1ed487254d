// Saga: compensations registered as steps succeed, run in reverse order when a later step
// fails, so a workflow undoes what it did (JARVIS's self-improvement reverts applied changes when
// the tests fail).
//
//   Saga saga(ctx);
//   co_await ctx.execute_activity("apply_change", change, options);
//   saga.add_compensation("revert_change", change, options);
//   ...
//   if (!tests_passed) co_await saga.compensate();
//
// Compensations run as activities in a non-cancellable scope: a cancelled workflow still
// undoes its work. A compensation that fails is recorded and the others still run.
#pragma once

#include <string>
#include <vector>

#include "runtime/workflow/workflow.h"

namespace endure::runtime {

class Saga {
 public:
  explicit Saga(WorkflowContext& ctx) : ctx_(ctx) {}

  void add_compensation(std::string activity_type, Json input, ActivityOptions options) {
    steps_.push_back({std::move(activity_type), std::move(input), std::move(options)});
  }

  // Runs the compensations, last added first, and forgets them; returns the results of those
  // that completed and the errors of those that failed, in the order they ran.
  Task<Json> compensate() {
    auto scope = ctx_.non_cancellable();
    Json outcome = Json::array();
    while (!steps_.empty()) {
      Step step = std::move(steps_.back());
      steps_.pop_back();
      std::string error;
      Json result;
      try {
        result = co_await ctx_.execute_activity(step.activity_type, step.input, step.options);
      } catch (const ActivityError& e) {
        error = e.what();
      }
      Json entry = {{"activity", step.activity_type}};
      if (error.empty()) {
        entry["result"] = std::move(result);
      } else {
        entry["error"] = error;
      }
      outcome.push_back(std::move(entry));
    }
    co_return outcome;
  }

  size_t size() const { return steps_.size(); }

 private:
  struct Step {
    std::string activity_type;
    Json input;
    ActivityOptions options;
  };
  WorkflowContext& ctx_;
  std::vector<Step> steps_;
};

}  // namespace endure::runtime
