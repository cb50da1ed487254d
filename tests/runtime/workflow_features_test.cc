// The workflow context's features, run embedded end to end: continue-as-new, patching (old
// histories replay down the old path), cancellation with non-cancellable cleanup, child
// workflows, signals to other workflows, search attributes; and each history replays.
#include <gtest/gtest.h>

#include <chrono>

#include "engine/frontend/frontend.h"
#include "runtime/client/client.h"
#include "runtime/engine.h"
#include "runtime/replay/replayer.h"
#include "runtime/worker/worker.h"
#include "runtime/workflow/workflow_run.h"
#include "temporal/api/enums/v1/event_type.pb.h"
#include "tests/runtime/test_backend.h"
#include "tests/storage/store_test_util.h"

namespace endure::runtime {
namespace {

using namespace std::chrono_literals;
namespace enums = temporal::api::enums::v1;

ActivityOptions Quick() {
  ActivityOptions o;
  o.start_to_close_timeout = 10s;
  return o;
}

Task<Json> Counter(WorkflowContext& ctx, Json input) {
  const int n = input.value("n", 0);
  const int target = input.value("target", 3);
  if (n < target) {
    Json next = {{"n", n + 1}, {"target", target}};
    co_await ctx.continue_as_new(std::move(next));
  }
  co_return n;
}

Task<Json> Unpatched(WorkflowContext& ctx, Json) {
  Json a = co_await ctx.execute_activity("echo", "a", Quick());
  co_return a;
}

// Unpatched with a step added behind a patch: old histories take the old path.
Task<Json> Patched(WorkflowContext& ctx, Json) {
  Json a = co_await ctx.execute_activity("echo", "a", Quick());
  if (ctx.patched("extra-step")) {
    Json b = co_await ctx.execute_activity("echo", "b", Quick());
    co_return a.get<std::string>() + b.get<std::string>();
  }
  co_return a;
}

// Patched once every run took the new path: the marker is still written, as deprecated.
Task<Json> Deprecated(WorkflowContext& ctx, Json) {
  Json a = co_await ctx.execute_activity("echo", "a", Quick());
  ctx.deprecate_patch("extra-step");
  Json b = co_await ctx.execute_activity("echo", "b", Quick());
  co_return a.get<std::string>() + b.get<std::string>();
}

// And with the call gone: deprecated markers in history are passed over.
Task<Json> PatchGone(WorkflowContext& ctx, Json) {
  Json a = co_await ctx.execute_activity("echo", "a", Quick());
  Json b = co_await ctx.execute_activity("echo", "b", Quick());
  co_return a.get<std::string>() + b.get<std::string>();
}

Task<Json> CleansUp(WorkflowContext& ctx, Json) {
  bool cancelled = false;
  try {
    co_await ctx.sleep(1h);
  } catch (const WorkflowCancelledError&) {
    cancelled = true;  // C++ allows no co_await in a handler: the cleanup follows it.
  }
  if (cancelled) {
    auto scope = ctx.non_cancellable();
    co_await ctx.execute_activity("echo", "cleanup", Quick());
    throw WorkflowCancelledError();
  }
  co_return "not cancelled";
}

Task<Json> Doubler(WorkflowContext&, Json input) { co_return input.get<int>() * 2; }

Task<Json> Failer(WorkflowContext&, Json) {
  throw ApplicationError("deliberate", "ChildTrouble", true);
  co_return nullptr;
}

Task<Json> Parent(WorkflowContext& ctx, Json) {
  Json doubled = co_await ctx.execute_child_workflow("Doubler", 21, ChildWorkflowOptions());
  std::string failure;
  try {
    ChildWorkflowOptions options;
    options.id = ctx.info().workflow_id + "-f";
    co_await ctx.execute_child_workflow("Failer", nullptr, options);
  } catch (const ChildWorkflowError& e) {
    failure = e.cause_type();
  }
  Json result = {{"doubled", doubled}, {"failure", failure}};
  co_return result;
}

Task<Json> Waiter(WorkflowContext& ctx, Json) {
  std::string got;
  ctx.on_signal("ping", [&](const Json& v) { got = v.get<std::string>(); });
  co_await ctx.wait_condition([&] { return !got.empty(); });
  co_return got;
}

Task<Json> Pinger(WorkflowContext& ctx, Json input) {
  co_await ctx.signal_external(input.get<std::string>(), "", "ping", "hello");
  co_return nullptr;
}

Task<Json> Tagger(WorkflowContext& ctx, Json) {
  const Json attributes = {{"Project", "jarvis"}};
  ctx.upsert_search_attributes(attributes);
  co_await ctx.sleep(10ms);
  co_return nullptr;
}

// A counter changed by updates: `add` validates its input and returns the new total.
Task<Json> Accumulator(WorkflowContext& ctx, Json) {
  int64_t total = 0;
  bool done = false;
  ctx.on_update(
      "add",
      [&](const Json& n) {
        total += n.get<int64_t>();
        return Json(total);
      },
      [](const Json& n) {
        if (!n.is_number_integer() || n.get<int64_t>() < 0) {
          throw std::invalid_argument("add takes a non-negative integer");
        }
      });
  ctx.on_update("finish", [&](const Json&) {
    done = true;
    return Json(total);
  });
  ctx.on_query("total", [&](const Json&) { return Json(total); });
  // An update that awaits: the amount goes through an activity before it counts.
  ctx.on_update_async("add_checked", [&](const Json& n) -> Task<Json> {
    Json checked = co_await ctx.execute_activity("echo", n, Quick());
    total += checked.get<int64_t>();
    co_return Json(total);
  });
  co_await ctx.wait_condition([&] { return done; });
  co_return total;
}

class WorkflowFeaturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status opened = backend_.Open(dir_.File("endure.db"), /*remote=*/false);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    client_ = std::make_unique<Client>(backend_.client());
    worker_ =
        std::make_unique<Worker>(backend_.service().get(), WorkerOptions{.task_queue = "features"});
    for (const auto& [name, fn] :
         std::vector<std::pair<std::string, WorkflowFunction>>{{"Counter", Counter},
                                                               {"Unpatched", Unpatched},
                                                               {"Deprecated", Deprecated},
                                                               {"Patched", Patched},
                                                               {"CleansUp", CleansUp},
                                                               {"Doubler", Doubler},
                                                               {"Failer", Failer},
                                                               {"Parent", Parent},
                                                               {"Waiter", Waiter},
                                                               {"Pinger", Pinger},
                                                               {"Tagger", Tagger},
                                                               {"Accumulator", Accumulator}}) {
      worker_->RegisterWorkflow(name, fn);
    }
    worker_->RegisterActivity("echo", [](ActivityContext&, const Json& v) { return v; });
    ASSERT_TRUE(worker_->Start().ok());
  }
  void TearDown() override {
    worker_.reset();
    backend_.Close();
  }

