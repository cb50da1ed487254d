// RunTests: exit codes, output, timeouts and cancellation of real processes.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "activities/test_runner.h"
#include "tests/activities/fake_activity_context.h"
#include "tests/activities/temp_dir.h"

namespace endure::activities {
namespace {

using runtime::Json;
using testing::FakeActivityContext;
using testing::TempDir;

// Whether process `pid` still runs (a zombie waiting for its parent to reap it does not).
bool Alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  if (text.empty()) return false;
  const size_t paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z';
}

// Whether `pid` is still alive two seconds from now: a SIGKILL is delivered asynchronously, so
// the process may take a moment to be gone after the activity returns.
bool Running(pid_t pid) {
  for (int i = 0; i < 200 && Alive(pid); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Alive(pid);
}

TEST(RunTestsTest, ReportsExitCodeAndOutputFromTheRepository) {
  TempDir repo;
  repo.Write("marker.txt", "here");
  FakeActivityContext ctx;
  const Json result =
      RunTests(ctx, {{"repo_path", repo.str()},
                     {"command", "cat marker.txt; echo; echo out; echo err >&2; exit 3"},
                     {"timeout_seconds", 30}});
  EXPECT_EQ(result["exit_code"], 3);
  EXPECT_EQ(result["passed"], false);
  EXPECT_EQ(result["timed_out"], false);
  EXPECT_EQ(result["output_tail"], "here\nout\nerr\n");
  EXPECT_EQ(result["output_bytes"], 13);
  EXPECT_FALSE(result.contains("signal"));
  EXPECT_GE(result["duration_ms"].get<int64_t>(), 0);
}

TEST(RunTestsTest, ZeroExitPasses) {
  TempDir repo;
  FakeActivityContext ctx;
  const Json result = RunTests(ctx, {{"repo_path", repo.str()}, {"command", "true"}});
  EXPECT_EQ(result["exit_code"], 0);
  EXPECT_EQ(result["passed"], true);
  EXPECT_EQ(result["output_tail"], "");
}

TEST(RunTestsTest, KeepsTheLastFourKibibytes) {
  TempDir repo;
  FakeActivityContext ctx;
  const Json result =
      RunTests(ctx, {{"repo_path", repo.str()},
                     {"command", "i=0; while [ $i -lt 2000 ]; do echo line$i; i=$((i+1)); done"}});
  EXPECT_EQ(result["passed"], true);
  const std::string tail = result["output_tail"];
  EXPECT_EQ(tail.size(), 4096u);
  EXPECT_TRUE(tail.ends_with("line1998\nline1999\n"));
  // 10 * 6 + 90 * 7 + 900 * 8 + 1000 * 9 bytes of "lineN\n".
  EXPECT_EQ(result["output_bytes"], 60 + 630 + 7200 + 9000);
}

TEST(RunTestsTest, InvalidUtf8OutputIsRepaired) {
  TempDir repo;
  FakeActivityContext ctx;
  const Json result = RunTests(ctx, {{"repo_path", repo.str()}, {"command", "printf 'a\\377b'"}});
  EXPECT_EQ(result["output_tail"],
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_NO_THROW(result.dump());
}

TEST(RunTestsTest, TimeoutKillsTheProcessGroup) {
  TempDir repo;
  FakeActivityContext ctx;
  const Json result = RunTests(ctx, {{"repo_path", repo.str()},
                                     {"command", "sleep 5 & echo $! > child.pid; wait"},
                                     {"timeout_seconds", 1}});
  EXPECT_EQ(result["timed_out"], true);
  EXPECT_EQ(result["passed"], false);
  EXPECT_EQ(result["signal"], SIGTERM);
  EXPECT_EQ(result["exit_code"], 128 + SIGTERM);
  EXPECT_GE(result["duration_ms"].get<int64_t>(), 1000);
  EXPECT_LT(result["duration_ms"].get<int64_t>(), 4000);
  const pid_t child = std::stoi(repo.Read("child.pid"));
  EXPECT_FALSE(Running(child));
}

TEST(RunTestsTest, LeftoverProcessesDoNotHoldTheResult) {
  TempDir repo;
  FakeActivityContext ctx;
  const auto start = std::chrono::steady_clock::now();
  const Json result = RunTests(ctx, {{"repo_path", repo.str()},
                                     {"command", "sleep 30 & echo $! > child.pid; echo started"},
                                     {"timeout_seconds", 60}});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(result["passed"], true);
  EXPECT_EQ(result["output_tail"], "started\n");
  EXPECT_FALSE(Running(std::stoi(repo.Read("child.pid"))));
}

TEST(RunTestsTest, HeartbeatsWhileRunningAndStopsWhenCancelled) {
  TempDir repo;
  FakeActivityContext ctx;
  ctx.CancelAfterHeartbeats(1);  // The first heartbeat's response says "cancelled".
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(RunTests(ctx, {{"repo_path", repo.str()},
                              {"command", "sleep 5 & echo $! > child.pid; wait"},
                              {"timeout_seconds", 60}}),
               runtime::CancelledError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  const auto beats = ctx.heartbeats();
  ASSERT_EQ(beats.size(), 1u);
  EXPECT_GE(beats[0]["elapsed_ms"].get<int64_t>(), 1000);
  EXPECT_FALSE(Running(std::stoi(repo.Read("child.pid"))));
}

TEST(RunTestsTest, InvalidInputs) {
  TempDir repo;
  FakeActivityContext ctx;
  const auto type_of = [&](const Json& input) -> std::string {
    try {
      RunTests(ctx, input);
    } catch (const runtime::ApplicationError& e) {
      EXPECT_TRUE(e.non_retryable());
      return e.type();
    }
    return "none";
  };
  EXPECT_EQ(type_of({{"repo_path", "/nonexistent"}, {"command", "true"}}), "InvalidRepository");
  EXPECT_EQ(type_of({{"repo_path", repo.str()}}), "InvalidInput");
  EXPECT_EQ(type_of({{"repo_path", repo.str()}, {"command", ""}}), "InvalidInput");
  EXPECT_EQ(type_of({{"repo_path", repo.str()}, {"command", "true"}, {"timeout_seconds", 0}}),
            "InvalidInput");
}

}  // namespace
}  // namespace endure::activities
