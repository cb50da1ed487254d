// Crash recovery of a host process: ModelTrainingWorkflow runs in a host (training_host) that is
// killed with SIGKILL part-way; a new host on the same file finishes the run. The result is what
// an uninterrupted training gives, bit for bit, and the chunks completed before the kill are not
// trained again (each chunk's activity is scheduled once; only the one in flight may retry).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "activities/registry.h"
#include "runtime/engine.h"
#include "runtime/worker/worker.h"
#include "tests/storage/store_test_util.h"
#include "tests/workflows/training_input.h"
#include "workflows/jarvis_workflows.h"

namespace endure {
namespace {

// Starts the host with its stdout on a pipe.
struct Host {
  pid_t pid = -1;
  FILE* out = nullptr;
};

Host Spawn(const std::string& db) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  Host host;
  host.pid = fork();
  if (host.pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    execl(ENDURE_TRAINING_HOST, ENDURE_TRAINING_HOST, db.c_str(), nullptr);
    _exit(127);
  }
  close(fds[1]);
  host.out = fdopen(fds[0], "r");
  return host;
}

// The line the host prints next, without its newline; empty at its end.
std::string Line(FILE* f) {
  char buffer[65536];
  if (fgets(buffer, sizeof buffer, f) == nullptr) return "";
  std::string line(buffer);
  if (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

TEST(TrainingCrashTest, AKilledHostsTrainingFinishesInTheNextWithoutRedoingChunks) {
  storage::testing::TempDir dir;
  const std::string db = dir.File("host.db");

  Host first = Spawn(db);
  // Killed once at least three of the ten chunks are done (the host reports as it polls).
  for (std::string line = Line(first.out);; line = Line(first.out)) {
    ASSERT_FALSE(line.empty() || line.rfind("result", 0) == 0)
        << "the host ended before three chunks were trained";
    if (line.rfind("chunks ", 0) == 0 && std::stoi(line.substr(7)) >= 3) break;
  }
  kill(first.pid, SIGKILL);
  int status = 0;
  waitpid(first.pid, &status, 0);
  fclose(first.out);

  Host second = Spawn(db);
  std::string result;
  for (std::string line = Line(second.out); !line.empty(); line = Line(second.out)) {
    if (line.rfind("result ", 0) == 0) result = line.substr(7);
  }
  waitpid(second.pid, &status, 0);
  fclose(second.out);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_FALSE(result.empty());
  const runtime::Json recovered = runtime::Json::parse(result);
  EXPECT_EQ(recovered["step"], 3000);
  EXPECT_EQ(recovered["chunks"], 10);

  // The run's history: every chunk scheduled exactly once.
  auto engine = runtime::Engine::Open({.db_path = db});
  ASSERT_TRUE(engine.ok());
  auto history = (*engine)->client().FetchHistory({testing_input::kTrainingId, ""});
  ASSERT_TRUE(history.ok());
  int scheduled = 0;
  for (const auto& e : history->events()) {
    if (e.has_activity_task_scheduled_event_attributes()) ++scheduled;
  }
  EXPECT_EQ(scheduled, 10);
  (*engine)->Shutdown();

  // The same training, uninterrupted, in this process: the same weights to the last bit.
  auto clean = runtime::Engine::Open({.db_path = dir.File("clean.db")});
  ASSERT_TRUE(clean.ok());
  runtime::Worker worker((*clean)->service().get(), {.task_queue = workflows::kJarvisTaskQueue});
  for (auto& [name, fn] : workflows::JarvisWorkflows()) worker.RegisterWorkflow(name, fn);
  for (auto& [name, fn] : activities::JarvisActivities()) worker.RegisterActivity(name, fn);
  ASSERT_TRUE(worker.Start().ok());
  auto client = (*clean)->client();
  auto run = client.StartWorkflow("ModelTrainingWorkflow", testing_input::TrainingInput(),
                                  {.id = "clean", .task_queue = workflows::kJarvisTaskQueue});
  ASSERT_TRUE(run.ok());
  auto expected = client.GetResult(*run);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  EXPECT_EQ(recovered["weights"], (*expected)["weights"]);
  EXPECT_EQ(recovered["bias"], (*expected)["bias"]);
  EXPECT_EQ(recovered["accuracy"], (*expected)["accuracy"]);
  worker.Shutdown();
  (*clean)->Shutdown();
}

}  // namespace
}  // namespace endure
