// Cron schedules of workflows started with a cron_schedule: the standard five fields (minute,
// hour, day of month, month, day of week; with *, lists, ranges, steps, and month and day
// names), the descriptors @yearly, @monthly, @weekly, @daily, @hourly, and @every <duration>,
// all in UTC, as Temporal reads them.
#pragma once

#include <bitset>
#include <chrono>
#include <string>

#include "storage/base/env.h"
#include "storage/base/status.h"

namespace endure::engine::history {

struct CronSchedule {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // 1..31
  std::bitset<13> months;         // 1..12
  std::bitset<7> days_of_week;    // 0 (Sunday)..6
  bool any_day_of_month = true;   // The field was '*': only the day of week restricts days.
  bool any_day_of_week = true;
  std::chrono::nanoseconds every{0};  // @every: a fixed interval instead of the fields.
};

// INVALID_ARGUMENT naming the field that is wrong.
Result<CronSchedule> ParseCron(const std::string& spec);

// The first time the schedule fires strictly after `after`.
TimePoint NextCronTime(const CronSchedule& schedule, TimePoint after);

}  // namespace endure::engine::history
