// Workflow updates: delivered in a workflow task, accepted and completed (with their events),
// rejected by the workflow's validator (no event), deduplicated by update id, followed with
// PollWorkflowExecutionUpdate, and aborted when the run closes.
#include <gtest/gtest.h>

#include <future>

#include "tests/engine/engine_harness.h"

namespace endure::engine::testing {
namespace {

namespace enums = temporal::api::enums::v1;
namespace update = temporal::api::update::v1;
using std::chrono::milliseconds;
using UpdateResult = Result<wsv1::UpdateWorkflowExecutionResponse>;

class UpdateScenarios : public ::testing::TestWithParam<bool> {
 protected:
  std::future<UpdateResult> Update(const std::string& workflow_id, const std::string& update_id,
                                   enums::UpdateWorkflowExecutionLifecycleStage stage =
                                       enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED,
                                   milliseconds wait = milliseconds(5000)) {
    wsv1::UpdateWorkflowExecutionRequest r;
    r.set_namespace_("default");
    r.mutable_workflow_execution()->set_workflow_id(workflow_id);
    r.mutable_wait_policy()->set_lifecycle_stage(stage);
    r.mutable_request()->mutable_meta()->set_update_id(update_id);
    r.mutable_request()->mutable_meta()->set_identity("client@test");
    r.mutable_request()->mutable_input()->set_name("setPriority");
    *r.mutable_request()->mutable_input()->mutable_args() = JsonPayloads("7");
    auto promise = std::make_shared<std::promise<UpdateResult>>();
    h.frontend().UpdateWorkflowExecution(r, AlarmClock::Clock::now() + wait,
                                         [promise](UpdateResult u) { promise->set_value(std::move(u)); });
    return promise->get_future();
  }

  // Completes a workflow task answering each update it carries: accept then respond with
  // `result`, or reject with `rejection`.
  Status Answer(const wsv1::PollWorkflowTaskQueueResponse& task, const std::string& result,
                const std::string& rejection = "", std::vector<Command> commands = {}) {
    wsv1::RespondWorkflowTaskCompletedRequest r;
    r.set_namespace_("default");
    r.set_task_token(task.task_token());
    r.set_identity("worker@test");
    for (const auto& message : task.messages()) {
      update::Request request;
      EXPECT_TRUE(message.body().UnpackTo(&request));
      if (!rejection.empty()) {
        update::Rejection reject;
        reject.set_rejected_request_message_id(message.id());
        *reject.mutable_rejected_request() = request;
        reject.mutable_failure()->set_message(rejection);
        auto* out = r.add_messages();
        out->set_id(message.protocol_instance_id() + "/reject");
        out->set_protocol_instance_id(message.protocol_instance_id());
        out->mutable_body()->PackFrom(reject);
        continue;
      }
      update::Acceptance accept;
      accept.set_accepted_request_message_id(message.id());
      accept.set_accepted_request_sequencing_event_id(message.event_id());
      *accept.mutable_accepted_request() = request;
      auto* accepted = r.add_messages();
      accepted->set_id(message.protocol_instance_id() + "/accept");
      accepted->set_protocol_instance_id(message.protocol_instance_id());
      accepted->mutable_body()->PackFrom(accept);
      update::Response response;
      *response.mutable_meta() = request.meta();
      *response.mutable_outcome()->mutable_success() = JsonPayloads(result);
      auto* responded = r.add_messages();
      responded->set_id(message.protocol_instance_id() + "/complete");
      responded->set_protocol_instance_id(message.protocol_instance_id());
      responded->mutable_body()->PackFrom(response);
      Command place;
      place.set_command_type(enums::COMMAND_TYPE_PROTOCOL_MESSAGE);
      place.mutable_protocol_message_command_attributes()->set_message_id(accepted->id());
      *r.add_commands() = place;
      place.mutable_protocol_message_command_attributes()->set_message_id(responded->id());
      *r.add_commands() = place;
    }
    for (auto& c : commands) *r.add_commands() = std::move(c);
    return h.RespondCompleted(r).status();
  }

