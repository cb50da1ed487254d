// TrainModelChunk: learning, determinism, chunking, and resuming from heartbeats without
// redoing steps.
#include <gtest/gtest.h>

#include <cmath>

#include "activities/model_training.h"
#include "tests/activities/fake_activity_context.h"

namespace endure::activities {
namespace {

using runtime::Json;
using testing::FakeActivityContext;

Json Config(int64_t start_step, int64_t steps, Json checkpoint = nullptr) {
  return {{"model_id", "jarvis-model-v2"}, {"start_step", start_step}, {"steps", steps},
          {"learning_rate", 0.1},          {"batch_size", 32},         {"checkpoint", checkpoint}};
}

// The model a result describes, as a checkpoint for the next chunk.
Json CheckpointOf(const Json& result) {
  return {{"weights", result["weights"]}, {"bias", result["bias"]}, {"step", result["step"]}};
}

// Bit for bit: EXPECT_EQ on doubles, no tolerance.
void ExpectSameModel(const Json& a, const Json& b) {
  ASSERT_EQ(a["weights"].size(), 8u);
  for (size_t j = 0; j < 8; ++j) {
    EXPECT_EQ(a["weights"][j].get<double>(), b["weights"][j].get<double>()) << "weight " << j;
  }
  EXPECT_EQ(a["bias"].get<double>(), b["bias"].get<double>());
  EXPECT_EQ(a["step"], b["step"]);
  EXPECT_EQ(a["loss"].get<double>(), b["loss"].get<double>());
  EXPECT_EQ(a["accuracy"].get<double>(), b["accuracy"].get<double>());
}

TEST(ModelTrainingTest, LearnsTheHiddenModel) {
  FakeActivityContext ctx;
  const Json untrained = TrainModelChunk(
      ctx,
      {{"model_id", "jarvis-model-v2"}, {"steps", 1}, {"learning_rate", 1e-12}, {"batch_size", 1}});
  EXPECT_NEAR(untrained["loss"].get<double>(), std::log(2.0), 1e-6);  // Zero weights.
  const Json trained = TrainModelChunk(ctx, Config(0, 400));
  EXPECT_EQ(trained["model_id"], "jarvis-model-v2");
  EXPECT_EQ(trained["step"], 400);
  EXPECT_EQ(trained["resumed_from_step"], 0);
  EXPECT_LT(trained["loss"].get<double>(), 0.35);
  EXPECT_GT(trained["accuracy"].get<double>(), 0.85);
  EXPECT_LT(trained["train_loss"].get<double>(), 0.35);
}

TEST(ModelTrainingTest, SameInputsSameBitsAndModelIdsDiffer) {
  FakeActivityContext a, b, c;
  ExpectSameModel(TrainModelChunk(a, Config(0, 120)), TrainModelChunk(b, Config(0, 120)));
  Json other = Config(0, 120);
  other["model_id"] = "another-model";
  EXPECT_NE(TrainModelChunk(c, other)["weights"], TrainModelChunk(a, Config(0, 120))["weights"]);
}

TEST(ModelTrainingTest, ChunksComposeExactly) {
  FakeActivityContext ctx;
  const Json whole = TrainModelChunk(ctx, Config(0, 300));
  const Json first = TrainModelChunk(ctx, Config(0, 100));
  const Json second = TrainModelChunk(ctx, Config(100, 130, CheckpointOf(first)));
  const Json third = TrainModelChunk(ctx, Config(230, 70, CheckpointOf(second)));
  ExpectSameModel(third, whole);
}

TEST(ModelTrainingTest, HeartbeatsACheckpointEveryFiftySteps) {
  FakeActivityContext ctx;
  TrainModelChunk(ctx, Config(20, 100));  // Steps 20..120: checkpoints at 50 and 100.
  const auto beats = ctx.heartbeats();
  ASSERT_EQ(beats.size(), 2u);
  EXPECT_EQ(beats[0]["step"], 50);
  EXPECT_EQ(beats[1]["step"], 100);
  EXPECT_EQ(beats[1]["model_id"], "jarvis-model-v2");
  EXPECT_EQ(beats[1]["weights"].size(), 8u);
}

TEST(ModelTrainingTest, RetryResumesFromTheLastHeartbeatWithoutRedoingSteps) {
  FakeActivityContext uninterrupted;
  const Json expected = TrainModelChunk(uninterrupted, Config(0, 300));

  FakeActivityContext first;
  first.CrashAtHeartbeat(2);  // Dies right after checkpointing step 100.
  EXPECT_THROW(TrainModelChunk(first, Config(0, 300)), testing::SimulatedCrash);

  FakeActivityContext second;
  FakeActivityContext::ContinueFrom(first, second);
  second.set_last_heartbeat_details(Json::parse(first.heartbeats().back().dump()));
  const Json resumed = TrainModelChunk(second, Config(0, 300));
  ExpectSameModel(resumed, expected);
  EXPECT_EQ(resumed["resumed_from_step"], 100);
  const auto beats = second.heartbeats();
  ASSERT_EQ(beats.size(), 4u);  // 150, 200, 250, 300: nothing before 100 again.
  EXPECT_EQ(beats.front()["step"], 150);
}

TEST(ModelTrainingTest, HeartbeatsThatDoNotHelpAreIgnored) {
  FakeActivityContext plain;
  const Json checkpoint = CheckpointOf(TrainModelChunk(plain, Config(0, 100)));
  const Json expected = TrainModelChunk(plain, Config(100, 100, checkpoint));
  for (const Json& details :
       {Json{{"model_id", "jarvis-model-v2"}, {"step", 50}, {"weights", Json::array()}},
        Json{{"model_id", "another-model"},
             {"step", 150},
             {"weights", checkpoint["weights"]},
             {"bias", 0.5}},
        Json{{"model_id", "jarvis-model-v2"},
             {"step", 500},
             {"weights", checkpoint["weights"]},
             {"bias", 0.5}},
        Json("progress 40%")}) {
    FakeActivityContext ctx;
    ctx.set_last_heartbeat_details(details);
    const Json result = TrainModelChunk(ctx, Config(100, 100, checkpoint));
    ExpectSameModel(result, expected);
    EXPECT_EQ(result["resumed_from_step"], 100) << details;
  }
}

TEST(ModelTrainingTest, CancelledAtTheNextCheckpoint) {
  FakeActivityContext ctx;
  ctx.set_cancelled(true);
  EXPECT_THROW(TrainModelChunk(ctx, Config(0, 300)), runtime::CancelledError);
  ASSERT_EQ(ctx.heartbeats().size(), 1u);
  EXPECT_EQ(ctx.heartbeats()[0]["step"], 50);  // Kept for whoever resumes.
}

TEST(ModelTrainingTest, InvalidConfigsAreNotRetryable) {
  const auto type_of = [](Json input) -> std::string {
    FakeActivityContext ctx;
    try {
      TrainModelChunk(ctx, input);
    } catch (const runtime::ApplicationError& e) {
      EXPECT_TRUE(e.non_retryable());
      return e.type();
    }
    return "none";
  };
  const auto with = [](const char* key, Json value) {
    Json config = Config(0, 10);
    config[key] = std::move(value);
    return config;
  };
  EXPECT_EQ(type_of(with("steps", 0)), "InvalidTrainingConfig");
  EXPECT_EQ(type_of(with("steps", -5)), "InvalidTrainingConfig");
  EXPECT_EQ(type_of(with("learning_rate", 0)), "InvalidTrainingConfig");
  EXPECT_EQ(type_of(with("learning_rate", -0.1)), "InvalidTrainingConfig");
  EXPECT_EQ(type_of(with("batch_size", 0)), "InvalidTrainingConfig");
  EXPECT_EQ(type_of(with("batch_size", 4097)), "InvalidTrainingConfig");
  EXPECT_EQ(type_of(with("steps", "ten")), "InvalidTrainingConfig");
  EXPECT_EQ(type_of(with("model_id", nullptr)), "InvalidTrainingConfig");
  EXPECT_EQ(type_of(with("checkpoint", {{"weights", {1, 2}}, {"bias", 0}})),
            "InvalidTrainingConfig");
  EXPECT_EQ(
      type_of(with("checkpoint",
                   {{"weights", Json::array({0, 0, 0, 0, 0, 0, 0, 0})}, {"bias", 0}, {"step", 7}})),
      "InvalidTrainingConfig");
  // Weights at the edge of the doubles, pushed over it: infinities, then NaN.
  Json diverging = with("learning_rate", 1e308);
  diverging["checkpoint"] = {{"weights", std::vector<double>(8, 1.7e308)}, {"bias", 0}};
  EXPECT_EQ(type_of(diverging), "TrainingDiverged");
}

}  // namespace
}  // namespace endure::activities
