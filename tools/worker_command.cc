#include "tools/worker_command.h"

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "runtime/replay/replayer.h"
#include "tools/jarvis_worker.h"
#include "workflows/jarvis_workflows.h"

namespace endure::tools {
namespace {

struct WorkerFlags {
  std::string address;
  std::string namespace_name;
  std::string task_queue;  // Empty: TEMPORAL_TASK_QUEUE, else jarvis-task-queue.
  int workflow_pollers = 2;
  int activity_pollers = 4;
  int max_cached_workflows = 10000;  // As WorkerOptions.
};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

int RunWorker(const WorkerFlags& f) {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  const std::string address = f.address.empty() ? runtime::AddressFromEnvironment() : f.address;
  const std::string ns =
      f.namespace_name.empty() ? runtime::NamespaceFromEnvironment() : f.namespace_name;
  auto service = runtime::RemoteService(address, runtime::TlsFromEnvironment());
  if (!service.ok()) {
    std::cerr << "endure: " << service.status().message() << "\n";
    return 2;
  }
  runtime::WorkerOptions options;
  options.namespace_name = ns;
  options.task_queue = !f.task_queue.empty()                 ? f.task_queue
                       : !Env("TEMPORAL_TASK_QUEUE").empty() ? Env("TEMPORAL_TASK_QUEUE")
                                                             : workflows::kJarvisTaskQueue;
  options.workflow_pollers = f.workflow_pollers;
  options.activity_pollers = f.activity_pollers;
  options.max_cached_workflows = static_cast<size_t>(f.max_cached_workflows);
  auto worker = StartJarvisWorker(service->get(), options);
  if (!worker) {
    std::cerr << "endure: could not start the worker\n";
    return 1;
  }
  std::cout << "Worker polling task queue " << options.task_queue << " of namespace " << ns
            << " at " << address << "\nReady." << std::endl;
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  worker->Shutdown();
  std::cout << "Stopped." << std::endl;
  return 0;
}

int RunReplay(const std::string& file, const std::string& type) {
  std::ifstream in(file);
  if (!in) {
    std::cerr << "endure: --history " << file << ": cannot read the file\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  using Clock = std::chrono::steady_clock;
  const auto began = Clock::now();
  auto history = runtime::ParseJsonHistory(text.str());
  const auto parsed = Clock::now();
  if (!history.ok()) {
    std::cerr << "endure: --history " << file << ": " << history.status().message() << "\n";
    return 2;
  }
  std::string name = type;
  if (name.empty() && history->events_size() > 0) {
    name = history->events(0).workflow_execution_started_event_attributes().workflow_type().name();
  }
  for (auto& [registered, fn] : KnownWorkflows()) {
    if (registered != name) continue;
    Status s = runtime::ReplayHistory(fn, *history);
    if (!s.ok()) {
      std::cerr << "endure: replay of " << file << " as " << name << " failed: " << s.message()
                << "\n";
      return 1;
    }
    // From the file's text to the verdict, and the replay alone (what a replayer handed a
    // parsed history takes).
    const auto done = Clock::now();
    const double total_ms = std::chrono::duration<double, std::milli>(done - began).count();
    const double parse_ms = std::chrono::duration<double, std::milli>(parsed - began).count();
    const double replay_ms = total_ms - parse_ms;
    const double events = history->events_size();
    std::cout << "Replayed " << history->events_size() << " events of " << file << " as " << name
              << " in " << std::fixed << std::setprecision(1) << total_ms << " ms ("
              << static_cast<int64_t>(events / (total_ms / 1000.0)) << " events/s): " << replay_ms
              << " ms replaying (" << static_cast<int64_t>(events / (replay_ms / 1000.0))
              << " events/s) after " << parse_ms << " ms parsing the JSON; deterministic\n";
    return 0;
  }
  std::string known;
  for (auto& [registered, fn] : KnownWorkflows()) {
    known += (known.empty() ? "" : ", ") + registered;
  }
  std::cerr << "endure: --type: no workflow named '" << name << "'; known: " << known << "\n";
  return 2;
}

}  // namespace

void AddWorkerCommands(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<WorkerFlags>();
  auto* worker = app.add_subcommand(
      "worker", "Run JARVIS's workflows and activities against a Temporal server");
  worker->add_option("--address", f->address,
                     "Server host:port (default: TEMPORAL_ADDRESS, TEMPORAL_HOST and "
                     "TEMPORAL_PORT, else 127.0.0.1:7233)");
  worker->add_option("--namespace,-n", f->namespace_name,
                     "Namespace (default: TEMPORAL_NAMESPACE, else default)");
  worker->add_option("--task-queue,-t", f->task_queue,
                     "Task queue (default: TEMPORAL_TASK_QUEUE, else jarvis-task-queue)");
  worker->add_option("--workflow-pollers", f->workflow_pollers)
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  worker->add_option("--activity-pollers", f->activity_pollers)
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  worker
      ->add_option("--max-cached-workflows", f->max_cached_workflows,
                   "Runs kept in memory between tasks (0: replay every task)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  worker->callback([f, &exit_code] { exit_code = RunWorker(*f); });

  auto history = std::make_shared<std::string>();
  auto type = std::make_shared<std::string>();
  auto* replay = app.add_subcommand(
      "replay",
      "Replay a JSON history (as `workflow show --output json` prints it) through "
      "the workflow code, reporting non-determinism");
  replay->add_option("--history", *history, "The history file")->required();
  replay->add_option("--type", *type, "Workflow type (default: the history's)");
  replay->callback([history, type, &exit_code] { exit_code = RunReplay(*history, *type); });
}

}  // namespace endure::tools
