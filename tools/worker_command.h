// `endure worker`: runs JARVIS's workflows and activities against a server, and `endure replay`:
// replays a recorded history through them.
#pragma once

#include <CLI/CLI.hpp>

namespace endure::tools {

void AddWorkerCommands(CLI::App& app, int& exit_code);

}  // namespace endure::tools
