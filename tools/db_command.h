// `endure db ...`: inspect an embedded Endure database file.
#pragma once

#include <CLI/CLI.hpp>

namespace endure::tools {

// Adds the `db` command group to `app`; the chosen command runs from the callbacks it installs.
void AddDbCommands(CLI::App& app, int& exit_code);

}  // namespace endure::tools
