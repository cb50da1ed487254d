#include "engine/history/update_registry.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;

}  // namespace

std::vector<std::function<void()>> UpdateRegistry::Ready(Entry& entry, bool all) {
  std::vector<std::function<void()>> calls;
  std::vector<Waiter> waiting;
  const UpdateRegistry::Status status{entry.stage, entry.outcome};
  for (auto& w : entry.waiters) {
    if (all || w.until <= entry.stage) {
      calls.push_back([done = std::move(w.done), status] { done(status); });
    } else {
      waiting.push_back(std::move(w));
    }
  }
  entry.waiters = std::move(waiting);
  return calls;
}

bool UpdateRegistry::Admit(const RunId& run, const temporal::api::update::v1::Request& request) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = updates_.try_emplace({run.value(), request.meta().update_id()});
  if (inserted) {
    it->second.request = request;
    it->second.stage = enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED;
  }
  return inserted;
}

void UpdateRegistry::Restore(const RunId& run, const std::string& update_id, Stage stage) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = updates_.try_emplace({run.value(), update_id});
  if (inserted) {
    it->second.stage = stage;
    it->second.sent = true;
  }
}

bool UpdateRegistry::Wait(const RunId& run, const std::string& update_id, Stage until,
                          Done done) {
  std::vector<std::function<void()>> calls;
  {
    std::lock_guard lock(mu_);
    auto it = updates_.find({run.value(), update_id});
    if (it == updates_.end()) return false;
    it->second.waiters.push_back({until, std::move(done)});
    calls = Ready(it->second, false);
    if (it->second.stage == enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED &&
        it->second.waiters.empty()) {
      updates_.erase(it);  // Completed and told: its outcome is in history from now on.
    }
  }
  for (auto& call : calls) call();
  return true;
}

void UpdateRegistry::Expire(const RunId& run, const std::string& update_id) {
  std::vector<std::function<void()>> calls;
  {
    std::lock_guard lock(mu_);
    auto it = updates_.find({run.value(), update_id});
    if (it == updates_.end()) return;
    calls = Ready(it->second, true);
  }
  for (auto& call : calls) call();
}

std::vector<temporal::api::update::v1::Request> UpdateRegistry::TakeUndelivered(const RunId& run) {
  std::lock_guard lock(mu_);
  std::vector<temporal::api::update::v1::Request> out;
  for (auto it = updates_.lower_bound({run.value(), ""});
       it != updates_.end() && it->first.first == run.value(); ++it) {
    if (it->second.sent) continue;
    it->second.sent = true;
    out.push_back(it->second.request);
  }
  return out;
}

bool UpdateRegistry::HasUndelivered(const RunId& run) {
  std::lock_guard lock(mu_);
  for (auto it = updates_.lower_bound({run.value(), ""});
       it != updates_.end() && it->first.first == run.value(); ++it) {
    if (!it->second.sent) return true;
  }
  return false;
}

std::vector<std::string> UpdateRegistry::Unanswered(const RunId& run) {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (auto it = updates_.lower_bound({run.value(), ""});
       it != updates_.end() && it->first.first == run.value(); ++it) {
    if (it->second.sent &&
        it->second.stage == enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED) {
      out.push_back(it->first.second);
    }
  }
  return out;
}

void UpdateRegistry::Resend(const RunId& run) {
  std::lock_guard lock(mu_);
  for (auto it = updates_.lower_bound({run.value(), ""});
       it != updates_.end() && it->first.first == run.value(); ++it) {
    if (it->second.stage == enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED) {
      it->second.sent = false;
    }
  }
}

void UpdateRegistry::Accepted(const RunId& run, const std::string& update_id) {
  std::vector<std::function<void()>> calls;
  {
    std::lock_guard lock(mu_);
    auto it = updates_.find({run.value(), update_id});
    if (it == updates_.end()) return;
    it->second.stage = enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
    calls = Ready(it->second, false);
  }
  for (auto& call : calls) call();
}

void UpdateRegistry::Completed(const RunId& run, const std::string& update_id,
                               const temporal::api::update::v1::Outcome& outcome) {
  std::vector<std::function<void()>> calls;
  {
    std::lock_guard lock(mu_);
    auto it = updates_.find({run.value(), update_id});
    if (it == updates_.end()) return;
    it->second.stage = enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
    it->second.outcome = outcome;
    calls = Ready(it->second, true);
    updates_.erase(it);
  }
  for (auto& call : calls) call();
}

void UpdateRegistry::Abort(const RunId& run, const endure::Status& why) {
  std::vector<Done> aborted;
  {
    std::lock_guard lock(mu_);
    auto it = updates_.lower_bound({run.value(), ""});
    while (it != updates_.end() && it->first.first == run.value()) {
      for (auto& w : it->second.waiters) aborted.push_back(std::move(w.done));
      it = updates_.erase(it);
    }
  }
  for (auto& done : aborted) done(why);
}

bool UpdateRegistry::Has(const RunId& run) {
  std::lock_guard lock(mu_);
  auto it = updates_.lower_bound({run.value(), ""});
  return it != updates_.end() && it->first.first == run.value();
}

}  // namespace endure::engine::history
