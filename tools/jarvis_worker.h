// A worker running JARVIS's workflows and activities (workflows/, activities/) and the sample
// workflows on a task queue, for `endure worker` (against any server) and `endure server
// start-dev` (in process).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/client/service.h"
#include "runtime/worker/worker.h"

namespace endure::tools {

// The workflows the command line knows by type name: JARVIS's and the samples.
std::vector<std::pair<std::string, runtime::WorkflowFunction>> KnownWorkflows();

std::unique_ptr<runtime::Worker> StartJarvisWorker(runtime::Service* service,
                                                   runtime::WorkerOptions options);

}  // namespace endure::tools
