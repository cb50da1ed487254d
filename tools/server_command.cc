#include "tools/server_command.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "engine/server/dev_server.h"
#include "runtime/client/service.h"
#include "tools/jarvis_worker.h"
#include "tools/logging.h"
#include "workflows/jarvis_workflows.h"

namespace endure::tools {
namespace {

struct StartDevOptions {
  std::string db_filename = "endure.db";
  bool in_memory = false;
  std::string ip = "127.0.0.1";
  int port = 7233;
  int http_port = 7243;
  int metrics_port = -1;
  std::vector<std::string> namespaces;
  std::string log_level = "warn";
  std::string log_format = "text";
  bool jarvis_worker = true;
};

// A throw-away database for --in-memory: a file in a fresh temporary directory (SQLite's WAL
// and the store's reader connections need a file), written without flushes and removed at exit.
class TemporaryDatabase {
 public:
  static std::unique_ptr<TemporaryDatabase> Create() {
    std::string pattern = (std::filesystem::temp_directory_path() / "endure-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return nullptr;
    return std::unique_ptr<TemporaryDatabase>(new TemporaryDatabase(pattern));
  }
  ~TemporaryDatabase() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string path() const { return (std::filesystem::path(dir_) / "endure.db").string(); }

 private:
  explicit TemporaryDatabase(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

int RunStartDev(const StartDevOptions& o) {
  if (Status s = SetUpLogging(o.log_level, o.log_format); !s.ok()) {
    std::cerr << "endure: " << s.message() << "\n";
    return 2;
  }
  // SIGINT and SIGTERM are taken by this thread with sigwait; blocked before any other thread
  // starts, so that every thread inherits the mask and none is interrupted by them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<TemporaryDatabase> temporary;
  engine::server::DevServerOptions options;
  if (o.in_memory) {
    temporary = TemporaryDatabase::Create();
    if (!temporary) {
      std::cerr << "endure: --in-memory: cannot create a temporary directory\n";
      return 1;
    }
    options.db_filename = temporary->path();
    options.durability = storage::Durability::kNormal;
  } else {
    options.db_filename = o.db_filename;
  }
  options.ip = o.ip;
  options.port = o.port;
  options.http_port = o.http_port;
  options.metrics_port = o.metrics_port;
  options.namespaces = o.namespaces;

  auto server = engine::server::DevServer::Start(options);
  if (!server.ok()) {
    const std::string what = o.in_memory ? "--in-memory" : "--db-filename " + o.db_filename;
    std::cerr << "endure: cannot start the dev server (" << what
              << "): " << server.status().message() << "\n";
    return 1;
  }
  // JARVIS's workflows run in the server's process, so that the README's first command is
  // enough to start and watch them with `endure workflow ...`.
  std::unique_ptr<runtime::Service> in_process;
  std::unique_ptr<runtime::Worker> jarvis;
  if (o.jarvis_worker) {
    in_process = runtime::EmbeddedService((*server)->frontend());
    runtime::WorkerOptions worker_options;
    worker_options.task_queue = workflows::kJarvisTaskQueue;
    jarvis = StartJarvisWorker(in_process.get(), worker_options);
  }
  std::vector<std::string> namespaces = {"default"};
  for (const std::string& n : o.namespaces) {
    if (n != "default") namespaces.push_back(n);
  }
  const std::string host = o.ip.find(':') != std::string::npos ? "[" + o.ip + "]" : o.ip;
  std::cout << "Endure dev server (Temporal API)\n"
            << "  gRPC       " << host << ":" << (*server)->port() << "\n";
  if ((*server)->http_port() > 0) {
    std::cout << "  HTTP API   http://" << host << ":" << (*server)->http_port() << "/api/v1\n";
  }
  if ((*server)->metrics_port() > 0) {
    std::cout << "  Metrics    http://" << host << ":" << (*server)->metrics_port() << "/metrics\n";
  }
  if (o.in_memory) {
    std::cout << "  Database   in memory: discarded at exit (--in-memory)\n";
  } else {
    std::cout << "  Database   " << std::filesystem::absolute(o.db_filename).string()
              << " (persistent)\n";
  }
  if (jarvis)
    std::cout << "  Worker     JARVIS workflows on " << workflows::kJarvisTaskQueue << "\n";
  std::cout << "  Namespaces " << Join(namespaces) << "\n"
            << "Ready." << std::endl;
  spdlog::info("dev server ready on {}:{}", host, (*server)->port());

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("{}: draining calls in flight and closing the database", strsignal(signal_number));
  if (jarvis) jarvis->Shutdown();
  (*server)->Shutdown();
  std::cout << "Stopped." << std::endl;
  return 0;
}

}  // namespace

void AddServerCommands(CLI::App& app, int& exit_code) {
  auto* server = app.add_subcommand("server", "Run Endure as a Temporal server");
  server->require_subcommand(1);
  auto o = std::make_shared<StartDevOptions>();
  auto* start = server->add_subcommand(
      "start-dev", "Start the dev server: Temporal's gRPC and HTTP APIs on one SQLite file");
  start->add_option("--db-filename,-f", o->db_filename, "Database file (created if missing)")
      ->capture_default_str();
  start->add_flag("--in-memory", o->in_memory, "Use a throw-away database, discarded at exit");
  start->add_option("--ip", o->ip, "IP address to listen on")->capture_default_str();
  start->add_option("--port,-p", o->port, "gRPC port (0 picks a free one)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  start->add_option("--http-port", o->http_port, "HTTP API port (0 picks a free one, -1: off)")
      ->check(CLI::Range(-1, 65535))
      ->capture_default_str();
  start
      ->add_option("--metrics-port", o->metrics_port,
                   "Prometheus metrics port, serving /metrics (0 picks a free one; off unless set)")
      ->check(CLI::Range(-1, 65535));
  start->add_option("--namespace,-n", o->namespaces, "Namespace to register at start (repeatable)");
  start->add_option("--log-level", o->log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();
  start->add_option("--log-format", o->log_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  start->add_flag("!--no-jarvis-worker", o->jarvis_worker,
                  "Do not run JARVIS's workflows and activities in the server's process");
  start->callback([o, &exit_code] { exit_code = RunStartDev(*o); });
}

}  // namespace endure::tools
