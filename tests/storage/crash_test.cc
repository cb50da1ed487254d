// Crash test: a child process commits transitions and reports each acknowledged one over a pipe;
// the parent kills it with SIGKILL at a random moment, reopens the database and checks that
// every acknowledged transition is wholly present, that no transition is partly present, and
// that new writes succeed. The seed is fixed (ENDURE_CRASH_SEED overrides it) so a failure
// reproduces.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace endure::storage {
namespace {

using testing::TempDir;
using testing::ToyRun;

constexpr int kRounds = 40;
constexpr int kWriterThreads = 6;

struct ChildRun {
  std::map<std::string, int64_t> acked;  // run id -> highest acknowledged version
  int lines = 0;
};

// Starts the writer, lets it run for `delay` after its first acknowledgement (or from the start
// when `from_spawn`), kills it, and returns every acknowledgement it wrote.
ChildRun RunAndKill(const std::string& db, int round, std::chrono::milliseconds delay,
                    bool from_spawn) {
  int fds[2];
  ENDURE_CHECK(pipe(fds) == 0);
  pid_t pid = fork();
  ENDURE_CHECK(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::string round_arg = std::to_string(round);
    std::string threads_arg = std::to_string(kWriterThreads);
    execl(ENDURE_CRASH_WRITER, ENDURE_CRASH_WRITER, db.c_str(), round_arg.c_str(),
          threads_arg.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);

  std::string output;
  char buffer[65536];
  auto deadline = std::chrono::steady_clock::now() + delay;
  bool started = from_spawn;
  bool killed = false;
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    if (started && !killed && now >= deadline) {
      kill(pid, SIGKILL);
      killed = true;
    }
    int timeout_ms = killed ? 1000 : 5;
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) {
      if (!killed) continue;
      break;  // Killed and nothing more to read within a second: the pipe is drained.
    }
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;  // EOF: the child is gone and everything it wrote has been read.
    output.append(buffer, static_cast<size_t>(n));
    if (!started) {
      started = true;
      deadline = std::chrono::steady_clock::now() + delay;
    }
  }
  close(fds[0]);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  EXPECT_TRUE(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL)
      << "the writer ended on its own (status " << wstatus << ") in round " << round;

  ChildRun out;
  std::istringstream lines(output);
  std::string run;
  int64_t version = 0;
  while (lines >> run >> version) {
    ++out.lines;
    int64_t& v = out.acked[run];
    v = std::max(v, version);
  }
  return out;
}

TEST(StorageCrashTest, AcknowledgedTransitionsSurviveSigkill) {
  const char* seed_env = std::getenv("ENDURE_CRASH_SEED");
  const unsigned seed = seed_env ? static_cast<unsigned>(std::atoi(seed_env)) : 20261127u;
  std::mt19937 rng(seed);
  SCOPED_TRACE("ENDURE_CRASH_SEED=" + std::to_string(seed));

  TempDir dir;
  const std::string db = dir.File("crash.db");
  int64_t total_acks = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    // Most rounds kill mid-stream; every fifth kills early, possibly while the store opens.
    const bool from_spawn = round % 5 == 4;
    auto delay =
        std::chrono::milliseconds(from_spawn ? std::uniform_int_distribution<int>(0, 40)(rng)
                                             : std::uniform_int_distribution<int>(1, 250)(rng));
    ChildRun child = RunAndKill(db, round, delay, from_spawn);
    total_acks += child.lines;

    const std::string round_name = std::to_string(round);
    Status recovered =
        testing::CheckRecovered(db, child.acked, "r" + round_name + "-", "probe-" + round_name);
    ASSERT_TRUE(recovered.ok()) << recovered.ToString();
  }

  // A final pass over everything ever written.
  StoreOptions options;
  options.path = db;
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok());
  auto raw = sqlite::Connection::Open(db, sqlite::OpenMode::kReadOnly);
  ASSERT_TRUE(raw.ok());
  auto ids = testing::AllRunIds(db);
  for (const RunId& id : ids) {
    Status s = testing::CheckRunConsistent(**store, **raw, id);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_GT(total_acks, kRounds) << "the writer barely wrote anything; the test proves little";
  std::printf("crash test: %d rounds, %lld acknowledged transitions, %zu runs verified\n", kRounds,
              static_cast<long long>(total_acks), ids.size());
}

}  // namespace
}  // namespace endure::storage