  WorkflowHandle Start(const std::string& type, const std::string& id, const Json& input) {
    auto w = client_->StartWorkflow(type, input, {.id = id, .task_queue = "features"});
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    return w.ok() ? *w : WorkflowHandle{id, ""};
  }

  bool HasEvent(const WorkflowHandle& w, enums::EventType type) {
    auto history = client_->FetchHistory(w);
    if (!history.ok()) return false;
    for (const auto& e : history->events()) {
      if (e.event_type() == type) return true;
    }
    return false;
  }

  storage::testing::TempDir dir_;
  test_support::TestBackend backend_;
  std::unique_ptr<Client> client_;
  std::unique_ptr<Worker> worker_;
};

TEST_F(WorkflowFeaturesTest, ContinuesAsNewUntilDone) {
  const auto w = Start("Counter", "counter", Json{{"n", 0}, {"target", 3}});
  auto result = client_->GetResult(w);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, 3);
  auto first = client_->Describe(w);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->status, "ContinuedAsNew");
}

TEST_F(WorkflowFeaturesTest, PatchedCodeReplaysOldAndNewHistories) {
  const auto old_run = Start("Unpatched", "old", nullptr);
  ASSERT_TRUE(client_->GetResult(old_run).ok());
  const auto new_run = Start("Patched", "new", nullptr);
  auto result = client_->GetResult(new_run);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, "ab");
  EXPECT_TRUE(HasEvent(new_run, enums::EVENT_TYPE_MARKER_RECORDED));

  // The patched code replays the history written before the patch, and its own.
  auto old_history = client_->FetchHistory(old_run);
  auto new_history = client_->FetchHistory(new_run);
  ASSERT_TRUE(old_history.ok() && new_history.ok());
  EXPECT_TRUE(ReplayHistory(Patched, *old_history).ok());
  EXPECT_TRUE(ReplayHistory(Patched, *new_history).ok());
  // The unpatched code does not replay the patched history.
  EXPECT_EQ(ReplayHistory(Unpatched, *new_history).code(), kNonDeterminism);
}

