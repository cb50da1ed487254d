// JARVIS's workflows end to end, with the real activities on real inputs (a small repository
// and SQLite files made for each test), each on the embedded engine and against a dev server
// over gRPC; each history then replays.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "activities/registry.h"
#include "runtime/client/client.h"
#include "runtime/engine.h"
#include "runtime/replay/replayer.h"
#include "runtime/worker/worker.h"
#include "tests/runtime/test_backend.h"
#include "tests/storage/store_test_util.h"
#include "workflows/jarvis_workflows.h"

namespace endure::workflows {
namespace {

using namespace std::chrono_literals;
using runtime::Client;
using runtime::WorkflowHandle;
namespace fs = std::filesystem;

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string Read(const fs::path& path) {
  std::stringstream s;
  s << std::ifstream(path).rdbuf();
  return s.str();
}

// The parameter: false runs embedded (Engine), true against a dev server over gRPC.
class JarvisWorkflowsTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    Status opened = backend_.Open(dir_.File("endure.db"), GetParam());
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    service_ = backend_.service();
    client_ = std::make_unique<Client>(backend_.client());
    worker_ = std::make_unique<runtime::Worker>(
        service_.get(), runtime::WorkerOptions{.task_queue = kJarvisTaskQueue});
    for (auto& [name, fn] : JarvisWorkflows()) worker_->RegisterWorkflow(name, fn);
    for (auto& [name, fn] : activities::JarvisActivities()) worker_->RegisterActivity(name, fn);
    ASSERT_TRUE(worker_->Start().ok());
    repo_ = fs::path(dir_.path()) / "repo";
    Write(repo_ / "src/main.cc",
          "#include <cstdio>\n\nint Add(int a, int b) {  \n  if (a > 0 && b > 0) {\n"
          "    return a + b;\n  }\n  return 0;\n}\n");
    Write(repo_ / "tools/run.py", "import os\n\ndef run(cmd):\n    os.system(cmd)\n");
  }
  void TearDown() override {
    worker_.reset();
    client_.reset();
    service_.reset();
    backend_.Close();
  }

  WorkflowHandle Start(const std::string& type, const std::string& id, const runtime::Json& in) {
    auto w = client_->StartWorkflow(type, in, {.id = id, .task_queue = kJarvisTaskQueue});
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    return w.ok() ? *w : WorkflowHandle{id, ""};
  }

  runtime::Json Await(const WorkflowHandle& w) {
    auto result = client_->GetResult(w, 60s);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : runtime::Json();
  }

  // Waits until `query` answers with `key` equal to `value`.
  void AwaitQuery(const WorkflowHandle& w, const std::string& query, const std::string& key,
                  const runtime::Json& value) {
    for (int i = 0; i < 1000; ++i) {
      auto answer = client_->Query(w, query);
      if (answer.ok() && (*answer)[key] == value) return;
      std::this_thread::sleep_for(10ms);
    }
    FAIL() << query << " never answered " << key << " = " << value.dump();
  }

  void ExpectReplays(const WorkflowHandle& w, const runtime::WorkflowFunction& fn) {
    auto history = client_->FetchHistory(w);
    ASSERT_TRUE(history.ok());
    Status s = runtime::ReplayHistory(fn, *history);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

  storage::testing::TempDir dir_;
  runtime::test_support::TestBackend backend_;
  std::shared_ptr<runtime::Service> service_;
  std::unique_ptr<Client> client_;
  std::unique_ptr<runtime::Worker> worker_;
  fs::path repo_;
};

INSTANTIATE_TEST_SUITE_P(EmbeddedAndRemote, JarvisWorkflowsTest, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "Remote" : "Embedded"; });

TEST_P(JarvisWorkflowsTest, CodeAnalysisFansOutOneResultPerType) {
  runtime::Json input = {{"repo_path", repo_.string()},
                         {"analysis_types", {"static", "security", "complexity"}}};
  const auto w = Start("CodeAnalysisWorkflow", "analysis", input);
  runtime::Json result = Await(w);
  EXPECT_EQ(result["results"]["static"]["totals"]["files"], 2);
  EXPECT_GE(result["results"]["security"]["summary"]["total"].get<int>(), 1);  // os.system
  EXPECT_FALSE(result["results"]["complexity"]["top_functions"].empty());
  ExpectReplays(w, CodeAnalysisWorkflow);

  runtime::Json bad = {{"repo_path", repo_.string()}, {"analysis_types", {"astrology"}}};
  auto failed = client_->GetResult(Start("CodeAnalysisWorkflow", "bad-analysis", bad), 30s);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("UnknownAnalysisType"), std::string::npos);
}

