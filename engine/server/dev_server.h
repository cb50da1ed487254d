// DevServer: Endure as `temporal server start-dev`: the engine on one SQLite file, served over
// Temporal's gRPC API (WorkflowService, the OperatorService search-attribute calls, gRPC
// health and reflection), Temporal's HTTP/JSON API, and Prometheus metrics.
//
// Start() returns once every listener is bound and `default` and options.namespaces exist, so
// a caller can report the server ready then. Shutdown() stops taking calls, ends waiting polls,
// lets calls in flight finish (their writes are durable before they are answered), and closes
// the database.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "engine/frontend/frontend.h"
#include "engine/server/metrics/server_metrics.h"
#include "storage/base/status.h"
#include "storage/store.h"

namespace grpc {
class Server;
class Service;
}  // namespace grpc

namespace endure::engine::server {

class HttpServer;

struct DevServerOptions {
  std::string db_filename = "endure.db";
  storage::Durability durability = storage::Durability::kFull;
  std::string ip = "127.0.0.1";
  int port = 7233;        // 0 picks a free port.
  int http_port = 7243;   // 0 picks a free port; -1 turns the HTTP API off.
  int metrics_port = -1;  // As http_port; off unless asked for.
  std::vector<std::string> namespaces;
  // Calls still in flight this long after Shutdown() began are cancelled.
  std::chrono::milliseconds drain_timeout = std::chrono::seconds(10);
};

class DevServer {
 public:
  static Result<std::unique_ptr<DevServer>> Start(DevServerOptions options);
  ~DevServer();  // Shuts down if Shutdown() was not called.
  DevServer(const DevServer&) = delete;
  DevServer& operator=(const DevServer&) = delete;

  // The ports bound (the chosen ones where 0 was asked for; -1 when off).
  int port() const { return port_; }
  int http_port() const { return http_port_; }
  int metrics_port() const { return metrics_port_; }
  // For workers in the server's own process (until Shutdown).
  Frontend* frontend() { return frontend_.get(); }

  void Shutdown();

 private:
  DevServer() = default;
  void RegisterGauges();

  DevServerOptions options_;
  std::unique_ptr<ServerMetrics> metrics_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Frontend> frontend_;
  std::unique_ptr<grpc::Service> workflow_service_;
  std::unique_ptr<grpc::Service> operator_service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<HttpServer> http_server_;
  std::unique_ptr<HttpServer> metrics_server_;
  int port_ = -1;
  int http_port_ = -1;
  int metrics_port_ = -1;
  bool shut_down_ = false;
};

}  // namespace endure::engine::server
