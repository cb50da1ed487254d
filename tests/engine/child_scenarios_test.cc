// Workflows acting on other workflows: children (started, reporting their result, refused when
// their id is taken, and each parent close policy) and signals and cancel requests to other
// workflows, with their events on both sides. Each runs in one engine and reopened in between.
#include <gtest/gtest.h>

#include "tests/engine/engine_harness.h"

namespace endure::engine::testing {
namespace {

namespace enums = temporal::api::enums::v1;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Types = std::vector<std::string>;

constexpr char kChildQueue[] = "children";

Command StartChild(const std::string& workflow_id,
                   enums::ParentClosePolicy policy = enums::PARENT_CLOSE_POLICY_UNSPECIFIED) {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION);
  auto* a = c.mutable_start_child_workflow_execution_command_attributes();
  a->set_workflow_id(workflow_id);
  a->mutable_workflow_type()->set_name("Step");
  a->mutable_task_queue()->set_name(kChildQueue);
  *a->mutable_input() = JsonPayloads(R"({"part":1})");
  a->set_parent_close_policy(policy);
  return c;
}

Command SignalExternal(const std::string& workflow_id) {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION);
  auto* a = c.mutable_signal_external_workflow_execution_command_attributes();
  a->mutable_execution()->set_workflow_id(workflow_id);
  a->set_signal_name("ping");
  *a->mutable_input() = JsonPayloads("1");
  return c;
}

Command CancelExternal(const std::string& workflow_id) {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION);
  c.mutable_request_cancel_external_workflow_execution_command_attributes()->set_workflow_id(
      workflow_id);
  return c;
}

class ChildScenarios : public ::testing::TestWithParam<bool> {
 protected:
  // Starts `parent` and completes its first task with `commands`, then lets the transfers run.
  void StartParentWith(const std::string& parent, std::vector<Command> commands) {
    h.Start(parent);
    auto task = h.PollWorkflowTask();
    ASSERT_EQ(task.workflow_execution().workflow_id(), parent);
    ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), std::move(commands)).ok());
    h.Step();
    h.Advance(seconds(0));
    h.Step();
  }
  // A workflow whose tasks go to a queue of its own, out of the parent's way.
  void StartElsewhere(const std::string& workflow_id) {
    auto r = h.StartRequest(workflow_id);
    r.mutable_task_queue()->set_name("elsewhere");
    ASSERT_TRUE(h.Start(r).ok());
  }
  enums::WorkflowExecutionStatus StatusOf(const std::string& workflow_id) {
    return h.Describe(workflow_id)->workflow_execution_info().status();
  }

  EngineHarness h{GetParam()};
};

TEST_P(ChildScenarios, AChildReportsItsResultToItsParent) {
  StartParentWith("parent", {StartChild("child")});
  auto child_task = h.PollWorkflowTask(kChildQueue);
  ASSERT_EQ(child_task.workflow_execution().workflow_id(), "child");
  const auto& started = child_task.history().events(0).workflow_execution_started_event_attributes();
  EXPECT_EQ(started.parent_workflow_execution().workflow_id(), "parent");
  EXPECT_EQ(started.parent_initiated_event_id(), 5);
  EXPECT_EQ(started.root_workflow_execution().workflow_id(), "parent");
  ASSERT_TRUE(h.CompleteWorkflowTask(child_task.task_token(), {CompleteWorkflow("42")}).ok());
  h.Step();
  h.Advance(seconds(0));
  h.Step();
  EXPECT_EQ(h.EventTypes("parent"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "START_CHILD_WORKFLOW_EXECUTION_INITIATED",
                   "CHILD_WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED",
                   "CHILD_WORKFLOW_EXECUTION_COMPLETED"}));
  auto events = h.Events("parent");
  const auto& completed = events[7].child_workflow_execution_completed_event_attributes();
  EXPECT_EQ(completed.result().payloads(0).data(), "42");
  EXPECT_EQ(completed.initiated_event_id(), 5);
  EXPECT_EQ(completed.started_event_id(), 6);
  EXPECT_EQ(completed.workflow_execution().workflow_id(), "child");
}

TEST_P(ChildScenarios, AChildWhoseIdIsTakenFailsToStart) {
  StartElsewhere("taken");
  StartParentWith("parent", {StartChild("taken")});
  auto events = h.Events("parent");
  ASSERT_EQ(events[5].event_type(), enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED);
  EXPECT_EQ(events[5].start_child_workflow_execution_failed_event_attributes().cause(),
            enums::START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS);
}

TEST_P(ChildScenarios, ParentClosePolicies) {
  StartParentWith("parent",
                  {StartChild("terminated", enums::PARENT_CLOSE_POLICY_TERMINATE),
                   StartChild("asked", enums::PARENT_CLOSE_POLICY_REQUEST_CANCEL),
                   StartChild("abandoned", enums::PARENT_CLOSE_POLICY_ABANDON)});
  auto task = h.PollWorkflowTask();
  ASSERT_EQ(task.workflow_execution().workflow_id(), "parent");
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("done")}).ok());
  h.Step();
  h.Advance(seconds(0));
  h.Advance(seconds(0));
  h.Step();
  EXPECT_EQ(StatusOf("terminated"), enums::WORKFLOW_EXECUTION_STATUS_TERMINATED);
  EXPECT_EQ(StatusOf("asked"), enums::WORKFLOW_EXECUTION_STATUS_RUNNING);
  EXPECT_EQ(h.EventTypes("asked").back(), "WORKFLOW_EXECUTION_CANCEL_REQUESTED");
  EXPECT_EQ(StatusOf("abandoned"), enums::WORKFLOW_EXECUTION_STATUS_RUNNING);
  EXPECT_EQ(h.EventTypes("abandoned").back(), "WORKFLOW_TASK_SCHEDULED");
}

TEST_P(ChildScenarios, SignalAndCancelOtherWorkflowsOnBothSides) {
  StartElsewhere("target");
  StartParentWith("source", {SignalExternal("target"), CancelExternal("target"),
                             SignalExternal("missing"), CancelExternal("missing")});
  auto source = h.EventTypes("source");
  EXPECT_EQ(std::count(source.begin(), source.end(), "EXTERNAL_WORKFLOW_EXECUTION_SIGNALED"), 1);
  EXPECT_EQ(std::count(source.begin(), source.end(), "EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED"),
            1);
  EXPECT_EQ(std::count(source.begin(), source.end(), "SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED"), 1);
  EXPECT_EQ(
      std::count(source.begin(), source.end(), "REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED"),
      1);
  bool signaled = false;
  bool cancel_requested = false;
  for (const auto& e : h.Events("target")) {
    if (e.event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) {
      signaled = true;
      const auto& a = e.workflow_execution_signaled_event_attributes();
      EXPECT_EQ(a.signal_name(), "ping");
      EXPECT_EQ(a.external_workflow_execution().workflow_id(), "source");
    }
    if (e.event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED) {
      cancel_requested = true;
      const auto& a = e.workflow_execution_cancel_requested_event_attributes();
      EXPECT_EQ(a.external_workflow_execution().workflow_id(), "source");
      EXPECT_GT(a.external_initiated_event_id(), 0);
    }
  }
  EXPECT_TRUE(signaled);
  EXPECT_TRUE(cancel_requested);
}

INSTANTIATE_TEST_SUITE_P(Engine, ChildScenarios, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "Reopened" : "InProcess"; });

}  // namespace
}  // namespace endure::engine::testing
