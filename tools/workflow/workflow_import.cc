// `endure workflow import FILE.json`: loads a recorded history into a database as a closed run.
//
// Temporal's public API has no call that writes a history, so the import opens the database file
// itself (`--db-filename`, the file a dev server serves). SQLite serialises it with a server
// running on the same file; the run it adds is new, so the server holds nothing of it in memory
// and sees it on first read.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/frontend/await.h"
#include "engine/frontend/frontend.h"
#include "storage/store.h"
#include "tools/workflow/history_json.h"
#include "tools/workflow/workflow_actions.h"

namespace endure::tools {

int RunImport(const WorkflowFlags& f) {
  if (f.file.empty()) return Fail(InvalidArgument("FILE (a JSON history) is required"));
  std::ifstream in(f.file);
  if (!in) return Fail(InvalidArgument(f.file + ": cannot read the file"));
  std::stringstream text;
  text << in.rdbuf();
  auto history = HistoryFromJson(text.str(), f.file);
  if (!history.ok()) return Fail(history.status());
  if (!std::filesystem::exists(f.db_filename)) {
    return Fail(InvalidArgument("--db-filename " + f.db_filename + ": no such database"));
  }

  storage::StoreOptions store_options;
  store_options.path = f.db_filename;
  auto store = storage::Store::Open(store_options);
  if (!store.ok()) return Fail(store.status().WithContext("--db-filename " + f.db_filename));
  engine::FrontendOptions options;
  options.store = store->get();
  // The server serving this file fires its timers; a second timer thread here would too.
  options.timer_thread = false;
  auto frontend = engine::Frontend::Open(options);
  if (!frontend.ok()) return Fail(frontend.status());
  const std::string ns = f.connection.namespace_.empty() ? "default" : f.connection.namespace_;
  auto run_id = engine::Await<std::string>([&](auto done) {
    (*frontend)->ImportWorkflowExecution(ns, f.workflow_id, *history, std::move(done));
  });
  (*frontend)->Shutdown();
  if (!run_id.ok()) return Fail(run_id.status().WithContext(f.file));
  const auto& started = history->events(0).workflow_execution_started_event_attributes();
  const std::string workflow_id = f.workflow_id.empty() ? started.workflow_id() : f.workflow_id;
  if (f.output == "json") {
    std::cout << "{\n  \"workflowId\": \"" << workflow_id << "\",\n  \"runId\": \"" << *run_id
              << "\",\n  \"events\": " << history->events_size() << "\n}\n";
  } else {
    std::cout << "Imported " << history->events_size() << " events as WorkflowId " << workflow_id
              << ", RunId " << *run_id << " (namespace " << ns << ")\n";
  }
  return 0;
}

}  // namespace endure::tools
