// The model training activity of JARVIS's ModelTrainingWorkflow: logistic regression trained by
// mini-batch SGD, one chunk of steps per activity, so that a days-long training is a sequence of
// short, retryable activities whose checkpoints live in the workflow's history.
//
// The data set is synthetic and derived from model_id alone: 4096 training and 1024 validation
// samples in R^8, labelled by a hidden weight vector and bias plus Gaussian noise. Every random
// number comes from std::mt19937_64 (whose output the standard fixes) through our own
// conversions, not std::*_distribution (whose algorithms it leaves to the library), so a model
// trains to the same bits on every platform whose libm agrees on exp and log.
//
// Step s (counting from 0 over the whole training) uses a batch determined by s alone: epochs
// of floor(4096 / batch_size) batches over a permutation of the training set drawn for that
// epoch. That is what makes training resumable anywhere: running steps [0, 100) then [100, 200)
// from the first chunk's checkpoint gives exactly what running [0, 200) gives.
#pragma once

#include "runtime/activity.h"

namespace endure::activities {

// Input:  {"model_id": string, "start_step"?: int (default 0), "steps": int,
//          "learning_rate": number, "batch_size": int (at most 4096),
//          "checkpoint": null | {"weights": [8 numbers], "bias": number, "step"?: int}}
// Output: {"model_id", "step": start_step + steps, "weights": [8], "bias",
//          "loss" (validation log loss), "accuracy" (validation), "train_loss",
//          "resumed_from_step": int (where this attempt began)}
//
// A null checkpoint starts from zero weights. Every 50 steps the activity heartbeats the
// checkpoint {"model_id", "step", "weights", "bias"}; an attempt that finds one from an earlier
// attempt, further along than its input checkpoint and within this chunk, resumes from it, so
// completed steps are not redone. A cancelled activity stops at its next heartbeat and throws
// runtime::CancelledError.
//
// Errors: "InvalidTrainingConfig" (non-retryable) for a missing model_id, steps, learning_rate
// or batch_size <= 0, a batch larger than the training set, a negative start_step, or a
// malformed checkpoint (or one whose "step" is not start_step); "TrainingDiverged"
// (non-retryable: the same inputs diverge again) when the weights overflow.
runtime::Json TrainModelChunk(runtime::ActivityContext& ctx, const runtime::Json& input);

}  // namespace endure::activities
