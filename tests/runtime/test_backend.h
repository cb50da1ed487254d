// What the SDK's tests run against: the engine embedded in the test process, or a dev server
// in it reached over gRPC on a free loopback port; either way over one database file.
#pragma once

#include <memory>
#include <string>

#include "engine/server/dev_server.h"
#include "runtime/client/client.h"
#include "runtime/engine.h"

namespace endure::runtime::test_support {

class TestBackend {
 public:
  TestBackend() = default;
  TestBackend(const TestBackend&) = delete;
  TestBackend& operator=(const TestBackend&) = delete;
  ~TestBackend() { Close(); }

  Status Open(const std::string& db_path, bool remote) {
    if (remote) {
      engine::server::DevServerOptions options;
      options.db_filename = db_path;
      options.port = 0;
      options.http_port = -1;
      auto server = engine::server::DevServer::Start(options);
      if (!server.ok()) return server.status();
      server_ = std::move(*server);
      service_ =
          std::shared_ptr<Service>(RemoteService("127.0.0.1:" + std::to_string(server_->port())));
      return Status::Ok();
    }
    auto engine = Engine::Open({.db_path = db_path});
    if (!engine.ok()) return engine.status();
    engine_ = std::move(*engine);
    service_ = engine_->service();
    return Status::Ok();
  }

  // Shut workers down first: their polls and tasks use the service.
  void Close() {
    service_.reset();
    if (server_) server_->Shutdown();
    if (engine_) engine_->Shutdown();
    server_.reset();
    engine_.reset();
  }

  const std::shared_ptr<Service>& service() const { return service_; }
  Client client() const { return Client(service_, "default"); }
  Engine* engine() const { return engine_.get(); }  // Null when remote.

 private:
  std::unique_ptr<engine::server::DevServer> server_;
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<Service> service_;
};

}  // namespace endure::runtime::test_support
