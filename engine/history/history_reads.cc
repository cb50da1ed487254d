// GetWorkflowExecutionHistory: pages of a run's history from the store, the CLOSE_EVENT
// filter, and long polls (wait_new_event) that answer when the run's history grows or after
// history_long_poll, with a token to continue from.
#include "engine/history/history_engine.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;
using endure::history::HistoryPageToken;

// What a history read needs to know of a run before it reads events.
struct RunFacts {
  std::string namespace_id;
  std::string workflow_id;
  int status = 0;
  int64_t next_event_id = 0;
  std::optional<HistoryEvent> close_event;  // Of a closed run whose history is in memory.
};

// From memory when the run is cached and idle (the common case for a caller waiting on a run
// just started here), else from its execution row.
Result<RunFacts> FactsOf(RunCache& runs, storage::Store& store, const RunId& run_id) {
  RunFacts facts;
  const bool cached =
      runs.PeekCommitted(run_id, [&facts](const MutableState& s, const KeptHistory* history) {
        facts.namespace_id = s.namespace_id();
        facts.workflow_id = s.workflow_id();
        facts.status = s.status();
        facts.next_event_id = s.next_event_id();
        if (s.status() != enums::WORKFLOW_EXECUTION_STATUS_RUNNING && history != nullptr &&
            history->Holds(s.next_event_id() - 1, s.next_event_id())) {
          facts.close_event = *history->last();
        }
      });
  if (cached) return facts;
  ENDURE_ASSIGN_OR_RETURN(auto record, store.GetExecution(run_id));
  facts.namespace_id = record.namespace_id.value();
  facts.workflow_id = record.workflow_id.value();
  facts.status = record.status;
  facts.next_event_id = record.next_event_id;
  return facts;
}

}  // namespace

struct HistoryEngine::Watcher {
  std::atomic<bool> fired{false};
  bool close_only = false;
  AlarmClock::Id alarm = 0;
  std::function<void()> wake;
  // A close-only poll answers with the close event it is handed, without reading the store.
  std::function<void(const HistoryEvent&)> answer_closed;
};

void HistoryEngine::NotifyHistoryWatchers(const RunId& run_id, bool closed,
                                          const HistoryEvent* close_event) {
  std::vector<std::shared_ptr<Watcher>> woken;
  {
    std::lock_guard lock(watchers_mu_);
    auto [begin, end] = watchers_.equal_range(run_id);
    for (auto it = begin; it != end;) {
      if (it->second->close_only && !closed) {
        ++it;  // Nothing it waits for: it would read the run only to wait again.
        continue;
      }
      woken.push_back(it->second);
      it = watchers_.erase(it);
    }
  }
  for (auto& w : woken) {
    if (w->fired.exchange(true)) continue;
    options_.alarms->Cancel(w->alarm);
    if (close_event != nullptr && w->close_only && w->answer_closed) {
      w->answer_closed(*close_event);
    } else {
      w->wake();
    }
  }
}

