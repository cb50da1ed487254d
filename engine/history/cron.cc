#include "engine/history/cron.h"

#include <ctime>
#include <sstream>
#include <vector>

namespace endure::engine::history {
namespace {

const char* kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                             "jul", "aug", "sep", "oct", "nov", "dec"};
const char* kDayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// A number or (for months and days) a name; -1 when neither.
int ValueOf(std::string text, int field) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (field == 3) {
    for (int i = 0; i < 12; ++i) {
      if (text == kMonthNames[i]) return i + 1;
    }
  }
  if (field == 4) {
    for (int i = 0; i < 7; ++i) {
      if (text == kDayNames[i]) return i;
    }
  }
  if (text.empty() || text.size() > 3) return -1;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
  }
  return std::stoi(text);
}

// Parses one field into the values it allows, within [low, high].
Status ParseField(const std::string& text, int field, int low, int high, std::vector<int>* out,
                  bool* any) {
  static const char* kNames[] = {"minute", "hour", "day of month", "month", "day of week"};
  const std::string name = kNames[field];
  *any = text == "*" || text == "?";
  std::stringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    int step = 1;
    if (auto slash = part.find('/'); slash != std::string::npos) {
      step = ValueOf(part.substr(slash + 1), -1);
      if (step <= 0) return InvalidArgument("cron schedule: bad step in the " + name + " field");
      part = part.substr(0, slash);
    }
    int from = low;
    int to = high;
    if (part != "*" && part != "?") {
      const auto dash = part.find('-');
      from = ValueOf(part.substr(0, dash), field);
      to = dash == std::string::npos ? (step > 1 ? high : from) : ValueOf(part.substr(dash + 1), field);
      if (field == 4 && to == 7) to = 6;  // 7 is Sunday too.
      if (field == 4 && from == 7) from = 0;
      if (from < low || to > high || from > to) {
        return InvalidArgument("cron schedule: " + part + " is out of range for the " + name +
                               " field");
      }
    }
    for (int v = from; v <= to; v += step) out->push_back(v);
  }
  if (out->empty()) return InvalidArgument("cron schedule: the " + name + " field is empty");
  return Status::Ok();
}

Result<std::chrono::nanoseconds> ParseEvery(const std::string& text) {
  // Go-style durations: 90s, 15m, 1h30m.
  std::chrono::nanoseconds total{0};
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
    if (j == i || j == text.size()) return InvalidArgument("cron schedule: bad @every duration");
    const long long n = std::stoll(text.substr(i, j - i));
    const char unit = text[j];
    if (unit == 'h') {
      total += std::chrono::hours(n);
    } else if (unit == 'm') {
      total += std::chrono::minutes(n);
    } else if (unit == 's') {
      total += std::chrono::seconds(n);
    } else {
      return InvalidArgument("cron schedule: bad @every duration");
    }
    i = j + 1;
  }
  if (total.count() <= 0) return InvalidArgument("cron schedule: @every needs a positive duration");
  return total;
}

}  // namespace

Result<CronSchedule> ParseCron(const std::string& spec) {
  std::string text = spec;
  if (text == "@yearly" || text == "@annually") text = "0 0 1 1 *";
  if (text == "@monthly") text = "0 0 1 * *";
  if (text == "@weekly") text = "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") text = "0 0 * * *";
  if (text == "@hourly") text = "0 * * * *";
  CronSchedule schedule;
  if (text.rfind("@every ", 0) == 0) {
    ENDURE_ASSIGN_OR_RETURN(schedule.every, ParseEvery(text.substr(7)));
    return schedule;
  }
  std::stringstream in(text);
  std::vector<std::string> fields;
  std::string f;
  while (in >> f) fields.push_back(f);
  if (fields.size() != 5) {
    return InvalidArgument("cron schedule \"" + spec + "\" needs five fields");
  }
  const int low[] = {0, 0, 1, 1, 0};
  const int high[] = {59, 23, 31, 12, 6};
  for (int field = 0; field < 5; ++field) {
    std::vector<int> values;
    bool any = false;
    ENDURE_RETURN_IF_ERROR(ParseField(fields[static_cast<size_t>(field)], field,
                                      low[field], field == 4 ? 7 : high[field], &values, &any));
    for (int v : values) {
      switch (field) {
        case 0: schedule.minutes.set(static_cast<size_t>(v)); break;
        case 1: schedule.hours.set(static_cast<size_t>(v)); break;
        case 2: schedule.days_of_month.set(static_cast<size_t>(v)); break;
        case 3: schedule.months.set(static_cast<size_t>(v)); break;
        default: schedule.days_of_week.set(static_cast<size_t>(v % 7)); break;
      }
    }
    if (field == 2) schedule.any_day_of_month = any;
    if (field == 4) schedule.any_day_of_week = any;
  }
  return schedule;
}

TimePoint NextCronTime(const CronSchedule& s, TimePoint after) {
  if (s.every.count() > 0) return after + s.every;
  using std::chrono::duration_cast;
  using std::chrono::minutes;
  // The next whole minute after `after`, then minute by minute (at most about five years).
  const auto epoch_minutes = duration_cast<minutes>(after.time_since_epoch()).count() + 1;
  for (int64_t m = epoch_minutes; m < epoch_minutes + 5 * 366 * 24 * 60; ++m) {
    const std::time_t t = static_cast<std::time_t>(m * 60);
    std::tm tm{};
    gmtime_r(&t, &tm);
    if (!s.months.test(static_cast<size_t>(tm.tm_mon + 1))) continue;
    // As in cron: when both day fields are restricted, either may match.
    const bool dom = s.days_of_month.test(static_cast<size_t>(tm.tm_mday));
    const bool dow = s.days_of_week.test(static_cast<size_t>(tm.tm_wday));
    const bool day = s.any_day_of_month ? dow
                     : s.any_day_of_week ? dom
                                         : (dom || dow);
    if (!day) continue;
    if (!s.hours.test(static_cast<size_t>(tm.tm_hour))) continue;
    if (!s.minutes.test(static_cast<size_t>(tm.tm_min))) continue;
    return TimePoint(std::chrono::seconds(m * 60));
  }
  return after + std::chrono::hours(24 * 366 * 5);  // Never, in practice.
}

}  // namespace endure::engine::history
