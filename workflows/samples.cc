#include "workflows/samples.h"

#include <chrono>

namespace endure::workflows {

using namespace std::chrono_literals;

runtime::Task<runtime::Json> StepsWorkflow(runtime::WorkflowContext& ctx, runtime::Json input) {
  const int64_t steps = input.is_number() ? input.get<int64_t>() : input.value("steps", 1);
  runtime::ActivityOptions options;
  options.start_to_close_timeout = 10s;
  for (int64_t i = 0; i < steps; ++i) co_await ctx.execute_activity("step", i, options);
  co_return steps;
}

runtime::Task<runtime::Json> SleepUntilWorkflow(runtime::WorkflowContext& ctx,
                                                runtime::Json input) {
  const std::chrono::system_clock::time_point deadline{
      std::chrono::milliseconds(input.value("deadline_ms", int64_t{0}))};
  co_await ctx.sleep(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - ctx.now()));
  co_return std::chrono::duration_cast<std::chrono::milliseconds>(ctx.now() - deadline).count();
}

std::vector<std::pair<std::string, runtime::WorkflowFunction>> SampleWorkflows() {
  return {{"steps", StepsWorkflow}, {"sleep_until", SleepUntilWorkflow}};
}

std::vector<std::pair<std::string, runtime::ActivityFunction>> SampleActivities() {
  return {{"step", [](runtime::ActivityContext&, const runtime::Json& in) { return in; }}};
}

}  // namespace endure::workflows
