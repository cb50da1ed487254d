#include "tools/jarvis_worker.h"

#include "activities/registry.h"
#include "workflows/jarvis_workflows.h"

namespace endure::tools {

std::unique_ptr<runtime::Worker> StartJarvisWorker(runtime::Service* service,
                                                   runtime::WorkerOptions options) {
  auto worker = std::make_unique<runtime::Worker>(service, std::move(options));
  for (auto& [name, fn] : workflows::JarvisWorkflows()) worker->RegisterWorkflow(name, fn);
  for (auto& [name, fn] : activities::JarvisActivities()) worker->RegisterActivity(name, fn);
  if (!worker->Start().ok()) return nullptr;
  return worker;
}

}  // namespace endure::tools
