// ModelTrainingWorkflow: trains in chunks of steps, one activity each, carrying the checkpoint
// from chunk to chunk in history; a retried chunk resumes from its last heartbeat (the
// activity's business), so completed work is never redone. Stops early at the target accuracy.
#include <chrono>

#include "runtime/workflow/workflow.h"
#include "workflows/controls.h"
#include "workflows/jarvis_workflows.h"

namespace endure::workflows {

using namespace std::chrono_literals;
using runtime::ActivityOptions;
using runtime::ApplicationError;
using runtime::RetryPolicy;

Task<Json> ModelTrainingWorkflow(WorkflowContext& ctx, Json input) {
  if (!input.is_object() || !input.contains("model_id") || !input.contains("training_config")) {
    throw ApplicationError("input needs model_id and training_config", "InvalidInput", true);
  }
  const Json config = input["training_config"];
  const int num_steps = config.value("num_steps", 1000);
  const int chunk = config.value("chunk_steps", 200);
  const double target = config.value("target_accuracy", 1.0);
  Controls controls;
  controls.Register(ctx, "pause_training", "resume_training", "");
  Json progress = {{"model_id", input["model_id"]},
                   {"step", 0},
                   {"num_steps", num_steps},
                   {"accuracy", nullptr},
                   {"loss", nullptr},
                   {"status", "training"},
                   {"chunks", 0}};
  ctx.on_query("get_training_progress", [&](const Json&) {
    Json p = progress;
    if (controls.paused && p["status"] == "training") p["status"] = "paused";
    return p;
  });

  ActivityOptions options;
  options.start_to_close_timeout = 30min;
  // A chunk whose worker died is retried once its heartbeats stop for this long.
  options.heartbeat_timeout = std::chrono::seconds(config.value("heartbeat_timeout_seconds", 120));
  options.retry_policy =
      RetryPolicy{.initial_interval = 1s,
                  .maximum_attempts = 10,
                  .non_retryable_error_types = {"InvalidTrainingConfig", "TrainingDiverged"}};
  Json checkpoint = nullptr;
  int step = 0;
  while (step < num_steps) {
    co_await controls.Checkpoint(ctx);
    Json request = {{"model_id", input["model_id"]},
                    {"start_step", step},
                    {"steps", std::min(chunk, num_steps - step)},
                    {"learning_rate", config.value("learning_rate", 0.1)},
                    {"batch_size", config.value("batch_size", 32)},
                    {"checkpoint", checkpoint}};
    Json result = co_await ctx.execute_activity("train_model_chunk", request, options);
    step = result["step"].get<int>();
    checkpoint = {{"weights", result["weights"]}, {"bias", result["bias"]}, {"step", step}};
    progress["step"] = step;
    progress["accuracy"] = result["accuracy"];
    progress["loss"] = result["loss"];
    progress["chunks"] = progress["chunks"].get<int>() + 1;
    if (result["accuracy"].get<double>() >= target) {
      progress["status"] = "target_reached";
      break;
    }
  }
  if (progress["status"] == "training") progress["status"] = "completed";
  Json outcome = progress;
  outcome["weights"] = checkpoint.is_null() ? Json(nullptr) : checkpoint["weights"];
  outcome["bias"] = checkpoint.is_null() ? Json(nullptr) : checkpoint["bias"];
  co_return outcome;
}

}  // namespace endure::workflows
