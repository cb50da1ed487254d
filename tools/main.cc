// The `endure` command: one binary for the embedded database, the dev server and the CLI.
#include <CLI/CLI.hpp>

#include "tools/db_command.h"
#include "tools/server_command.h"
#include "tools/worker_command.h"
#include "tools/workflow/workflow_commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Endure: Temporal's workflow engine in one process, on SQLite", "endure"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "endure 0.1.0");
  int exit_code = 0;
  endure::tools::AddDbCommands(app, exit_code);
  endure::tools::AddServerCommands(app, exit_code);
  endure::tools::AddWorkerCommands(app, exit_code);
  endure::tools::AddWorkflowCommands(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
