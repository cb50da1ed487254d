// Normalization of timeouts and retry policies, and the retry decision, against Temporal's rules.
#include <gtest/gtest.h>

#include "engine/history/durations.h"
#include "engine/history/retry.h"
#include "engine/history/timeouts.h"

namespace endure::engine::history {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using temporal::api::command::v1::ScheduleActivityTaskCommandAttributes;
using temporal::api::common::v1::RetryPolicy;
using temporal::api::failure::v1::Failure;

google::protobuf::Duration D(Nanos n) {
  google::protobuf::Duration d;
  SetDuration(&d, n);
  return d;
}

ScheduleActivityTaskCommandAttributes Activity() {
  ScheduleActivityTaskCommandAttributes a;
  a.set_activity_id("1");
  a.mutable_activity_type()->set_name("analyze");
  return a;
}

TEST(RetryPolicyTest, FillsTemporalsDefaults) {
  RetryPolicy p;
  ASSERT_TRUE(NormalizeRetryPolicy(&p).ok());
  EXPECT_EQ(ToNanos(p.initial_interval()), seconds(1));
  EXPECT_EQ(p.backoff_coefficient(), 2.0);
  EXPECT_EQ(ToNanos(p.maximum_interval()), seconds(100));
  EXPECT_EQ(p.maximum_attempts(), 0);

  RetryPolicy q;
  *q.mutable_initial_interval() = D(milliseconds(250));
  ASSERT_TRUE(NormalizeRetryPolicy(&q).ok());
  EXPECT_EQ(ToNanos(q.maximum_interval()), seconds(25));
}

TEST(RetryPolicyTest, RefusesWhatCannotWork) {
  RetryPolicy slow;
  slow.set_backoff_coefficient(0.5);
  EXPECT_EQ(NormalizeRetryPolicy(&slow).code(), StatusCode::kInvalidArgument);
  slow.set_maximum_attempts(1);  // Never retries, so never checked further.
  EXPECT_TRUE(NormalizeRetryPolicy(&slow).ok());

  RetryPolicy inverted;
  *inverted.mutable_initial_interval() = D(seconds(10));
  *inverted.mutable_maximum_interval() = D(seconds(5));
  EXPECT_EQ(NormalizeRetryPolicy(&inverted).code(), StatusCode::kInvalidArgument);

  RetryPolicy negative;
  negative.set_maximum_attempts(-1);
  EXPECT_EQ(NormalizeRetryPolicy(&negative).code(), StatusCode::kInvalidArgument);
  RetryPolicy negative_interval;
  *negative_interval.mutable_initial_interval() = D(seconds(-1));
  EXPECT_EQ(NormalizeRetryPolicy(&negative_interval).code(), StatusCode::kInvalidArgument);
}

TEST(ActivityTimeoutsTest, ScheduleToCloseBoundsTheOthers) {
  auto a = Activity();
  *a.mutable_schedule_to_close_timeout() = D(minutes(10));
  *a.mutable_start_to_close_timeout() = D(hours(1));
  *a.mutable_heartbeat_timeout() = D(hours(2));
  ASSERT_TRUE(NormalizeActivity(&a, Nanos(0)).ok());
  EXPECT_EQ(ToNanos(a.schedule_to_close_timeout()), minutes(10));
  EXPECT_EQ(ToNanos(a.schedule_to_start_timeout()), minutes(10));
  EXPECT_EQ(ToNanos(a.start_to_close_timeout()), minutes(10));
  EXPECT_EQ(ToNanos(a.heartbeat_timeout()), minutes(10));
  EXPECT_EQ(a.retry_policy().backoff_coefficient(), 2.0);
}

TEST(ActivityTimeoutsTest, OnlyStartToCloseTakesTheRunTimeoutForTheRest) {
  auto a = Activity();
  *a.mutable_start_to_close_timeout() = D(minutes(30));
  ASSERT_TRUE(NormalizeActivity(&a, hours(2)).ok());
  EXPECT_EQ(ToNanos(a.schedule_to_close_timeout()), hours(2));
  EXPECT_EQ(ToNanos(a.schedule_to_start_timeout()), hours(2));
  EXPECT_EQ(ToNanos(a.start_to_close_timeout()), minutes(30));
  EXPECT_EQ(ToNanos(a.heartbeat_timeout()), Nanos(0));
  // The fields are present even when unlimited: the SDKs read them unconditionally.
  auto unlimited = Activity();
  *unlimited.mutable_start_to_close_timeout() = D(minutes(30));
  ASSERT_TRUE(NormalizeActivity(&unlimited, Nanos(0)).ok());
  EXPECT_TRUE(unlimited.has_schedule_to_close_timeout());
  EXPECT_EQ(ToNanos(unlimited.schedule_to_close_timeout()), Nanos(0));
}

TEST(ActivityTimeoutsTest, TheRunTimeoutCapsEverything) {
  auto a = Activity();
  *a.mutable_schedule_to_close_timeout() = D(hours(5));
  ASSERT_TRUE(NormalizeActivity(&a, hours(1)).ok());
  EXPECT_EQ(ToNanos(a.schedule_to_close_timeout()), hours(1));
  EXPECT_EQ(ToNanos(a.start_to_close_timeout()), hours(1));
}

TEST(ActivityTimeoutsTest, RefusesMissingOrNegativeTimeouts) {
  auto none = Activity();
  EXPECT_EQ(NormalizeActivity(&none, hours(1)).code(), StatusCode::kInvalidArgument);
  auto negative = Activity();
  *negative.mutable_start_to_close_timeout() = D(seconds(-5));
  EXPECT_EQ(NormalizeActivity(&negative, hours(1)).code(), StatusCode::kInvalidArgument);
  auto no_id = Activity();
  no_id.clear_activity_id();
  *no_id.mutable_start_to_close_timeout() = D(seconds(5));
  EXPECT_EQ(NormalizeActivity(&no_id, hours(1)).code(), StatusCode::kInvalidArgument);
}

TEST(WorkflowTimeoutsTest, FollowTheServerDefaults) {
  auto only_execution = NormalizeWorkflowTimeouts(D(hours(24)), D(Nanos(0)), D(Nanos(0)));
  ASSERT_TRUE(only_execution.ok());
  EXPECT_EQ(only_execution->run, hours(24));
  EXPECT_EQ(only_execution->task, seconds(10));

  auto both = NormalizeWorkflowTimeouts(D(hours(1)), D(hours(3)), D(minutes(5)));
  EXPECT_EQ(both->run, hours(1));
  EXPECT_EQ(both->task, seconds(120));

  auto short_run = NormalizeWorkflowTimeouts(D(Nanos(0)), D(seconds(4)), D(Nanos(0)));
  EXPECT_EQ(short_run->execution, Nanos(0));
  EXPECT_EQ(short_run->task, seconds(4));

  EXPECT_EQ(NormalizeWorkflowTimeouts(D(seconds(-1)), {}, {}).status().code(),
            StatusCode::kInvalidArgument);
}

class RetryDecisionTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(NormalizeRetryPolicy(&policy_).ok()); }

  static Failure AppFailure(const std::string& type, bool non_retryable = false) {
    Failure f;
    f.set_message("boom");
    f.mutable_application_failure_info()->set_type(type);
    f.mutable_application_failure_info()->set_non_retryable(non_retryable);
    return f;
  }

  RetryPolicy policy_;
  TimePoint t0_{std::chrono::seconds(1'000)};
};

TEST_F(RetryDecisionTest, BacksOffExponentiallyUpToTheMaximum) {
  EXPECT_EQ(RetryBackoff(policy_, 1), seconds(1));
  EXPECT_EQ(RetryBackoff(policy_, 2), seconds(2));
  EXPECT_EQ(RetryBackoff(policy_, 5), seconds(16));
  EXPECT_EQ(RetryBackoff(policy_, 8), seconds(100));
  EXPECT_EQ(RetryBackoff(policy_, 5000), seconds(100));  // No overflow.

  auto d = DecideRetry(policy_, 3, AppFailure("IOError"), t0_, t0_, Nanos(0));
  EXPECT_TRUE(d.retry);
  EXPECT_EQ(d.backoff, seconds(4));
}

TEST_F(RetryDecisionTest, StopsForNonRetryableFailures) {
  using temporal::api::enums::v1::RETRY_STATE_NON_RETRYABLE_FAILURE;
  EXPECT_EQ(DecideRetry(policy_, 1, AppFailure("X", true), t0_, t0_, Nanos(0)).state,
            RETRY_STATE_NON_RETRYABLE_FAILURE);
  policy_.add_non_retryable_error_types("ValueError");
  policy_.add_non_retryable_error_types("TemporalTimeout:StartToClose");
  EXPECT_FALSE(DecideRetry(policy_, 1, AppFailure("ValueError"), t0_, t0_, Nanos(0)).retry);
  EXPECT_TRUE(DecideRetry(policy_, 1, AppFailure("IOError"), t0_, t0_, Nanos(0)).retry);

  Failure timeout;
  timeout.mutable_timeout_failure_info()->set_timeout_type(
      temporal::api::enums::v1::TIMEOUT_TYPE_START_TO_CLOSE);
  EXPECT_EQ(RetryableType(timeout), "TemporalTimeout:StartToClose");
  EXPECT_FALSE(DecideRetry(policy_, 1, timeout, t0_, t0_, Nanos(0)).retry);
  timeout.mutable_timeout_failure_info()->set_timeout_type(
      temporal::api::enums::v1::TIMEOUT_TYPE_HEARTBEAT);
  EXPECT_TRUE(DecideRetry(policy_, 1, timeout, t0_, t0_, Nanos(0)).retry);

  Failure canceled;
  canceled.mutable_canceled_failure_info();
  EXPECT_FALSE(DecideRetry(policy_, 1, canceled, t0_, t0_, Nanos(0)).retry);
}

TEST_F(RetryDecisionTest, StopsAtMaximumAttemptsAndAtTheScheduleToCloseDeadline) {
  policy_.set_maximum_attempts(3);
  EXPECT_TRUE(DecideRetry(policy_, 2, AppFailure("E"), t0_, t0_, Nanos(0)).retry);
  EXPECT_EQ(DecideRetry(policy_, 3, AppFailure("E"), t0_, t0_, Nanos(0)).state,
            temporal::api::enums::v1::RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);

  policy_.set_maximum_attempts(0);
  // Attempt 5 would wait 16 s; only 10 s of the 60 s deadline are left.
  const TimePoint now = t0_ + seconds(50);
  EXPECT_EQ(DecideRetry(policy_, 5, AppFailure("E"), now, t0_, seconds(60)).state,
            temporal::api::enums::v1::RETRY_STATE_TIMEOUT);
  EXPECT_TRUE(DecideRetry(policy_, 3, AppFailure("E"), now, t0_, seconds(60)).retry);
}

TEST_F(RetryDecisionTest, AFailureMayAskForItsOwnDelay) {
  Failure f = AppFailure("RateLimited");
  SetDuration(f.mutable_application_failure_info()->mutable_next_retry_delay(), minutes(3));
  auto d = DecideRetry(policy_, 1, f, t0_, t0_, Nanos(0));
  EXPECT_TRUE(d.retry);
  EXPECT_EQ(d.backoff, minutes(3));
}

}  // namespace
}  // namespace endure::engine::history
