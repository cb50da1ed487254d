// Cron schedules: the fields, names, steps and descriptors, the next time in UTC, and errors.
#include "engine/history/cron.h"

#include <gtest/gtest.h>

namespace endure::engine::history {
namespace {

// 2023-11-14T22:13:20Z, a Tuesday.
const TimePoint kNow = TimePoint(std::chrono::seconds(1'700'000'000));

int64_t NextSeconds(const std::string& spec, TimePoint after = kNow) {
  auto schedule = ParseCron(spec);
  EXPECT_TRUE(schedule.ok()) << spec << ": " << schedule.status().ToString();
  if (!schedule.ok()) return -1;
  return std::chrono::duration_cast<std::chrono::seconds>(
             NextCronTime(*schedule, after).time_since_epoch())
      .count();
}

TEST(CronTest, NextTimes) {
  EXPECT_EQ(NextSeconds("*/5 * * * *"), 1'700'000'100);        // 22:15:00
  EXPECT_EQ(NextSeconds("0 * * * *"), 1'700'002'800);          // 23:00:00
  EXPECT_EQ(NextSeconds("@hourly"), 1'700'002'800);
  EXPECT_EQ(NextSeconds("@daily"), 1'700'006'400);             // Nov 15 00:00
  EXPECT_EQ(NextSeconds("30 9 * * mon-fri"), 1'700'040'600);   // Wed Nov 15 09:30
  EXPECT_EQ(NextSeconds("0 0 1 jan *"), 1'704'067'200);        // 2024-01-01
  EXPECT_EQ(NextSeconds("15,45 22 * * *"), 1'700'000'100);     // 22:15:00
  EXPECT_EQ(NextSeconds("@every 90s"), 1'700'000'090);
  // Strictly after: a time on the schedule gives the next one.
  EXPECT_EQ(NextSeconds("*/5 * * * *", TimePoint(std::chrono::seconds(1'700'000'100))),
            1'700'000'400);
}

TEST(CronTest, RefusesBadSchedules) {
  for (const char* bad : {"", "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *",
                          "*/0 * * * *", "5-1 * * * *", "@every", "@every 5x", "x * * * *"}) {
    EXPECT_EQ(ParseCron(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace endure::engine::history
