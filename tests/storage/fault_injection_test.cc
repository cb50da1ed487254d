// Fault injection: an I/O error at every write and every flush position of a scenario, in turn.
// Whatever fails, every acknowledged transition must be there after a reopen, nothing may be
// partly present, and the store must take new writes.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <map>

#include "storage/sqlite/fault_vfs.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace endure::storage {
namespace {

using sqlite::FaultVfs;
using testing::TempDir;
using testing::ToyRun;

constexpr int kRuns = 4;
constexpr int kSteps = 5;

struct Outcome {
  std::map<std::string, int64_t> acked;  // run id -> highest acknowledged step
  int failures = 0;
};

// Commits kSteps steps of kRuns runs, interleaved; a run stops at its first failed step (its
// later steps would only conflict).
Outcome RunScenario(Store& store) {
  Outcome out;
  std::vector<ToyRun> runs;
  for (int r = 0; r < kRuns; ++r) {
    runs.push_back({WorkflowId("wf-" + std::to_string(r)), RunId("run-" + std::to_string(r))});
  }
  std::vector<bool> stopped(kRuns, false);
  for (int step = 1; step <= kSteps; ++step) {
    for (int r = 0; r < kRuns; ++r) {
      if (stopped[r]) continue;
      Status s = runs[r].Commit(store, step);
      if (s.ok()) {
        out.acked[runs[r].run_id.value()] = step;
      } else {
        stopped[r] = true;
        ++out.failures;
      }
    }
  }
  return out;
}

// Runs the scenario with the nth write (or sync) failing, for n = 1, 2, ... until a scenario
// completes without reaching the fault. Returns how many positions were tried.
template <typename Arm>
int EveryPosition(bool group_commit, Arm arm, const char* what) {
  int positions = 0;
  int with_failures = 0;
  for (int64_t n = 1; n < 1000; ++n) {
    TempDir dir;
    StoreOptions options;
    options.path = dir.File("faults.db");
    options.group_commit = group_commit;
    options.vfs_for_testing = FaultVfs::kName;
    Outcome outcome;
    {
      auto store = Store::Open(options);
      EXPECT_TRUE(store.ok()) << store.status().ToString();
      if (!store.ok()) return positions;
      arm(n);
      outcome = RunScenario(**store);
    }
    const bool fired = FaultVfs::Fired();
    FaultVfs::Disarm();
    if (!fired) break;
    ++positions;
    if (outcome.failures > 0) ++with_failures;
    Status recovered = testing::CheckRecovered(options.path, outcome.acked, "run-", "probe");
    EXPECT_TRUE(recovered.ok()) << what << " " << n << ": " << recovered.ToString();
    if (!recovered.ok()) break;
  }
  std::printf("%s faults: %d positions, %d of them failed a commit\n", what, positions,
              with_failures);
  return positions;
}

TEST(FaultInjectionTest, AFailedWriteAnywhereLosesNothingAcknowledged) {
  const int positions = EveryPosition(
      true, [](int64_t n) { FaultVfs::FailWrite(n); }, "write");
  EXPECT_GT(positions, 20) << "the scenario reached too few writes to prove much";
}

TEST(FaultInjectionTest, AFailedSyncAnywhereLosesNothingAcknowledged) {
  // Without group commit SQLite flushes inside each COMMIT, through the VFS.
  const int positions = EveryPosition(
      false, [](int64_t n) { FaultVfs::FailSync(n); }, "sync");
  EXPECT_GT(positions, 10) << "the scenario reached too few syncs to prove much";
}

// An Env whose nth SyncData fails with EIO.
class FailingSyncEnv final : public Env {
 public:
  explicit FailingSyncEnv(int64_t nth) : left_(nth) {}
  TimePoint Now() override { return Env::Default()->Now(); }
  std::unique_ptr<Thread> StartThread(std::string name, std::function<void()> body) override {
    return Env::Default()->StartThread(std::move(name), std::move(body));
  }
  int SyncData(int fd) override {
    if (left_.fetch_sub(1) == 1) return EIO;
    return Env::Default()->SyncData(fd);
  }
  void RandomBytes(void* out, size_t n) override { Env::Default()->RandomBytes(out, n); }

 private:
  std::atomic<int64_t> left_;
};

TEST(FaultInjectionTest, AFailedWalFlushIsReportedAndNothingIsCorrupted) {
  for (int64_t n = 1; n <= 8; ++n) {
    SCOPED_TRACE("flush " + std::to_string(n));
    TempDir dir;
    FailingSyncEnv env(n);
    StoreOptions options;
    options.path = dir.File("flush.db");
    options.env = &env;
    Outcome outcome;
    {
      auto store = Store::Open(options);
      ASSERT_TRUE(store.ok());
      outcome = RunScenario(**store);
    }
    // The flush failed once: whoever it covered was told DATA_LOSS, not OK.
    EXPECT_GE(outcome.failures, 1);
    Status recovered = testing::CheckRecovered(options.path, outcome.acked, "run-", "probe");
    EXPECT_TRUE(recovered.ok()) << recovered.ToString();
  }
}

}  // namespace
}  // namespace endure::storage
