#include "workflows/jarvis_workflows.h"

namespace endure::workflows {

std::vector<std::pair<std::string, runtime::WorkflowFunction>> JarvisWorkflows() {
  return {{"SelfImprovementWorkflow", SelfImprovementWorkflow},
          {"CodeAnalysisWorkflow", CodeAnalysisWorkflow},
          {"ModelTrainingWorkflow", ModelTrainingWorkflow},
          {"LongRunningTaskWorkflow", LongRunningTaskWorkflow}};
}

}  // namespace endure::workflows
