#include "activities/registry.h"

#include "activities/code_analysis.h"
#include "activities/data_migration.h"
#include "activities/model_training.h"
#include "activities/self_improvement.h"
#include "activities/test_runner.h"

namespace endure::activities {

std::vector<std::pair<std::string, runtime::ActivityFunction>> JarvisActivities() {
  return {
      {"analyze_static", AnalyzeStatic},         {"analyze_security", AnalyzeSecurity},
      {"analyze_complexity", AnalyzeComplexity}, {"run_tests", RunTests},
      {"propose_changes", ProposeChanges},       {"apply_change", ApplyChange},
      {"revert_change", RevertChange},           {"train_model_chunk", TrainModelChunk},
      {"copy_rows_batch", CopyRowsBatch},        {"count_rows", CountRows},
  };
}

}  // namespace endure::activities
