// JARVIS's workflows (the integration guide's four and a saga inside self-improvement), written
// against the C++ SDK only. Each takes its input as one JSON object, as the guide gives it,
// and answers the guide's queries and signals under the guide's names.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "runtime/workflow/workflow.h"

namespace endure::workflows {

using runtime::Json;
using runtime::Task;
using runtime::WorkflowContext;

// {repo_path, auto_apply, confidence_threshold, test_command?}; query get_progress; signals
// pause, resume, cancel, approve_changes ([change ids]).
runtime::Task<runtime::Json> SelfImprovementWorkflow(runtime::WorkflowContext& ctx,
                                                     runtime::Json input);
// {repo_path, analysis_types: ["static", "security", "complexity"]}: one result per type.
runtime::Task<runtime::Json> CodeAnalysisWorkflow(runtime::WorkflowContext& ctx,
                                                  runtime::Json input);
// {model_id, training_config: {num_steps, learning_rate, batch_size, target_accuracy,
// chunk_steps?, heartbeat_timeout_seconds?}}; query get_training_progress; signals
// pause_training, resume_training.
runtime::Task<runtime::Json> ModelTrainingWorkflow(runtime::WorkflowContext& ctx,
                                                   runtime::Json input);
// {task_id, task_type: "data_migration", parameters: {source_db, target_db, table,
// batch_size}}; query get_status; signals pause, resume, cancel.
runtime::Task<runtime::Json> LongRunningTaskWorkflow(runtime::WorkflowContext& ctx,
                                                     runtime::Json input);

// The workflows under the type names the guide uses.
std::vector<std::pair<std::string, runtime::WorkflowFunction>> JarvisWorkflows();

// The task queue the guide's workers poll.
inline constexpr char kJarvisTaskQueue[] = "jarvis-task-queue";

}  // namespace endure::workflows
