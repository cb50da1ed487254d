#include "storage/base/status.h"

#include <google/protobuf/duration.pb.h>
#include <gtest/gtest.h>

namespace endure {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgument("odd: " + std::to_string(n));
  return n / 2;
}

Result<int> Quarter(int n) {
  ENDURE_ASSIGN_OR_RETURN(int half, Half(n));
  return Half(half);
}

TEST(StatusTest, OkIsDefaultAndCheap) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, CarriesCodeMessageAndContext) {
  Status s = NotFound("workflow 'x' not found");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "NOT_FOUND: workflow 'x' not found");
  EXPECT_EQ(s.WithContext("describe").ToString(), "NOT_FOUND: describe: workflow 'x' not found");
  EXPECT_EQ(s, NotFound("workflow 'x' not found"));
}

TEST(StatusTest, ResultPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Quarter(6).status().message(), "odd: 3");
  EXPECT_TRUE(Quarter(4).status().ok());
}

TEST(StatusTest, CarriesADetailThroughContext) {
  google::protobuf::Duration detail;
  detail.set_seconds(42);
  Status s = NotFound("missing").WithDetail(detail).WithContext("describe");
  ASSERT_NE(s.detail(), nullptr);
  google::protobuf::Duration back;
  ASSERT_TRUE(s.detail()->UnpackTo(&back));
  EXPECT_EQ(back.seconds(), 42);
  EXPECT_EQ(s.ToString(), "NOT_FOUND: describe: missing");
  EXPECT_EQ(Status().detail(), nullptr);
  EXPECT_EQ(NotFound("x").detail(), nullptr);
}

TEST(StatusDeathTest, ValueOfAFailedResultIsABug) {
  EXPECT_DEATH((void)Half(3).value(), "value\\(\\) of a failed Result");
}

}  // namespace
}  // namespace endure
