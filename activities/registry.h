// The JARVIS activities under the type names workflows call them by, for a worker to register:
//
//   for (auto& [name, fn] : activities::JarvisActivities()) worker.RegisterActivity(name, fn);
//
// A function, not a global registry, so that what a worker runs is what its owner passed it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "runtime/activity.h"

namespace endure::activities {

// "analyze_static", "analyze_security", "analyze_complexity", "run_tests", "propose_changes",
// "apply_change", "revert_change", "train_model_chunk", "copy_rows_batch", "count_rows".
std::vector<std::pair<std::string, runtime::ActivityFunction>> JarvisActivities();

}  // namespace endure::activities
