// `endure workflow start|execute|signal|query|update|describe|list|count|show|result|cancel|
// terminate|import`: Temporal's CLI commands against a server's gRPC API.
#pragma once

#include <CLI/CLI.hpp>

namespace endure::tools {

void AddWorkflowCommands(CLI::App& app, int& exit_code);

}  // namespace endure::tools