void HistoryEngine::GetHistory(const storage::NamespaceRecord& ns,
                               const wsv1::GetWorkflowExecutionHistoryRequest& request,
                               AlarmClock::Clock::time_point deadline,
                               Callback<wsv1::GetWorkflowExecutionHistoryResponse> done) {
  auto resolved = ResolveRun(ns, request.execution());
  if (!resolved.ok()) return done(resolved.status());
  RunId run_id = *resolved;
  HistoryPageToken token;
  const bool has_token = !request.next_page_token().empty();
  if (has_token) {
    auto decoded = DecodeHistoryPageToken(request.next_page_token());
    if (!decoded.ok()) return done(decoded.status());
    token = *decoded;
    if (!request.execution().run_id().empty() && token.run_id() != run_id.value()) {
      return done(InvalidArgument("next page token belongs to another run"));
    }
    run_id = RunId(token.run_id());
  }
  const bool close_only =
      request.history_event_filter_type() == enums::HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;
  const int64_t page =
      request.maximum_page_size() > 0 ? request.maximum_page_size() : options_.history_page_size;
  const auto expiry = std::min(deadline, AlarmClock::Clock::now() + options_.history_long_poll);
  const std::string workflow_id = request.execution().workflow_id();
  const bool wait = request.wait_new_event();
  auto reply =
      std::make_shared<Callback<wsv1::GetWorkflowExecutionHistoryResponse>>(std::move(done));

  // One attempt to answer; when there is nothing yet and the caller waits, it runs again once
  // the run's history grows (or answers empty at expiry).
  auto attempt = std::make_shared<std::function<void(bool)>>();
  *attempt = [this, ns_id = ns.id, run_id, token, has_token, close_only, page, expiry, workflow_id,
              wait, reply, weak = std::weak_ptr<std::function<void(bool)>>(attempt)](bool expired) {
    const auto& answer = *reply;
    auto record = FactsOf(runs_, *options_.store, run_id);
    if (!record.ok() || record->namespace_id != ns_id.value() ||
        record->workflow_id != workflow_id) {
      if (record.ok() || record.status().code() == StatusCode::kNotFound) {
        return answer(NotFound("workflow not found for ID: " + workflow_id));
      }
      return answer(record.status());
    }
    const bool closed = record->status != enums::WORKFLOW_EXECUTION_STATUS_RUNNING;
    const int64_t first = has_token ? token.next_event_id() : 1;
    const int64_t end =
        has_token && token.end_event_id() != 0 ? token.end_event_id() : record->next_event_id;
    wsv1::GetWorkflowExecutionHistoryResponse r;
    const bool nothing_yet = close_only ? !closed : first >= end;
    if (nothing_yet) {
      bool stopping;
      {
        std::lock_guard lock(watchers_mu_);
        stopping = shutting_down_;
      }
      if (!wait || closed || expired || stopping) {
        if (wait && !closed) {
          // A long poll that expired: an empty page and a token to poll on with.
          HistoryPageToken next;
          next.set_run_id(run_id.value());
          next.set_next_event_id(first);
          r.set_next_page_token(EncodeHistoryPageToken(next));
        }
        return answer(std::move(r));
      }
      auto self = weak.lock();
      if (!self) return;
      auto watcher = std::make_shared<Watcher>();
      watcher->close_only = close_only;
      watcher->wake = [self] { (*self)(false); };
      if (close_only) {
        watcher->answer_closed = [reply](const HistoryEvent& event) {
          wsv1::GetWorkflowExecutionHistoryResponse closed_response;
          *closed_response.mutable_history()->add_events() = event;
          (*reply)(std::move(closed_response));
        };
      }
      {
        std::lock_guard lock(watchers_mu_);
        watchers_.emplace(run_id, watcher);
      }
      watcher->alarm = options_.alarms->Set(expiry, [this, watcher, self, run_id] {
        if (watcher->fired.exchange(true)) return;
        {
          std::lock_guard lock(watchers_mu_);
          auto [from, to] = watchers_.equal_range(run_id);
          for (auto it = from; it != to; ++it) {
            if (it->second == watcher) {
              watchers_.erase(it);
              break;
            }
          }
        }
        (*self)(true);
      });
      // A commit between the read above and the registration would have found no watcher.
      auto again = FactsOf(runs_, *options_.store, run_id);
      if (again.ok() &&
          (again->next_event_id != record->next_event_id || again->status != record->status)) {
        NotifyHistoryWatchers(run_id);
      }
      return;
    }
    if (close_only && record->close_event) {
      *r.mutable_history()->add_events() = std::move(*record->close_event);
      return answer(std::move(r));
    }
    if (close_only) {
      auto last =
          options_.store->ReadHistory(run_id, record->next_event_id - 1, record->next_event_id, 1);
      if (!last.ok()) return answer(last.status());
      for (auto& e : *last) *r.mutable_history()->add_events() = std::move(e);
      return answer(std::move(r));
    }
    auto events = options_.store->ReadHistory(run_id, first, end, static_cast<size_t>(page));
    if (!events.ok()) return answer(events.status());
    for (auto& e : *events) *r.mutable_history()->add_events() = std::move(e);
    const int64_t next = first + r.history().events_size();
    if (next < end || (wait && !closed)) {
      HistoryPageToken t;
      t.set_run_id(run_id.value());
      t.set_next_event_id(next);
      if (has_token) t.set_end_event_id(token.end_event_id());  // A poll response's bound.
      r.set_next_page_token(EncodeHistoryPageToken(t));
    }
    answer(std::move(r));
  };
  (*attempt)(false);
}

void HistoryEngine::GetHistoryReverse(
    const storage::NamespaceRecord& ns,
    const wsv1::GetWorkflowExecutionHistoryReverseRequest& request,
    Callback<wsv1::GetWorkflowExecutionHistoryReverseResponse> done) {
  auto run_id = ResolveRun(ns, request.execution());
  if (!run_id.ok()) return done(run_id.status());
  auto record = options_.store->GetExecution(*run_id);
  if (!record.ok() || record->namespace_id != ns.id ||
      record->workflow_id.value() != request.execution().workflow_id()) {
    if (!record.ok() && record.status().code() != StatusCode::kNotFound) {
      return done(record.status());
    }
    return done(NotFound("workflow not found for ID: " + request.execution().workflow_id()));
  }
  // Pages go from the newest event back; the token holds one past the newest event still due.
  int64_t end = record->next_event_id;
  if (!request.next_page_token().empty()) {
    auto token = DecodeHistoryPageToken(request.next_page_token());
    if (!token.ok()) return done(token.status());
    if (token->run_id() != run_id->value()) {
      return done(InvalidArgument("next page token belongs to another run"));
    }
    end = token->next_event_id();
  }
  const int64_t page =
      request.maximum_page_size() > 0 ? request.maximum_page_size() : options_.history_page_size;
  const int64_t first = std::max<int64_t>(1, end - page);
  auto events = options_.store->ReadHistory(*run_id, first, end, static_cast<size_t>(page));
  if (!events.ok()) return done(events.status());
  wsv1::GetWorkflowExecutionHistoryReverseResponse r;
  for (auto it = events->rbegin(); it != events->rend(); ++it) {
    *r.mutable_history()->add_events() = std::move(*it);
  }
  if (first > 1) {
    HistoryPageToken next;
    next.set_run_id(run_id->value());
    next.set_next_event_id(first);
    r.set_next_page_token(EncodeHistoryPageToken(next));
  }
  done(std::move(r));
}

}  // namespace endure::engine::history
