// The training the crash test runs, shared by the host process and the test.
#pragma once

#include "runtime/activity.h"

namespace endure::testing_input {

inline constexpr char kTrainingId[] = "training-crash";

// Enough chunks that a kill lands between two of them, small enough to take a few seconds.
inline runtime::Json TrainingInput() {
  return {{"model_id", "crash-model"},
          {"training_config",
           {{"num_steps", 3000},
            {"chunk_steps", 300},
            {"learning_rate", 0.05},
            {"batch_size", 64},
            {"target_accuracy", 1.01},
            {"heartbeat_timeout_seconds", 2}}}};
}

}  // namespace endure::testing_input