TEST_P(JarvisWorkflowsTest, SelfImprovementRevertsWhatItAppliedWhenTestsFail) {
  const std::string before = Read(repo_ / "src/main.cc");
  runtime::Json input = {{"repo_path", repo_.string()},
                         {"auto_apply", true},
                         {"confidence_threshold", 0.5},
                         {"test_command", "exit 3"}};
  const auto w = Start("SelfImprovementWorkflow", "improve-fail", input);
  runtime::Json result = Await(w);
  EXPECT_EQ(result["stage"], "reverted");
  EXPECT_EQ(result["tests"]["exit_code"], 3);
  EXPECT_FALSE(result["applied"].empty());
  EXPECT_EQ(Read(repo_ / "src/main.cc"), before);  // The trailing spaces are back.
  ExpectReplays(w, SelfImprovementWorkflow);
}

TEST_P(JarvisWorkflowsTest, SelfImprovementWaitsForApprovalAndKeepsPassingChanges) {
  runtime::Json input = {{"repo_path", repo_.string()},
                         {"auto_apply", false},
                         {"confidence_threshold", 0.9},
                         {"test_command", "true"}};
  const auto w = Start("SelfImprovementWorkflow", "improve-ok", input);
  AwaitQuery(w, "get_progress", "stage", "awaiting_approval");
  auto progress = client_->Query(w, "get_progress");
  ASSERT_TRUE(progress.ok());
  runtime::Json ids = runtime::Json::array();
  for (const auto& c : (*progress)["proposed"]) ids.push_back(c["id"]);
  ASSERT_FALSE(ids.empty());
  ASSERT_TRUE(client_->Signal(w, "approve_changes", ids).ok());
  runtime::Json result = Await(w);
  EXPECT_EQ(result["stage"], "completed");
  EXPECT_EQ(result["tests"]["passed"], true);
  EXPECT_EQ(Read(repo_ / "src/main.cc").find("{  \n"), std::string::npos);  // Applied.
  ExpectReplays(w, SelfImprovementWorkflow);
}

TEST_P(JarvisWorkflowsTest, ModelTrainingTrainsInChunksAndPausesOnSignal) {
  runtime::Json input = {{"model_id", "jarvis-lr"},
                         {"training_config",
                          {{"num_steps", 400},
                           {"chunk_steps", 100},
                           {"learning_rate", 0.1},
                           {"batch_size", 32},
                           {"target_accuracy", 1.01}}}};
  const auto w = Start("ModelTrainingWorkflow", "training", input);
  ASSERT_TRUE(client_->Signal(w, "pause_training").ok());
  AwaitQuery(w, "get_training_progress", "status", "paused");
  ASSERT_TRUE(client_->Signal(w, "resume_training").ok());
  runtime::Json result = Await(w);
  EXPECT_EQ(result["status"], "completed");
  EXPECT_EQ(result["step"], 400);
  EXPECT_EQ(result["chunks"], 4);
  EXPECT_GT(result["accuracy"].get<double>(), 0.6);
  EXPECT_EQ(result["weights"].size(), 8u);
  ExpectReplays(w, ModelTrainingWorkflow);
}

TEST_P(JarvisWorkflowsTest, LongRunningMigrationCopiesEveryRowAcrossPauseAndResume) {
  const std::string source = dir_.File("source.db");
  const std::string target = dir_.File("target.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(source.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT);"
                         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                         "WHERE i < 2500) INSERT INTO items SELECT i, 'item ' || i FROM n;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  runtime::Json input = {
      {"task_id", "migrate-items"},
      {"task_type", "data_migration"},
      {"parameters",
       {{"source_db", source}, {"target_db", target}, {"table", "items"}, {"batch_size", 1000}}}};
  const auto w = Start("LongRunningTaskWorkflow", "migration", input);
  ASSERT_TRUE(client_->Signal(w, "pause").ok());
  AwaitQuery(w, "get_status", "status", "paused");
  ASSERT_TRUE(client_->Signal(w, "resume").ok());
  runtime::Json result = Await(w);
  EXPECT_EQ(result["status"], "completed");
  EXPECT_EQ(result["rows_copied"], 2500);
  EXPECT_EQ(result["total_rows"], 2500);
  EXPECT_EQ(result["batches_done"], 3);
  ExpectReplays(w, LongRunningTaskWorkflow);

  // Cancelled by signal: it stops at the next step boundary and says so.
  input["task_id"] = "migrate-again";
  const auto again = Start("LongRunningTaskWorkflow", "migration-2", input);
  ASSERT_TRUE(client_->Signal(again, "pause").ok());
  ASSERT_TRUE(client_->Signal(again, "cancel").ok());
  EXPECT_EQ(Await(again)["status"], "cancelled");
}

}  // namespace
}  // namespace endure::workflows