  EngineHarness h{GetParam()};
};

TEST_P(UpdateScenarios, AcceptedAndCompletedThenDeduplicated) {
  h.Start("u-1");
  auto first = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(first.task_token(), {}).ok());
  h.Step();
  auto result = Update("u-1", "update-1");
  auto task = h.PollWorkflowTask();
  ASSERT_EQ(task.messages_size(), 1);
  EXPECT_EQ(task.messages(0).protocol_instance_id(), "update-1");
  EXPECT_EQ(task.messages(0).event_id(), task.started_event_id() - 1);
  ASSERT_TRUE(Answer(task, R"("done")").ok());
  auto outcome = result.get();
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->stage(), enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
  EXPECT_EQ(outcome->outcome().success().payloads(0).data(), R"("done")");
  EXPECT_EQ(outcome->update_ref().workflow_execution().run_id(),
            first.workflow_execution().run_id());
  h.Step();
  auto types = h.EventTypes("u-1");
  EXPECT_EQ(std::vector<std::string>(types.end() - 2, types.end()),
            (std::vector<std::string>{"WORKFLOW_EXECUTION_UPDATE_ACCEPTED",
                                      "WORKFLOW_EXECUTION_UPDATE_COMPLETED"}));
  // The same update id again: the recorded outcome, no second delivery.
  auto again = Update("u-1", "update-1").get();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome().success().payloads(0).data(), R"("done")");
  EXPECT_TRUE(h.PollWorkflowTask(kTaskQueue, milliseconds(20)).task_token().empty());
}

TEST_P(UpdateScenarios, RejectedByTheValidatorWritesNothing) {
  h.Start("u-2");
  auto first = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(first.task_token(), {}).ok());
  const size_t before = h.Events("u-2").size();
  auto result = Update("u-2", "update-2");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(Answer(task, "", "priority out of range").ok());
  auto outcome = result.get();
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->outcome().failure().message(), "priority out of range");
  auto types = h.EventTypes("u-2");
  EXPECT_EQ(types.size(), before + 3);  // The task's own Scheduled, Started, Completed.
  EXPECT_EQ(types.back(), "WORKFLOW_TASK_COMPLETED");
}

TEST_P(UpdateScenarios, WaitForAcceptanceThenPollTheOutcome) {
  h.Start("u-3");
  auto first = h.PollWorkflowTask();  // Before the first task completes: it carries the update.
  auto accepted = Update("u-3", "update-3", enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED,
                         milliseconds(100));
  // The update came after the task was dispatched: it waits for the next one.
  ASSERT_TRUE(h.CompleteWorkflowTask(first.task_token(), {}).ok());
  auto task = h.PollWorkflowTask();
  ASSERT_EQ(task.messages_size(), 1);
  ASSERT_TRUE(Answer(task, "42").ok());
  auto stage = accepted.get();
  ASSERT_TRUE(stage.ok());
  EXPECT_GE(stage->stage(), enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED);
  h.Step();
  wsv1::PollWorkflowExecutionUpdateRequest poll;
  poll.set_namespace_("default");
  poll.mutable_update_ref()->mutable_workflow_execution()->set_workflow_id("u-3");
  poll.mutable_update_ref()->set_update_id("update-3");
  poll.mutable_wait_policy()->set_lifecycle_stage(
      enums::UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
  auto polled = Await<wsv1::PollWorkflowExecutionUpdateResponse>([&](auto done) {
    h.frontend().PollWorkflowExecutionUpdate(poll, AlarmClock::Clock::now() + milliseconds(1000),
                                             done);
  });
  ASSERT_TRUE(polled.ok()) << polled.status().ToString();
  EXPECT_EQ(polled->outcome().success().payloads(0).data(), "42");
}

TEST_P(UpdateScenarios, AnUpdateInFlightWhenTheRunClosesIsAborted) {
  h.Start("u-4");
  auto first = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(first.task_token(), {}).ok());
  auto result = Update("u-4", "update-4");
  ASSERT_TRUE(h.Terminate("u-4", "stop").ok());
  auto outcome = result.get();
  EXPECT_EQ(outcome.status().code(), StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Engine, UpdateScenarios, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "Reopened" : "InProcess"; });

}  // namespace
}  // namespace endure::engine::testing
