#include "tools/jarvis_worker.h"

#include "activities/registry.h"
#include "workflows/jarvis_workflows.h"
#include "workflows/samples.h"

namespace endure::tools {

std::vector<std::pair<std::string, runtime::WorkflowFunction>> KnownWorkflows() {
  auto known = workflows::JarvisWorkflows();
  for (auto& sample : workflows::SampleWorkflows()) known.push_back(std::move(sample));
  return known;
}

std::unique_ptr<runtime::Worker> StartJarvisWorker(runtime::Service* service,
                                                   runtime::WorkerOptions options) {
  auto worker = std::make_unique<runtime::Worker>(service, std::move(options));
  for (auto& [name, fn] : KnownWorkflows()) worker->RegisterWorkflow(name, fn);
  for (auto& [name, fn] : activities::JarvisActivities()) worker->RegisterActivity(name, fn);
  for (auto& [name, fn] : workflows::SampleActivities()) worker->RegisterActivity(name, fn);
  if (!worker->Start().ok()) return nullptr;
  return worker;
}

}  // namespace endure::tools
