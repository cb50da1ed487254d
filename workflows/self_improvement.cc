// SelfImprovementWorkflow: analyse a repository, propose mechanical changes with confidences,
// apply those that clear the bar (auto_apply) or that a person approves (approve_changes), run
// the repository's tests, and revert everything applied if they fail: a saga whose
// compensations are the reverts.
#include <chrono>
#include <set>

#include "runtime/workflow/saga.h"
#include "workflows/controls.h"
#include "workflows/jarvis_workflows.h"

namespace endure::workflows {

using namespace std::chrono_literals;
using runtime::ActivityOptions;
using runtime::ApplicationError;
using runtime::Saga;

Task<Json> SelfImprovementWorkflow(WorkflowContext& ctx, Json input) {
  if (!input.is_object() || !input.contains("repo_path")) {
    throw ApplicationError("input needs repo_path", "InvalidInput", true);
  }
  const Json repo = input["repo_path"];
  const bool auto_apply = input.value("auto_apply", false);
  const double threshold = input.value("confidence_threshold", 0.9);
  Controls controls;
  controls.Register(ctx, "pause", "resume", "cancel");
  std::optional<std::set<std::string>> approved;
  ctx.on_signal("approve_changes", [&](const Json& ids) {
    if (!approved) approved.emplace();
    if (ids.is_array()) {
      for (const auto& id : ids) {
        if (id.is_string()) approved->insert(id.get<std::string>());
      }
    }
  });
  Json progress = {{"stage", "analyzing"}, {"proposed", Json::array()}, {"applied", Json::array()},
                   {"tests", nullptr},     {"reverted", false},         {"analysis", nullptr}};
  ctx.on_query("get_progress", [&](const Json&) {
    Json p = progress;
    p["paused"] = controls.paused;
    return p;
  });

  ActivityOptions options;
  options.start_to_close_timeout = 10min;
  options.heartbeat_timeout = 1min;
  auto finish = [&](const std::string& stage) {
    progress["stage"] = stage;
    return progress;
  };

  Json request = {{"repo_path", repo}};
  auto statics = ctx.execute_activity("analyze_static", request, options);
  auto complexity = ctx.execute_activity("analyze_complexity", request, options);
  Json static_result = co_await statics;
  Json complexity_result = co_await complexity;
  progress["analysis"] = {{"totals", static_result["totals"]},
                          {"top_functions", complexity_result["top_functions"]}};
  if (!co_await controls.Checkpoint(ctx)) co_return finish("cancelled");

  progress["stage"] = "proposing";
  Json proposals = co_await ctx.execute_activity("propose_changes", request, options);
  const Json changes = proposals["changes"];
  for (const auto& c : changes) {
    progress["proposed"].push_back({{"id", c["id"]},
                                    {"file", c["file"]},
                                    {"kind", c["kind"]},
                                    {"confidence", c["confidence"]}});
  }

  // What clears the bar goes in without asking; the rest needs a person's approval.
  std::vector<Json> selected;
  bool needs_approval = false;
  for (const auto& c : changes) {
    if (auto_apply && c["confidence"].get<double>() >= threshold) {
      selected.push_back(c);
    } else {
      needs_approval = true;
    }
  }
  if (needs_approval) {
    progress["stage"] = "awaiting_approval";
    co_await ctx.wait_condition([&] { return approved.has_value() || controls.cancelled; });
    if (controls.cancelled) co_return finish("cancelled");
    for (const auto& c : changes) {
      const bool chosen = approved->contains(c["id"].get<std::string>());
      const bool already = auto_apply && c["confidence"].get<double>() >= threshold;
      if (chosen && !already) selected.push_back(c);
    }
  }

  Saga saga(ctx);
  progress["stage"] = "applying";
  for (const auto& change : selected) {
    if (!co_await controls.Checkpoint(ctx)) {
      progress["compensation"] = co_await saga.compensate();
      progress["reverted"] = true;
      co_return finish("cancelled");
    }
    Json apply = {{"repo_path", repo}, {"change", change}};
    Json applied = co_await ctx.execute_activity("apply_change", apply, options);
    saga.add_compensation("revert_change", apply, options);
    progress["applied"].push_back({{"id", change["id"]}, {"status", applied["status"]}});
  }

  if (input.contains("test_command") && !selected.empty()) {
    progress["stage"] = "testing";
    Json test = {{"repo_path", repo},
                 {"command", input["test_command"]},
                 {"timeout_seconds", input.value("test_timeout_seconds", 600)}};
    Json tests = co_await ctx.execute_activity("run_tests", test, options);
    progress["tests"] = {{"passed", tests["passed"]},
                         {"exit_code", tests["exit_code"]},
                         {"timed_out", tests["timed_out"]}};
    if (!tests["passed"].get<bool>()) {
      progress["stage"] = "reverting";
      progress["compensation"] = co_await saga.compensate();
      progress["reverted"] = true;
      co_return finish("reverted");
    }
  }
  co_return finish("completed");
}

}  // namespace endure::workflows
