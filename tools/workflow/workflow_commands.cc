#include "tools/workflow/workflow_commands.h"

#include <memory>

#include "tools/workflow/workflow_actions.h"

namespace endure::tools {
namespace {

void ConnectionOptions(CLI::App* c, WorkflowFlags& f) {
  c->add_option("--address", f.connection.address,
                "Server host:port (default: TEMPORAL_ADDRESS, TEMPORAL_HOST and TEMPORAL_PORT, "
                "else 127.0.0.1:7233)");
  c->add_option("--namespace,-n", f.connection.namespace_,
                "Namespace (default: TEMPORAL_NAMESPACE, else default)");
  c->add_option("--output,-o", f.output, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

void ExecutionOptions(CLI::App* c, WorkflowFlags& f, bool id_required) {
  auto* id = c->add_option("--workflow-id,-w", f.workflow_id, "Workflow id");
  if (id_required) id->required();
  c->add_option("--run-id,-r", f.run_id, "Run id (default: the workflow id's current run)");
}

void InputOption(CLI::App* c, WorkflowFlags& f) {
  c->add_option("--input,-i", f.input, "Input as JSON; repeat for several arguments");
}

void StartOptions(CLI::App* c, WorkflowFlags& f) {
  c->add_option("--workflow-id,-w", f.workflow_id, "Workflow id")->required();
  c->add_option("--type", f.type, "Workflow type")->required();
  c->add_option("--task-queue,-t", f.task_queue, "Task queue")->required();
  InputOption(c, f);
  c->add_option("--execution-timeout", f.execution_timeout, "Workflow execution timeout (e.g. 1h)");
  c->add_option("--run-timeout", f.run_timeout, "Workflow run timeout");
  c->add_option("--task-timeout", f.task_timeout, "Workflow task timeout");
  c->add_option("--id-reuse-policy", f.id_reuse_policy,
                "AllowDuplicate, AllowDuplicateFailedOnly, RejectDuplicate or TerminateIfRunning");
  c->add_option("--id-conflict-policy", f.id_conflict_policy,
                "Fail, UseExisting or TerminateExisting");
  c->add_option("--memo", f.memo, "Memo entry KEY=JSON; repeatable");
  c->add_option("--search-attribute", f.search_attributes, "Search attribute KEY=JSON; repeatable");
}

}  // namespace

void AddWorkflowCommands(CLI::App& app, int& exit_code) {
  auto* workflow = app.add_subcommand("workflow", "Start, signal, query and inspect workflows");
  workflow->require_subcommand(1);
  auto f = std::make_shared<WorkflowFlags>();
  auto add = [&](const char* name, const char* help, int (*run)(const WorkflowFlags&)) {
    auto* c = workflow->add_subcommand(name, help);
    c->callback([f, run, &exit_code] { exit_code = run(*f); });
    return c;
  };

  auto* start = add("start", "Start a workflow and print its run id", RunStart);
  ConnectionOptions(start, *f);
  StartOptions(start, *f);

  auto* execute = add("execute", "Start a workflow and wait for its result", RunExecute);
  ConnectionOptions(execute, *f);
  StartOptions(execute, *f);

  auto* signal = add("signal", "Send a signal to a workflow", RunSignal);
  ConnectionOptions(signal, *f);
  ExecutionOptions(signal, *f, true);
  signal->add_option("--name", f->name, "Signal name")->required();
  InputOption(signal, *f);

  auto* query = add("query", "Query a workflow", RunQuery);
  ConnectionOptions(query, *f);
  ExecutionOptions(query, *f, true);
  query->add_option("--name,--type", f->name, "Query type")->required();
  InputOption(query, *f);

  auto* update = add("update", "Send an update to a workflow and wait for its outcome", RunUpdate);
  ConnectionOptions(update, *f);
  ExecutionOptions(update, *f, true);
  update->add_option("--name", f->name, "Update name")->required();
  update->add_option("--update-id", f->update_id, "Update id (default: a new one)");
  InputOption(update, *f);

  auto* describe = add("describe", "Show a workflow run's state", RunDescribe);
  ConnectionOptions(describe, *f);
  ExecutionOptions(describe, *f, true);

  auto* list = add("list", "List workflow runs", RunList);
  ConnectionOptions(list, *f);
  list->add_option("--query,-q", f->query, "Visibility query, e.g. \"WorkflowType = 'x'\"");
  list->add_option("--limit", f->limit, "At most this many runs")->check(CLI::NonNegativeNumber);

  auto* count = add("count", "Count workflow runs", RunCount);
  ConnectionOptions(count, *f);
  count->add_option("--query,-q", f->query, "Visibility query (GROUP BY ExecutionStatus too)");

  auto* show = add("show", "Print a run's history (--output json: the replayers' format)", RunShow);
  ConnectionOptions(show, *f);
  ExecutionOptions(show, *f, true);

  auto* result = add("result", "Wait for a workflow's result", RunResult);
  ConnectionOptions(result, *f);
  ExecutionOptions(result, *f, true);

  auto* cancel = add("cancel", "Request cancellation of a workflow", RunCancel);
  ConnectionOptions(cancel, *f);
  ExecutionOptions(cancel, *f, true);
  cancel->add_option("--reason", f->reason, "Why");

  auto* terminate = add("terminate", "Terminate a workflow", RunTerminate);
  ConnectionOptions(terminate, *f);
  ExecutionOptions(terminate, *f, true);
  terminate->add_option("--reason", f->reason, "Why");

  auto* import = add("import",
                     "Load a JSON history (as `show --output json` prints it) into a "
                     "database as a closed run",
                     RunImport);
  import->add_option("FILE", f->file, "The history file")->required();
  import->add_option("--db-filename,-f", f->db_filename, "The database (a dev server's file)")
      ->required();
  import->add_option("--namespace,-n", f->connection.namespace_, "Namespace (default: default)");
  import->add_option("--workflow-id,-w", f->workflow_id,
                     "Workflow id (default: the one the history names)");
  import->add_option("--output,-o", f->output, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

}  // namespace endure::tools
