// CodeAnalysisWorkflow: fans the requested analyses out as parallel activities over the
// repository and gathers one result per analysis type.
#include <chrono>

#include "workflows/jarvis_workflows.h"

namespace endure::workflows {

using namespace std::chrono_literals;
using runtime::ActivityOptions;
using runtime::ApplicationError;
using runtime::Future;

Task<Json> CodeAnalysisWorkflow(WorkflowContext& ctx, Json input) {
  if (!input.is_object() || !input.contains("repo_path")) {
    throw ApplicationError("input needs repo_path", "InvalidInput", true);
  }
  Json types = input.value("analysis_types", Json::array({"static", "security", "complexity"}));
  ActivityOptions options;
  options.start_to_close_timeout = 10min;
  options.heartbeat_timeout = 1min;
  Json request = Json::object();
  request["repo_path"] = input["repo_path"];
  // Scheduled together, so they run at once on as many workers as there are.
  std::vector<std::pair<std::string, Future<Json>>> running;
  for (const auto& type : types) {
    const std::string name = type.is_string() ? type.get<std::string>() : "";
    if (name != "static" && name != "security" && name != "complexity") {
      throw ApplicationError(
          "unknown analysis type '" + type.dump() + "'; known: static, security, complexity",
          "UnknownAnalysisType", true);
    }
    running.emplace_back(name, ctx.execute_activity("analyze_" + name, request, options));
  }
  Json results = Json::object();
  for (auto& [name, future] : running) results[name] = co_await future;
  Json outcome = Json::object();
  outcome["repo_path"] = input["repo_path"];
  outcome["results"] = std::move(results);
  co_return outcome;
}

}  // namespace endure::workflows
