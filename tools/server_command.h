// `endure server start-dev`: the dev server, a drop-in for `temporal server start-dev`.
#pragma once

#include <CLI/CLI.hpp>

namespace endure::tools {

void AddServerCommands(CLI::App& app, int& exit_code);

}  // namespace endure::tools