TEST_F(WorkflowFeaturesTest, DeprecatedPatchesReplayWithAndWithoutTheirMarkers) {
  const auto patched_run = Start("Patched", "patched", nullptr);
  ASSERT_TRUE(client_->GetResult(patched_run).ok());
  const auto deprecated_run = Start("Deprecated", "deprecated", nullptr);
  auto result = client_->GetResult(deprecated_run);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, "ab");
  auto patched_history = client_->FetchHistory(patched_run);
  auto deprecated_history = client_->FetchHistory(deprecated_run);
  ASSERT_TRUE(patched_history.ok() && deprecated_history.ok());
  // deprecate_patch replays histories of the patched code and its own.
  Status replay = ReplayHistory(Deprecated, *patched_history);
  EXPECT_TRUE(replay.ok()) << replay.ToString();
  replay = ReplayHistory(Deprecated, *deprecated_history);
  EXPECT_TRUE(replay.ok()) << replay.ToString();
  // Code without the call replays the deprecated marker's history, not the patched one's.
  replay = ReplayHistory(PatchGone, *deprecated_history);
  EXPECT_TRUE(replay.ok()) << replay.ToString();
  EXPECT_EQ(ReplayHistory(PatchGone, *patched_history).code(), kNonDeterminism);
}

TEST_F(WorkflowFeaturesTest, CancellationRunsNonCancellableCleanup) {
  const auto w = Start("CleansUp", "cleanup", nullptr);
  for (int i = 0; i < 200 && !HasEvent(w, enums::EVENT_TYPE_TIMER_STARTED); ++i) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(client_->Cancel(w, "no longer needed").ok());
  auto result = client_->GetResult(w);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("canceled"), std::string::npos);
  EXPECT_TRUE(HasEvent(w, enums::EVENT_TYPE_TIMER_CANCELED));
  EXPECT_TRUE(HasEvent(w, enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED));  // The cleanup ran.
  EXPECT_TRUE(HasEvent(w, enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED));
  auto history = client_->FetchHistory(w);
  ASSERT_TRUE(history.ok());
  Status replay = ReplayHistory(CleansUp, *history);
  EXPECT_TRUE(replay.ok()) << replay.ToString();
}

TEST_F(WorkflowFeaturesTest, ChildWorkflowsReturnResultsAndFailures) {
  const auto w = Start("Parent", "parent", nullptr);
  auto result = client_->GetResult(w);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ((*result)["doubled"], 42);
  EXPECT_EQ((*result)["failure"], "ChildTrouble");
  auto history = client_->FetchHistory(w);
  ASSERT_TRUE(history.ok());
  Status replay = ReplayHistory(Parent, *history);
  EXPECT_TRUE(replay.ok()) << replay.ToString();
}

TEST_F(WorkflowFeaturesTest, SignalsAnotherWorkflow) {
  const auto waiter = Start("Waiter", "waiter", nullptr);
  const auto pinger = Start("Pinger", "pinger", "waiter");
  ASSERT_TRUE(client_->GetResult(pinger).ok());
  auto got = client_->GetResult(waiter);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "hello");
}

TEST_F(WorkflowFeaturesTest, UpdatesAreValidatedHandledAndReplayed) {
  const auto w = Start("Accumulator", "accumulator", nullptr);
  auto first = client_->Update(w, "add", 5);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, 5);
  auto rejected = client_->Update(w, "add", -1);
  ASSERT_FALSE(rejected.ok());
  EXPECT_NE(rejected.status().message().find("non-negative"), std::string::npos)
      << rejected.status().ToString();
  auto unknown = client_->Update(w, "subtract", 1);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("UpdateNotRegistered"), std::string::npos);
  auto second = client_->Update(w, "add", 7);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, 12);
  auto checked = client_->Update(w, "add_checked", 30);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_EQ(*checked, 42);
  EXPECT_TRUE(HasEvent(w, enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED));
  auto total = client_->Query(w, "total");
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(*total, 42);
  ASSERT_TRUE(client_->Update(w, "finish").ok());
  auto result = client_->GetResult(w);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, 42);
  EXPECT_TRUE(HasEvent(w, enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED));
  EXPECT_TRUE(HasEvent(w, enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED));
  auto history = client_->FetchHistory(w);
  ASSERT_TRUE(history.ok());
  Status replay = ReplayHistory(Accumulator, *history);
  EXPECT_TRUE(replay.ok()) << replay.ToString();
}

TEST_F(WorkflowFeaturesTest, UpsertsSearchAttributesVisibleToLists) {
  temporal::api::operatorservice::v1::AddSearchAttributesRequest add;
  add.set_namespace_("default");
  (*add.mutable_search_attributes())["Project"] =
      temporal::api::enums::v1::INDEXED_VALUE_TYPE_KEYWORD;
  ASSERT_TRUE(backend_.engine()->frontend()->AddSearchAttributes(add).ok());
  const auto w = Start("Tagger", "tagger", nullptr);
  ASSERT_TRUE(client_->GetResult(w).ok());
  auto listed = client_->List("Project = 'jarvis'");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].workflow_id, "tagger");
}

}  // namespace
}  // namespace endure::runtime
