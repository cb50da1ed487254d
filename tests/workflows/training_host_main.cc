// A host process running JARVIS's ModelTrainingWorkflow on an embedded engine: the crash test
// (training_crash_test.cc) starts it, kills it with SIGKILL part-way, and finishes the run in
// a new host on the same database file.
//
//   training_host DB_PATH    prints "chunks N" as the training advances, then "result JSON"
#include <chrono>
#include <iostream>
#include <thread>

#include "activities/registry.h"
#include "runtime/engine.h"
#include "runtime/worker/worker.h"
#include "tests/workflows/training_input.h"
#include "workflows/jarvis_workflows.h"

using namespace endure;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: training_host DB_PATH\n";
    return 2;
  }
  auto engine = runtime::Engine::Open({.db_path = argv[1]});
  if (!engine.ok()) {
    std::cerr << engine.status().ToString() << "\n";
    return 1;
  }
  runtime::Worker worker((*engine)->service().get(), {.task_queue = workflows::kJarvisTaskQueue});
  for (auto& [name, fn] : workflows::JarvisWorkflows()) worker.RegisterWorkflow(name, fn);
  for (auto& [name, fn] : activities::JarvisActivities()) worker.RegisterActivity(name, fn);
  if (!worker.Start().ok()) return 1;
  runtime::Client client = (*engine)->client();
  // Started once: a second start of the same id (the restarted host) joins the running one.
  auto run = client.StartWorkflow(
      "ModelTrainingWorkflow", testing_input::TrainingInput(),
      {.id = testing_input::kTrainingId,
       .task_queue = workflows::kJarvisTaskQueue,
       .id_conflict_policy = temporal::api::enums::v1::WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING});
  if (!run.ok()) {
    std::cerr << run.status().ToString() << "\n";
    return 1;
  }
  for (int last = -1;;) {
    auto progress = client.Query(*run, "get_training_progress");
    if (progress.ok() && (*progress)["chunks"].get<int>() != last) {
      last = (*progress)["chunks"].get<int>();
      std::cout << "chunks " << last << std::endl;
    }
    if (progress.ok() && (*progress)["status"] != "training") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto result = client.GetResult(*run);
  if (!result.ok()) {
    std::cerr << result.status().ToString() << "\n";
    return 1;
  }
  std::cout << "result " << result->dump() << std::endl;
  worker.Shutdown();
  (*engine)->Shutdown();
  return 0;
}
