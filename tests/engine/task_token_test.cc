#include "engine/history/task_token.h"

#include <gtest/gtest.h>

namespace endure::engine::history {
namespace {

using endure::history::TaskToken;

TaskToken Activity(int32_t attempt) {
  TaskToken t;
  t.set_kind(TaskToken::KIND_ACTIVITY);
  t.set_namespace_id("0f0e0d0c-0000-4000-8000-000000000001");
  t.set_workflow_id("training-model-v2");
  t.set_run_id("run-1");
  t.set_scheduled_event_id(5);
  t.set_attempt(attempt);
  t.set_activity_id("1");
  return t;
}

TEST(TaskTokenTest, RoundTripsAndDiffersPerAttempt) {
  const std::string first = EncodeTaskToken(Activity(1));
  auto decoded = DecodeTaskToken(first);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->workflow_id(), "training-model-v2");
  EXPECT_EQ(decoded->attempt(), 1);
  EXPECT_EQ(EncodeTaskToken(Activity(1)), first);  // Same attempt, same token.
  EXPECT_NE(EncodeTaskToken(Activity(2)), first);
  // What the SDKs require of a token.
  EXPECT_FALSE(first.empty());
  EXPECT_NE(first.rfind("local_act_", 0), 0u);
}

TEST(TaskTokenTest, RefusesWhatThisServerDidNotIssue) {
  EXPECT_EQ(DecodeTaskToken("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeTaskToken("local_act_123").status().code(), StatusCode::kInvalidArgument);
  std::string token = EncodeTaskToken(Activity(1));
  EXPECT_EQ(DecodeTaskToken(token.substr(0, token.size() / 2)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeTaskToken(std::string("\x01\xff\xff\xff", 4)).status().code(),
            StatusCode::kInvalidArgument);
  TaskToken no_run = Activity(1);
  no_run.clear_run_id();
  EXPECT_EQ(DecodeTaskToken(EncodeTaskToken(no_run)).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace endure::engine::history
