#include <gtest/gtest.h>

#include <set>

#include "storage/base/manual_env.h"
#include "storage/base/uuid.h"

namespace endure {
namespace {

TEST(ManualEnvTest, TimeMovesOnlyWhenTold) {
  ManualEnv env(TimePoint(std::chrono::seconds(100)));
  EXPECT_EQ(env.Now(), TimePoint(std::chrono::seconds(100)));
  EXPECT_EQ(env.Now(), TimePoint(std::chrono::seconds(100)));
  env.Advance(std::chrono::milliseconds(1500));
  EXPECT_EQ(env.Now(), TimePoint(std::chrono::milliseconds(101'500)));
  env.Set(TimePoint(std::chrono::seconds(200)));
  EXPECT_EQ(env.Now(), TimePoint(std::chrono::seconds(200)));
}

TEST(ManualEnvTest, SeededRandomnessRepeats) {
  ManualEnv a({}, 7), b({}, 7), c({}, 8);
  const std::string first = NewUuid(&a);
  EXPECT_EQ(first, NewUuid(&b));
  EXPECT_NE(first, NewUuid(&c));
  EXPECT_NE(first, NewUuid(&a));  // The stream moves on.
}

TEST(UuidTest, IsVersionFourInCanonicalForm) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewUuid(Env::Default());
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[8], '-');
    EXPECT_EQ(id[13], '-');
    EXPECT_EQ(id[14], '4');
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(UuidTest, SpellsItsBitsInLowerCaseHexWithVersionAndVariant) {
  EXPECT_EQ(UuidFromBits(0x0123456789abcdef, 0xfedcba9876543210),
            "01234567-89ab-4def-bedc-ba9876543210");
  EXPECT_EQ(UuidFromBits(0, 0), "00000000-0000-4000-8000-000000000000");
}

TEST(ManualEnvDeathTest, TimeNeverGoesBack) {
  ManualEnv env(TimePoint(std::chrono::seconds(100)));
  EXPECT_DEATH(env.Set(TimePoint(std::chrono::seconds(50))), "only moves forward");
}

}  // namespace
}  // namespace endure
