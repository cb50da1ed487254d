// embedded_load: Endure embedded in a process, driven the way a host drives it, for
// bench/compare to set beside other engines. The C++ SDK's worker and client over one SQLite
// file at synchronous=FULL; the workflows are workflows/samples.h's. Each subcommand prints one
// JSON line of figures on stdout:
//
//   latency     one client, sequential workflows of --steps activities: p50/p99 start-to-result
//   throughput  --clients threads each starting a workflow and waiting for its result: the
//               workflows/s and state transitions/s (workflows/s x (steps + 1)) of the
//               --seconds after a --warmup, as bench/compare measures its peers
//   timers      --count workflows sleeping until one instant: lateness of the code's
//               resumption (against the instant), of the timers' firing (TimerFired's time
//               against when each was due), and how many fired exactly once
//   populate    --open workflows started and left open (no worker), for start-up figures
//
// With --address, the same worker and client drive a server over gRPC instead (the dev server,
// say): what the server does with a worker whose own cost is small, beside what it does with
// the TypeScript SDK's.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "runtime/engine.h"
#include "runtime/proto_time.h"
#include "runtime/worker/worker.h"
#include "temporal/api/enums/v1/event_type.pb.h"
#include "workflows/samples.h"

namespace endure::bench {
namespace {

using Clock = std::chrono::steady_clock;
using runtime::Json;
constexpr char kQueue[] = "embedded-load";

struct Flags {
  std::string db = "embedded_load.db";
  std::string address;  // A server over gRPC instead of an engine in this process.
  int steps = 1;
  int count = 200;
  int clients = 16;
  double seconds = 5;
  double warmup = 0;  // Seconds run before the measured window opens.
  int delay_ms = 5000;
  int open = 1000;
  int pollers = 16;
  std::string synchronous = "full";
  bool eager_start = true;  // Starts ask for eager execution on this process's worker.
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Host {
  std::unique_ptr<runtime::Engine> engine;  // Unless the host drives a server over gRPC.
  std::shared_ptr<runtime::Service> service;
  std::unique_ptr<runtime::Worker> worker;

  Host(const Flags& f, bool with_worker) {
    if (f.address.empty()) {
      auto opened = runtime::Engine::Open({.db_path = f.db,
                                           .durability = f.synchronous == "normal"
                                                             ? storage::Durability::kNormal
                                                             : storage::Durability::kFull,
                                           .namespaces = {}});
      if (!opened.ok()) {
        std::cerr << "embedded_load: --db " << f.db << ": " << opened.status().message() << "\n";
        std::exit(1);
      }
      engine = std::move(*opened);
      service = engine->service();
    } else {
      service = runtime::RemoteService(f.address);
    }
    if (with_worker) {
      worker = std::make_unique<runtime::Worker>(
          service.get(),
          runtime::WorkerOptions{
              .task_queue = kQueue, .workflow_pollers = f.pollers, .activity_pollers = f.pollers});
      for (auto& [name, fn] : workflows::SampleWorkflows()) worker->RegisterWorkflow(name, fn);
      for (auto& [name, fn] : workflows::SampleActivities()) worker->RegisterActivity(name, fn);
      if (auto started = worker->Start(); !started.ok()) {
        std::cerr << "embedded_load: the worker did not start: " << started.message() << "\n";
        std::exit(1);
      }
    }
  }
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;
  ~Host() {
    worker.reset();
    if (engine) engine->Shutdown();
  }

  // A client over the worker's own service, so that eager starts find the worker.
  runtime::Client client() const { return runtime::Client(service, "default"); }
};

// Starts a workflow and waits for its result; false if either failed.
bool RunOne(runtime::Client& client, const std::string& id, const char* type, const Json& input,
            bool eager_start) {
  auto w = client.StartWorkflow(
      type, input, {.id = id, .task_queue = kQueue, .request_eager_start = eager_start});
  if (!w.ok()) return false;
  return client.GetResult(*w).ok();
}

int Latency(const Flags& f) {
  Host host(f, true);
  runtime::Client client = host.client();
  std::vector<double> ms;
  for (int i = 0; i < f.count + 5; ++i) {
    const auto began = Clock::now();
    if (!RunOne(client, "latency-" + std::to_string(i), "steps", f.steps, f.eager_start)) return 1;
    if (i >= 5) ms.push_back(Millis(Clock::now() - began));  // The first few warm up.
  }
  std::cout << Json{{"p50_ms", Percentile(ms, 0.5)},
                    {"p99_ms", Percentile(ms, 0.99)},
                    {"count", ms.size()}}
                   .dump()
            << std::endl;
  return 0;
}

int Throughput(const Flags& f) {
  Host host(f, true);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> completed{0}, failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < f.clients; ++c) {
    clients.emplace_back([&, c] {
      runtime::Client client = host.client();
      for (int i = 0; !stop; ++i) {
        const std::string id = "tput-" + std::to_string(c) + "-" + std::to_string(i);
        (RunOne(client, id, "steps", f.steps, f.eager_start) ? completed : failed).fetch_add(1);
      }
    });
  }
  // The window opens after the warm-up: the threads, the caches and the database file have
  // grown to their working size by then, as the peers' have when bench/compare measures them.
  std::this_thread::sleep_for(std::chrono::duration<double>(f.warmup));
  const int64_t done_at_open = completed.load();
  const auto opened = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(f.seconds));
  const int64_t done_in_window = completed.load() - done_at_open;
  const double elapsed = Millis(Clock::now() - opened) / 1000.0;
  stop = true;
  for (auto& t : clients) t.join();
  const double per_s = static_cast<double>(done_in_window) / elapsed;
  std::cout << Json{{"workflows_per_s", per_s},
                    {"transitions_per_s", per_s * (f.steps + 1)},
                    {"completed", done_in_window},
                    {"failed", failed.load()}}
                   .dump()
            << std::endl;
  return failed.load() == 0 ? 0 : 1;
}

int Timers(const Flags& f) {
  Host host(f, true);
  const auto deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(f.delay_ms);
  const int64_t deadline_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline.time_since_epoch()).count();
  std::vector<runtime::WorkflowHandle> handles(static_cast<size_t>(f.count));
  std::atomic<int> next{0}, start_failures{0};
  std::vector<std::thread> starters;
  for (int t = 0; t < 16; ++t) {
    starters.emplace_back([&] {
      runtime::Client client = host.client();
      for (int i = next++; i < f.count; i = next++) {
        auto w = client.StartWorkflow("sleep_until", Json{{"deadline_ms", deadline_ms}},
                                      {.id = "timer-" + std::to_string(i),
                                       .task_queue = kQueue,
                                       .request_eager_start = f.eager_start});
        if (w.ok()) {
          handles[static_cast<size_t>(i)] = *w;
        } else {
          start_failures.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : starters) t.join();
  const bool started_in_time = std::chrono::system_clock::now() < deadline;

  std::vector<double> fire_ms, resume_ms;
  int fired = 0, doubled = 0, lost = 0;
  runtime::Client client = host.client();
  for (const auto& w : handles) {
    if (w.workflow_id.empty() || !client.GetResult(w, std::chrono::seconds(60)).ok()) {
      ++lost;
      continue;
    }
    auto history = client.FetchHistory(w);
    if (!history.ok()) {
      ++lost;
      continue;
    }
    // A timer is due its duration after the task that started it completed (TimerStarted's
    // time), a little after the instant the workflow computed it from: lateness is counted
    // from when it was due. The code's resumption is counted from the instant itself.
    int fires = 0;
    bool after_fire = false;
    std::chrono::system_clock::time_point due{};
    for (const auto& e : history->events()) {
      namespace enums = temporal::api::enums::v1;
      const auto at = runtime::TimeOf(e.event_time());
      if (e.has_timer_started_event_attributes()) {
        due = at + runtime::Millis(e.timer_started_event_attributes().start_to_fire_timeout());
      } else if (e.event_type() == enums::EVENT_TYPE_TIMER_FIRED) {
        ++fires;
        fire_ms.push_back(Millis(at - due));
        after_fire = true;
      } else if (after_fire && e.event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_STARTED) {
        resume_ms.push_back(Millis(at - deadline));
        after_fire = false;
      }
    }
    (fires == 1 ? fired : fires == 0 ? lost : doubled) += 1;
  }
  // Lateness as bench/compare defines it for every engine: when the code woke (the start of
  // its workflow task) after the deadline. The timers' own firing, from when each was due, is
  // reported beside it: the rest of the lateness is the backlog of workflow tasks.
  std::cout << Json{{"p50_ms", Percentile(resume_ms, 0.5)},
                    {"p99_ms", Percentile(resume_ms, 0.99)},
                    {"fired_p50_ms", Percentile(fire_ms, 0.5)},
                    {"fired_p99_ms", Percentile(fire_ms, 0.99)},
                    {"fired", fired},
                    {"lost", lost},
                    {"doubled", doubled},
                    {"started_before_deadline", started_in_time}}
                   .dump()
            << std::endl;
  return lost == 0 && doubled == 0 && started_in_time ? 0 : 1;
}

int Populate(const Flags& f) {
  Host host(f, false);
  std::atomic<int> next{0}, failures{0};
  std::vector<std::thread> starters;
  for (int t = 0; t < 32; ++t) {
    starters.emplace_back([&] {
      runtime::Client client = host.client();
      for (int i = next++; i < f.open; i = next++) {
        auto w = client.StartWorkflow("steps", 1,
                                      {.id = "open-" + std::to_string(i), .task_queue = kQueue});
        if (!w.ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& t : starters) t.join();
  std::cout << Json{{"open", f.open - failures.load()}}.dump() << std::endl;
  return failures.load() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace endure::bench

int main(int argc, char** argv) {
  using namespace endure::bench;
  CLI::App app("Endure embedded, driven for bench/compare");
  app.require_subcommand(1);
  Flags f;
  int exit_code = 0;
  auto add = [&](const char* name, const char* what, auto run) {
    auto* cmd = app.add_subcommand(name, what);
    cmd->add_option("--db", f.db, "Database file (created if absent)");
    cmd->add_option("--address", f.address,
                    "A server (host:port) to drive over gRPC instead of an engine in this "
                    "process; --db and --synchronous are then the server's");
    cmd->add_option("--steps", f.steps, "Activities per workflow")->check(CLI::Range(0, 100000));
    cmd->add_option("--pollers", f.pollers, "Worker pollers of each kind")
        ->check(CLI::Range(1, 256));
    cmd->add_option("--synchronous", f.synchronous,
                    "SQLite's synchronous: full (every acknowledged write survives a power loss) "
                    "or normal (survives a crash of the process)")
        ->check(CLI::IsMember({"full", "normal"}));
    cmd->add_option("--eager-start", f.eager_start,
                    "Eager workflow start: the first workflow task runs on this process's worker "
                    "without a trip through matching (true or false)");
    cmd->callback([&, run] { exit_code = run(f); });
    return cmd;
  };
  add("latency", "Sequential workflows, one client", Latency)
      ->add_option("--count", f.count, "Workflows measured")
      ->check(CLI::Range(1, 1000000));
  auto* tput = add("throughput", "Concurrent clients for a while", Throughput);
  tput->add_option("--clients", f.clients, "Concurrent clients")->check(CLI::Range(1, 4096));
  tput->add_option("--seconds", f.seconds, "How long the measured window lasts")
      ->check(CLI::Range(0.1, 3600.0));
  tput->add_option("--warmup", f.warmup, "Seconds run before the window opens")
      ->check(CLI::Range(0.0, 3600.0));
  auto* timers = add("timers", "Workflows sleeping until one instant", Timers);
  timers->add_option("--count", f.count, "Workflows")->check(CLI::Range(1, 1000000));
  timers->add_option("--delay-ms", f.delay_ms, "From now to the instant")
      ->check(CLI::Range(100, 3600000));
  add("populate", "Open workflows left waiting", Populate)
      ->add_option("--open", f.open, "Workflows")
      ->check(CLI::Range(1, 10000000));
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
