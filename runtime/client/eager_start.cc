#include "runtime/client/eager_start.h"

#include <algorithm>
#include <mutex>
#include <tuple>
#include <vector>

namespace endure::runtime {
namespace {

struct Registration {
  const Service* service;
  std::string namespace_name;
  std::string task_queue;
  EagerWorkflowTarget* target;
};

// Few workers per process: a list searched under one lock is enough.
std::mutex registry_mu;
std::vector<Registration>& Registry() {
  static auto* registry = new std::vector<Registration>();
  return *registry;
}

}  // namespace

void RegisterEagerTarget(const Service* service, const std::string& namespace_name,
                         const std::string& task_queue, EagerWorkflowTarget* target) {
  std::lock_guard lock(registry_mu);
  Registry().push_back({service, namespace_name, task_queue, target});
}

void UnregisterEagerTarget(EagerWorkflowTarget* target) {
  std::lock_guard lock(registry_mu);
  std::erase_if(Registry(), [&](const Registration& r) { return r.target == target; });
}

EagerWorkflowTarget* ReserveEagerTarget(const Service* service, const std::string& namespace_name,
                                        const std::string& task_queue) {
  // The reservation is made under the lock, so a target unregistering waits for it and then
  // sees it among its reserved slots.
  std::lock_guard lock(registry_mu);
  for (const Registration& r : Registry()) {
    if (r.service == service && r.namespace_name == namespace_name && r.task_queue == task_queue &&
        r.target->ReserveEagerSlot()) {
      return r.target;
    }
  }
  return nullptr;
}

}  // namespace endure::runtime
