// JarvisActivities: the names workflows call, each bound to its activity.
#include <gtest/gtest.h>

#include "activities/registry.h"
#include "tests/activities/fake_activity_context.h"

namespace endure::activities {
namespace {

TEST(RegistryTest, RegistersEveryJarvisActivityByName) {
  std::vector<std::string> names;
  for (const auto& [name, fn] : JarvisActivities()) {
    names.push_back(name);
    EXPECT_TRUE(static_cast<bool>(fn)) << name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"analyze_static", "analyze_security",
                                             "analyze_complexity", "run_tests", "propose_changes",
                                             "apply_change", "revert_change", "train_model_chunk",
                                             "copy_rows_batch", "count_rows"}));
}

TEST(RegistryTest, MalformedInputIsANonRetryableApplicationError) {
  // Whatever the activity, a wrong input must not surface as a retryable std::exception.
  for (const auto& [name, fn] : JarvisActivities()) {
    testing::FakeActivityContext ctx;
    try {
      fn(ctx, runtime::Json::array({1, 2}));
      ADD_FAILURE() << name << " accepted an array";
    } catch (const runtime::ApplicationError& e) {
      EXPECT_TRUE(e.non_retryable()) << name;
    } catch (const std::exception& e) {
      ADD_FAILURE() << name << " threw " << e.what();
    }
  }
}

}  // namespace
}  // namespace endure::activities
