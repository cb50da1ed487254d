#include "tools/db_command.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "storage/store.h"

namespace endure::tools {
namespace {

struct StatusOptions {
  std::string db_filename = "endure.db";
  std::string durability = "full";
  std::string output = "text";
};

std::string HumanBytes(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return buffer;
}

int RunStatus(const StatusOptions& o) {
  const bool existed = std::filesystem::exists(o.db_filename);
  storage::StoreOptions options;
  options.path = o.db_filename;
  options.durability =
      o.durability == "normal" ? storage::Durability::kNormal : storage::Durability::kFull;
  auto store = storage::Store::Open(options);
  if (!store.ok()) {
    std::cerr << "endure: --db-filename " << o.db_filename << ": " << store.status().message()
              << "\n";
    return 1;
  }
  auto summary = (*store)->Summarize();
  auto namespaces = (*store)->ListNamespaces();
  if (!summary.ok() || !namespaces.ok()) {
    const Status& s = summary.ok() ? namespaces.status() : summary.status();
    std::cerr << "endure: reading " << o.db_filename << ": " << s.message() << "\n";
    return 1;
  }
  std::vector<std::string> names;
  for (const auto& ns : *namespaces) names.push_back(ns.info.name());
  const std::string path = std::filesystem::absolute(o.db_filename).string();
  const std::string sync = o.durability == "normal" ? "NORMAL" : "FULL";  // For the text form.

  if (o.output == "json") {
    nlohmann::json j = {{"database", path},
                        {"created", !existed},
                        {"schemaVersion", summary->schema_version},
                        {"journalMode", "wal"},
                        {"durability", o.durability},
                        {"fileBytes", summary->file_bytes},
                        {"namespaces", names},
                        {"executions", summary->executions},
                        {"runningExecutions", summary->open_executions},
                        {"historyEvents", summary->history_events},
                        {"historyBatches", summary->history_batches},
                        {"tasks", summary->tasks},
                        {"timers", summary->timers}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::string ns_list;
  for (const auto& n : names) ns_list += (ns_list.empty() ? " (" : ", ") + n;
  if (!ns_list.empty()) ns_list += ")";
  std::cout << "database     " << path << (existed ? "" : " (created)") << "\n"
            << "schema       version " << summary->schema_version << "\n"
            << "durability   "
            << (sync == "FULL" ? "full: the WAL is flushed before each write is acknowledged"
                               : "normal: the WAL is flushed at checkpoints")
            << "\n"
            << "size         " << HumanBytes(summary->file_bytes) << "\n"
            << "namespaces   " << names.size() << ns_list << "\n"
            << "executions   " << summary->executions << " (" << summary->open_executions
            << " running)\n"
            << "history      " << summary->history_events << " events in "
            << summary->history_batches << " batches\n"
            << "tasks        " << summary->tasks << " in the backlog\n"
            << "timers       " << summary->timers << " pending\n";
  return 0;
}

}  // namespace

void AddDbCommands(CLI::App& app, int& exit_code) {
  auto* db = app.add_subcommand("db", "Inspect an embedded Endure database");
  db->require_subcommand(1);
  auto options = std::make_shared<StatusOptions>();
  auto* status =
      db->add_subcommand("status", "Open (creating if needed) a database file and print its state");
  status->add_option("--db-filename,-f", options->db_filename, "Database file")
      ->capture_default_str();
  status
      ->add_option("--durability", options->durability,
                   "synchronous level for writes: full or normal")
      ->check(CLI::IsMember({"full", "normal"}))
      ->capture_default_str();
  status->add_option("--output,-o", options->output, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  status->callback([options, &exit_code] { exit_code = RunStatus(*options); });
}

}  // namespace endure::tools
