#include "activities/model_training.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "activities/input.h"
#include "activities/text_util.h"

namespace endure::activities {
namespace {

using runtime::Json;

constexpr size_t kFeatures = 8;
constexpr size_t kTrainSamples = 4096;
constexpr size_t kValidationSamples = 1024;
constexpr int64_t kCheckpointEvery = 50;
constexpr double kLabelNoise = 0.5;
constexpr std::string_view kConfigError = "InvalidTrainingConfig";

using Vector = std::array<double, kFeatures>;

// Random numbers defined bit for bit: mt19937_64's output is fixed by the standard, and the
// conversions below are ours.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  double Uniform() {  // [0, 1), 53 random bits.
    return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
  }
  double Normal() {                     // Box-Muller, one value per pair of uniforms.
    const double u1 = 1.0 - Uniform();  // (0, 1]: log(0) is not a number.
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
  }
  uint64_t Below(uint64_t n) {  // Uniform in [0, n), by rejection (no modulo bias).
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t value;
    do {
      value = engine_();
    } while (value >= limit);
    return value % n;
  }

 private:
  std::mt19937_64 engine_;
};

// SplitMix64's finalizer: a seed per epoch that shares no structure with the data's seed.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct Sample {
  Vector x;
  double y;  // 0 or 1.
};

struct DataSet {
  uint64_t seed;
  std::vector<Sample> train;
  std::vector<Sample> validation;
};

DataSet MakeDataSet(const std::string& model_id) {
  DataSet data{Fnv1a64(model_id), {}, {}};
  Rng rng(data.seed);
  Vector hidden;
  for (double& w : hidden) w = rng.Normal();
  const double hidden_bias = 0.5 * rng.Normal();
  auto draw = [&] {
    Sample s;
    double logit = hidden_bias;
    for (size_t j = 0; j < kFeatures; ++j) {
      s.x[j] = rng.Normal();
      logit += hidden[j] * s.x[j];
    }
    s.y = logit + kLabelNoise * rng.Normal() > 0 ? 1.0 : 0.0;
    return s;
  };
  for (size_t i = 0; i < kTrainSamples; ++i) data.train.push_back(draw());
  for (size_t i = 0; i < kValidationSamples; ++i) data.validation.push_back(draw());
  return data;
}

// The order in which epoch `epoch` visits the training set (Fisher-Yates).
std::vector<uint32_t> EpochOrder(uint64_t seed, int64_t epoch) {
  std::vector<uint32_t> order(kTrainSamples);
  std::iota(order.begin(), order.end(), 0u);
  Rng rng(Mix(seed ^ Mix(static_cast<uint64_t>(epoch))));
  for (size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng.Below(i + 1)]);
  return order;
}

struct Model {
  Vector weights{};
  double bias = 0;

  double Logit(const Vector& x) const {
    double z = bias;
    for (size_t j = 0; j < kFeatures; ++j) z += weights[j] * x[j];
    return z;
  }
  bool Finite() const {
    for (const double w : weights) {
      if (!std::isfinite(w)) return false;
    }
    return std::isfinite(bias);
  }
};

double Sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

// log(1 + e^t) without overflow.
double Softplus(double t) { return std::max(t, 0.0) + std::log1p(std::exp(-std::fabs(t))); }

struct Evaluation {
  double loss = 0;
  double accuracy = 0;
};

Evaluation Evaluate(const Model& model, const std::vector<Sample>& samples) {
  Evaluation e;
  for (const Sample& s : samples) {
    const double z = model.Logit(s.x);
    e.loss += s.y > 0.5 ? Softplus(-z) : Softplus(z);
    e.accuracy += (z > 0) == (s.y > 0.5) ? 1.0 : 0.0;
  }
  e.loss /= static_cast<double>(samples.size());
  e.accuracy /= static_cast<double>(samples.size());
  return e;
}

// One SGD step on the batch at `position` of `order`.
void Step(Model& model, const DataSet& data, const std::vector<uint32_t>& order, size_t position,
          size_t batch_size, double learning_rate) {
  Vector gradient{};
  double bias_gradient = 0;
  for (size_t k = position * batch_size; k < (position + 1) * batch_size; ++k) {
    const Sample& s = data.train[order[k]];
    const double error = Sigmoid(model.Logit(s.x)) - s.y;
    for (size_t j = 0; j < kFeatures; ++j) gradient[j] += error * s.x[j];
    bias_gradient += error;
  }
  const double scale = learning_rate / static_cast<double>(batch_size);
  for (size_t j = 0; j < kFeatures; ++j) model.weights[j] -= scale * gradient[j];
  model.bias -= scale * bias_gradient;
}

// {"weights": [8 numbers], "bias": number}, or nullopt when `value` is not that.
std::optional<Model> ParseModel(const Json& value) {
  if (!value.is_object()) return std::nullopt;
  const auto weights = value.find("weights");
  const auto bias = value.find("bias");
  if (weights == value.end() || !weights->is_array() || weights->size() != kFeatures ||
      bias == value.end() || !bias->is_number()) {
    return std::nullopt;
  }
  Model model;
  for (size_t j = 0; j < kFeatures; ++j) {
    if (!(*weights)[j].is_number()) return std::nullopt;
    model.weights[j] = (*weights)[j].get<double>();
  }
  model.bias = bias->get<double>();
  if (!model.Finite()) return std::nullopt;
  return model;
}

