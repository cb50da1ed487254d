// A worker running JARVIS's workflows and activities (workflows/, activities/) on a task queue,
// for `endure worker` (against any server) and `endure server start-dev` (in process).
#pragma once

#include <memory>
#include <string>

#include "runtime/client/service.h"
#include "runtime/worker/worker.h"

namespace endure::tools {

std::unique_ptr<runtime::Worker> StartJarvisWorker(runtime::Service* service,
                                                   runtime::WorkerOptions options);

}  // namespace endure::tools
