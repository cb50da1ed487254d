// Engine: Endure embedded in a host process: the store, the engine and matching over one
// database file, and the Service and Client that reach them without a network. Workers given
// engine.service() run workflows and activities on the host's threads.
//
//   auto engine = Engine::Open({.db_path = "jarvis.db"});
//   Worker worker((*engine)->service().get(), {.task_queue = "jarvis-task-queue"});
//   auto client = (*engine)->client();
//
// Shut workers down before the engine: their polls and tasks use it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/client/client.h"
#include "runtime/client/service.h"
#include "storage/store.h"

namespace endure::engine {
class Frontend;
}

namespace endure::runtime {

struct EngineOptions {
  std::string db_path = "endure.db";
  // FULL: every acknowledged transition survives a power loss; NORMAL: a crash of the process.
  storage::Durability durability = storage::Durability::kFull;
  std::vector<std::string> namespaces;  // Registered besides `default`.
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Open(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  std::shared_ptr<Service> service() { return service_; }
  Client client(const std::string& namespace_name = "default") {
    return Client(service_, namespace_name);
  }
  engine::Frontend* frontend() { return frontend_.get(); }

  // Ends waiting polls and stops the engine's timers; the database closes with the object.
  void Shutdown();

 private:
  Engine() = default;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<engine::Frontend> frontend_;
  std::shared_ptr<Service> service_;
  bool shut_down_ = false;
};

}  // namespace endure::runtime
