#include "bench/replay_histories.h"

#include "runtime/payloads.h"
#include "temporal/api/enums/v1/event_type.pb.h"

namespace endure::bench {
namespace {

namespace enums = temporal::api::enums::v1;
using temporal::api::history::v1::History;
using temporal::api::history::v1::HistoryEvent;
using namespace std::chrono_literals;

class Writer {
 public:
  explicit Writer(History* h) : h_(h) {}
  HistoryEvent* Add(enums::EventType type) {
    HistoryEvent* e = h_->add_events();
    e->set_event_id(++id_);
    e->set_event_type(type);
    e->mutable_event_time()->set_seconds(1'700'000'000 + id_);
    return e;
  }
  int64_t id() const { return id_; }
  // WorkflowTaskScheduled and WorkflowTaskStarted; returns the started event's id.
  int64_t Task() {
    Add(enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    return Add(enums::EVENT_TYPE_WORKFLOW_TASK_STARTED)->event_id();
  }
  void Completed(int64_t started) {
    Add(enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
        ->mutable_workflow_task_completed_event_attributes()
        ->set_started_event_id(started);
  }

 private:
  History* h_;
  int64_t id_ = 0;
};

runtime::ActivityOptions Options() {
  runtime::ActivityOptions o;
  o.start_to_close_timeout = 10s;
  return o;
}

}  // namespace

History BuildHistory(Shape shape, int64_t events) {
  // Events per step: activity 6, timer 5, signal 4; plus 5 for start and end.
  const int64_t per_step = shape == Shape::kActivities ? 6 : shape == Shape::kTimers ? 5 : 4;
  const int64_t steps = (events - 5) / per_step;
  History h;
  Writer w(&h);
  auto* started = w.Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
                      ->mutable_workflow_execution_started_event_attributes();
  started->mutable_workflow_type()->set_name("Bench");
  started->mutable_task_queue()->set_name("bench");
  *started->mutable_input() = runtime::ToPayloads(steps);
  started->set_original_execution_run_id("bench-run");
  started->set_attempt(1);
  int64_t task = w.Task();
  for (int64_t i = 0; i < steps; ++i) {
    w.Completed(task);
    if (shape == Shape::kActivities) {
      auto* s = w.Add(enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
                    ->mutable_activity_task_scheduled_event_attributes();
      s->set_activity_id(std::to_string(i + 1));
      s->mutable_activity_type()->set_name("step");
      *s->mutable_input() = runtime::ToPayloads(i);
      const int64_t scheduled = w.id();
      w.Add(enums::EVENT_TYPE_ACTIVITY_TASK_STARTED)
          ->mutable_activity_task_started_event_attributes()
          ->set_scheduled_event_id(scheduled);
      auto* c = w.Add(enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
                    ->mutable_activity_task_completed_event_attributes();
      c->set_scheduled_event_id(scheduled);
      *c->mutable_result() = runtime::ToPayloads(i);
    } else if (shape == Shape::kTimers) {
      auto* s = w.Add(enums::EVENT_TYPE_TIMER_STARTED)->mutable_timer_started_event_attributes();
      s->set_timer_id(std::to_string(i + 1));
      s->mutable_start_to_fire_timeout()->set_seconds(1);
      const int64_t timer = w.id();
      auto* f = w.Add(enums::EVENT_TYPE_TIMER_FIRED)->mutable_timer_fired_event_attributes();
      f->set_timer_id(std::to_string(i + 1));
      f->set_started_event_id(timer);
    } else {
      auto* s = w.Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
                    ->mutable_workflow_execution_signaled_event_attributes();
      s->set_signal_name("tick");
      *s->mutable_input() = runtime::ToPayloads(i);
    }
    task = w.Task();
  }
  w.Completed(task);
  *w.Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
       ->mutable_workflow_execution_completed_event_attributes()
       ->mutable_result() = runtime::ToPayloads(steps);
  return h;
}

runtime::WorkflowFunction WorkflowFor(Shape shape) {
  switch (shape) {
    case Shape::kActivities:
      return
          [](runtime::WorkflowContext& ctx, runtime::Json input) -> runtime::Task<runtime::Json> {
            const int64_t steps = input.get<int64_t>();
            for (int64_t i = 0; i < steps; ++i) co_await ctx.execute_activity("step", i, Options());
            co_return steps;
          };
    case Shape::kTimers:
      return
          [](runtime::WorkflowContext& ctx, runtime::Json input) -> runtime::Task<runtime::Json> {
            const int64_t steps = input.get<int64_t>();
            for (int64_t i = 0; i < steps; ++i) co_await ctx.sleep(1s);
            co_return steps;
          };
    case Shape::kSignals:
      break;
  }
  return [](runtime::WorkflowContext& ctx, runtime::Json input) -> runtime::Task<runtime::Json> {
    const int64_t steps = input.get<int64_t>();
    int64_t ticks = 0;
    ctx.on_signal("tick", [&](const runtime::Json&) { ++ticks; });
    co_await ctx.wait_condition([&] { return ticks >= steps; });
    co_return steps;
  };
}

}  // namespace endure::bench
