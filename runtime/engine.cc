#include "runtime/engine.h"

#include "engine/frontend/frontend.h"

namespace endure::runtime {

Result<std::unique_ptr<Engine>> Engine::Open(EngineOptions options) {
  std::unique_ptr<Engine> e(new Engine());
  storage::StoreOptions store_options;
  store_options.path = options.db_path;
  store_options.durability = options.durability;
  ENDURE_ASSIGN_OR_RETURN(e->store_, storage::Store::Open(store_options));
  engine::FrontendOptions frontend_options;
  frontend_options.store = e->store_.get();
  frontend_options.namespaces = options.namespaces;
  ENDURE_ASSIGN_OR_RETURN(e->frontend_, engine::Frontend::Open(frontend_options));
  e->service_ = std::shared_ptr<Service>(EmbeddedService(e->frontend_.get()));
  return e;
}

void Engine::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (frontend_) frontend_->Shutdown();
}

Engine::~Engine() {
  Shutdown();
  frontend_.reset();
  store_.reset();
}

}  // namespace endure::runtime
