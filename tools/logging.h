// The `endure` binary's logging: spdlog to stderr, as text for people or as one JSON object per
// line for log collectors (`--log-format json`).
#pragma once

#include <string>

#include "storage/base/status.h"

namespace endure::tools {

// `level`: debug, info, warn or error; `format`: text or json.
Status SetUpLogging(const std::string& level, const std::string& format);

}  // namespace endure::tools
