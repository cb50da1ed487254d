// The replayer's throughput: recorded histories of 1,000, 10,000 and 51,200 events (activity-,
// timer- and signal-heavy) replayed cold through the C++ SDK's executor, as a worker does on a
// cache miss and `endure replay` does. Each iteration starts from the history's bytes, so the
// figure includes decoding it. The baseline, in the same run, only decodes the bytes: the ratio
// says what replaying costs over reading the history at all.
#include <benchmark/benchmark.h>

#include "bench/replay_histories.h"
#include "runtime/replay/replayer.h"

namespace endure::bench {
namespace {

void Replay(benchmark::State& state, Shape shape, bool decode_only) {
  const std::string bytes = BuildHistory(shape, state.range(0)).SerializeAsString();
  const runtime::WorkflowFunction workflow = WorkflowFor(shape);
  int64_t events = 0;
  for (auto _ : state) {
    temporal::api::history::v1::History history;
    history.ParseFromString(bytes);
    events += history.events_size();
    if (decode_only) {
      benchmark::DoNotOptimize(history);
      continue;
    }
    Status s = runtime::ReplayHistory(workflow, history);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["ms_per_history"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 1e-3,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_ReplayActivities(benchmark::State& s) { Replay(s, Shape::kActivities, false); }
void BM_ReplayTimers(benchmark::State& s) { Replay(s, Shape::kTimers, false); }
void BM_ReplaySignals(benchmark::State& s) { Replay(s, Shape::kSignals, false); }
void BM_DecodeOnlyActivities(benchmark::State& s) { Replay(s, Shape::kActivities, true); }

BENCHMARK(BM_ReplayActivities)->Arg(1000)->Arg(10000)->Arg(51200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReplayTimers)->Arg(1000)->Arg(10000)->Arg(51200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReplaySignals)->Arg(1000)->Arg(10000)->Arg(51200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeOnlyActivities)->Arg(51200)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace endure::bench

BENCHMARK_MAIN();
