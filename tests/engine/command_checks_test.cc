#include "engine/history/command_checks.h"

#include <gtest/gtest.h>

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;
using temporal::api::command::v1::Command;

Command Timer(const std::string& id, int64_t seconds) {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_START_TIMER);
  auto* a = c.mutable_start_timer_command_attributes();
  a->set_timer_id(id);
  a->mutable_start_to_fire_timeout()->set_seconds(seconds);
  return c;
}

Command Complete() {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION);
  c.mutable_complete_workflow_execution_command_attributes();
  return c;
}

TEST(CommandOrderTest, ATerminalCommandMustBeLast) {
  Commands ok;
  *ok.Add() = Timer("t", 1);
  *ok.Add() = Complete();
  EXPECT_TRUE(CheckCommandOrder(ok).ok());
  EXPECT_TRUE(CheckCommandOrder(Commands()).ok());

  Commands after;
  *after.Add() = Complete();
  *after.Add() = Timer("t", 1);
  Status s = CheckCommandOrder(after);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION"), std::string::npos);

  Commands two_terminals;
  *two_terminals.Add() = Complete();
  *two_terminals.Add() = Complete();
  EXPECT_EQ(CheckCommandOrder(two_terminals).code(), StatusCode::kInvalidArgument);
}

TEST(CommandAttributesTest, EachKindFailsWithItsOwnCause) {
  EXPECT_FALSE(CheckCommandAttributes(Timer("t", 5)).has_value());
  EXPECT_FALSE(CheckCommandAttributes(Complete()).has_value());

  auto no_timer_id = CheckCommandAttributes(Timer("", 5));
  ASSERT_TRUE(no_timer_id.has_value());
  EXPECT_EQ(no_timer_id->cause, enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES);
  EXPECT_EQ(CheckCommandAttributes(Timer("t", 0))->cause,
            enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES);

  Command activity;
  activity.set_command_type(enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK);
  auto* a = activity.mutable_schedule_activity_task_command_attributes();
  a->set_activity_id("1");
  a->mutable_activity_type()->set_name("train");
  auto no_timeout = CheckCommandAttributes(activity);
  ASSERT_TRUE(no_timeout.has_value());
  EXPECT_EQ(no_timeout->cause, enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES);
  a->mutable_start_to_close_timeout()->set_seconds(60);
  EXPECT_FALSE(CheckCommandAttributes(activity).has_value());

  Command mismatched;  // A type whose attributes are missing.
  mismatched.set_command_type(enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);
  mismatched.mutable_complete_workflow_execution_command_attributes();
  EXPECT_EQ(CheckCommandAttributes(mismatched)->cause,
            enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_FAIL_WORKFLOW_EXECUTION_ATTRIBUTES);

  Command marker;
  marker.set_command_type(enums::COMMAND_TYPE_RECORD_MARKER);
  marker.mutable_record_marker_command_attributes();
  EXPECT_EQ(CheckCommandAttributes(marker)->cause,
            enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_RECORD_MARKER_ATTRIBUTES);
  marker.mutable_record_marker_command_attributes()->set_marker_name("core_patch");
  EXPECT_FALSE(CheckCommandAttributes(marker).has_value());
}

TEST(CommandAttributesTest, CommandsNotTakenYetAreUnhandledNotIgnored) {
  Command nexus;
  nexus.set_command_type(enums::COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION);
  nexus.mutable_schedule_nexus_operation_command_attributes();
  auto rejected = CheckCommandAttributes(nexus);
  ASSERT_TRUE(rejected.has_value());
  EXPECT_EQ(rejected->cause, enums::WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND);
  EXPECT_TRUE(CheckCommandAttributes(Command()).has_value());
}

}  // namespace
}  // namespace endure::engine::history