Json ModelJson(const std::string& model_id, int64_t step, const Model& model) {
  return {{"model_id", model_id}, {"step", step}, {"weights", model.weights}, {"bias", model.bias}};
}

struct Config {
  std::string model_id;
  int64_t start_step;
  int64_t steps;
  double learning_rate;
  int64_t batch_size;
  Model initial;
};

Config ReadConfig(const Json& input) {
  Config c;
  c.model_id = RequiredString(input, "model_id", kConfigError);
  c.start_step = OptionalInt(input, "start_step", 0, kConfigError);
  c.steps = RequiredInt(input, "steps", kConfigError);
  c.learning_rate = RequiredNumber(input, "learning_rate", kConfigError);
  c.batch_size = RequiredInt(input, "batch_size", kConfigError);
  if (c.model_id.empty()) Reject(kConfigError, "model_id is empty");
  if (c.steps <= 0) Reject(kConfigError, "steps must be positive");
  if (c.learning_rate <= 0) Reject(kConfigError, "learning_rate must be positive");
  if (c.batch_size <= 0) Reject(kConfigError, "batch_size must be positive");
  if (c.batch_size > static_cast<int64_t>(kTrainSamples)) {
    Reject(kConfigError, "batch_size must be at most " + std::to_string(kTrainSamples));
  }
  constexpr int64_t kMaxStep = int64_t{1} << 53;  // Exact as a JSON number anywhere.
  if (c.start_step < 0 || c.start_step > kMaxStep || c.steps > kMaxStep - c.start_step) {
    Reject(kConfigError, "start_step must be in [0, 2^53] and start_step + steps at most 2^53");
  }
  if (const std::optional<Json> checkpoint = OptionalField(input, "checkpoint", kConfigError)) {
    const std::optional<Model> model = ParseModel(*checkpoint);
    if (!model) Reject(kConfigError, "checkpoint must be {weights: [8 numbers], bias: number}");
    const auto step = checkpoint->find("step");
    if (step != checkpoint->end() && !(step->is_number_integer() && *step == c.start_step)) {
      Reject(kConfigError, "checkpoint.step must equal start_step");
    }
    c.initial = *model;
  }
  return c;
}

}  // namespace

Json TrainModelChunk(runtime::ActivityContext& ctx, const Json& input) {
  const Config config = ReadConfig(input);
  const int64_t end = config.start_step + config.steps;
  Model model = config.initial;
  int64_t step = config.start_step;

  // A checkpoint heartbeated by an earlier attempt of this chunk, further along.
  if (const std::optional<Json> details = ctx.last_heartbeat_details()) {
    const std::optional<Model> saved = ParseModel(*details);
    const auto saved_id = details->is_object() ? details->find("model_id") : details->end();
    const auto saved_step = details->is_object() ? details->find("step") : details->end();
    if (saved && saved_id != details->end() && saved_id->is_string() &&
        saved_id->get_ref<const std::string&>() == config.model_id &&
        saved_step != details->end() && saved_step->is_number_integer()) {
      const int64_t at = saved_step->get<int64_t>();
      if (at > step && at <= end) {
        model = *saved;
        step = at;
      }
    }
  }
  const int64_t resumed_from = step;

  const DataSet data = MakeDataSet(config.model_id);
  const auto batch_size = static_cast<size_t>(config.batch_size);
  const auto batches_per_epoch = static_cast<int64_t>(kTrainSamples / batch_size);
  int64_t epoch = -1;
  std::vector<uint32_t> order;
  while (step < end) {
    if (step / batches_per_epoch != epoch) {
      epoch = step / batches_per_epoch;
      order = EpochOrder(data.seed, epoch);
    }
    Step(model, data, order, static_cast<size_t>(step % batches_per_epoch), batch_size,
         config.learning_rate);
    ++step;
    if (step % kCheckpointEvery == 0) {
      // Checked before it is saved: NaN would reach JSON as null and poison every later chunk.
      if (!model.Finite()) {
        Reject("TrainingDiverged",
               "weights overflowed at step " + std::to_string(step) + "; lower the learning rate");
      }
      ctx.heartbeat(ModelJson(config.model_id, step, model));
      if (ctx.cancelled()) throw runtime::CancelledError("training cancelled");
    }
  }
  if (!model.Finite()) Reject("TrainingDiverged", "weights overflowed; lower the learning rate");

  const Evaluation validation = Evaluate(model, data.validation);
  const Evaluation train = Evaluate(model, data.train);
  Json result = ModelJson(config.model_id, step, model);
  result["loss"] = validation.loss;
  result["accuracy"] = validation.accuracy;
  result["train_loss"] = train.loss;
  result["resumed_from_step"] = resumed_from;
  return result;
}

}  // namespace endure::activities
