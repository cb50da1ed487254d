// The flags of `endure workflow ...`, named as Temporal's CLI names them. One struct for all
// commands; each command registers the flags it reads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tools/workflow/connection.h"

namespace endure::tools {

struct WorkflowFlags {
  ConnectionFlags connection;
  std::string output = "text";  // text or json
  std::string workflow_id;
  std::string run_id;
  std::string type;
  std::string task_queue;
  std::vector<std::string> input;  // JSON values, one payload each.
  std::string name;                // Signal, query or update name.
  std::string update_id;
  std::string reason;
  std::string query;  // List filter.
  int limit = 0;      // List: 0 means all.
  std::string execution_timeout;
  std::string run_timeout;
  std::string task_timeout;
  std::string id_reuse_policy;
  std::string id_conflict_policy;
  std::vector<std::string> memo;               // KEY=JSON
  std::vector<std::string> search_attributes;  // KEY=JSON
  std::string file;                            // import: the history file.
  std::string db_filename;                     // import: the database it goes into.
};

}  // namespace endure::tools
