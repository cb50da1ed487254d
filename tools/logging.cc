#include "tools/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>

namespace endure::tools {
namespace {

// One JSON object per record: {"time", "level", "msg"}. The message is escaped by the JSON
// library, so log text never breaks the line format.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto since_epoch = msg.time.time_since_epoch();
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch);
    const std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(micros).count();
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char time[40];
    const size_t n = std::strftime(time, sizeof time, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(time + n, sizeof time - n, ".%06dZ", static_cast<int>(micros.count() % 1000000));
    const nlohmann::json line = {{"time", time},
                                 {"level", spdlog::level::to_string_view(msg.level).data()},
                                 {"msg", std::string(msg.payload.data(), msg.payload.size())}};
    const std::string text = line.dump() + "\n";
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

Status SetUpLogging(const std::string& level, const std::string& format) {
  const spdlog::level::level_enum parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    return InvalidArgument("--log-level: '" + level + "' is not debug, info, warn or error");
  }
  auto logger =
      std::make_shared<spdlog::logger>("endure", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else if (format == "text") {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  } else {
    return InvalidArgument("--log-format: '" + format + "' is not text or json");
  }
  logger->set_level(parsed);
  spdlog::set_default_logger(std::move(logger));
  return Status::Ok();
}

}  // namespace endure::tools
