// The child of the crash test: commits toy-run transitions from several threads as fast as it
// can and reports each acknowledged one on stdout as "<run_id> <db_version>\n", until killed.
//
// Usage: storage_crash_writer DB_PATH ROUND THREADS
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "storage/store.h"
#include "tests/storage/store_test_util.h"

using endure::RunId;
using endure::WorkflowId;
using endure::storage::Store;
using endure::storage::StoreOptions;
using endure::storage::testing::ToyRun;

namespace {

constexpr int kStepsPerRun = 5;

// One write(2) per line: atomic on a pipe (well under PIPE_BUF), so the parent never sees half
// a line, and nothing sits in a user-space buffer when the process is killed.
void Report(const RunId& run, int64_t version) {
  std::string line = run.value() + " " + std::to_string(version) + "\n";
  if (write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    std::_Exit(3);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DB_PATH ROUND THREADS\n", argv[0]);
    return 2;
  }
  StoreOptions options;
  options.path = argv[1];
  const std::string round = argv[2];
  const int threads = std::atoi(argv[3]);
  auto store = Store::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "open failed: %s\n", store.status().ToString().c_str());
    return 1;
  }
  std::vector<std::thread> writers;
  for (int t = 0; t < threads; ++t) {
    writers.emplace_back([&, t] {
      for (int k = 0;; ++k) {
        std::string id = "r" + round + "-t" + std::to_string(t) + "-" + std::to_string(k);
        ToyRun run{WorkflowId("wf-" + id), RunId(id)};
        for (int version = 1; version <= kStepsPerRun; ++version) {
          endure::Status s = run.Commit(**store, version);
          if (!s.ok()) {
            std::fprintf(stderr, "commit failed: %s\n", s.ToString().c_str());
            std::_Exit(1);
          }
          Report(run.run_id, version);
        }
      }
    });
  }
  for (auto& w : writers) w.join();  // Never returns: the parent kills us.
  return 0;
}
