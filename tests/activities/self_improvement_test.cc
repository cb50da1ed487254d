// ProposeChanges, ApplyChange and RevertChange on a real repository, including their
// idempotency and the refusal to touch anything outside the repository.
#include <gtest/gtest.h>

#include "activities/self_improvement.h"
#include "tests/activities/fake_activity_context.h"
#include "tests/activities/temp_dir.h"

namespace endure::activities {
namespace {

using runtime::Json;
using testing::FakeActivityContext;
using testing::TempDir;

// Line 2 ends inside a string: its trailing spaces are data. Line 4 has trailing whitespace.
constexpr char kPython[] = "def f():\n    x = \"\"\"keep   \n    this\"\"\"\n    return 1 \t\n";
// No final newline; line 2 indented with a tab in a file indented with two spaces.
constexpr char kCpp[] = "int main() {\n\treturn 0;\n  int x = 1;\n  int y = 2;\n}";
// Trailing whitespace on line 4; Go indents with tabs, so no tab change is proposed.
constexpr char kGo[] = "package main\n\nfunc main() {\n\tprintln(1)  \n}\n";

class SelfImprovementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_.Write("a.py", kPython);
    repo_.Write("src/b.cc", kCpp);
    repo_.Write("c.go", kGo);
    repo_.Write("clean.js", "const x = 1;\n");
    FakeActivityContext ctx;
    const Json proposal = ProposeChanges(ctx, {{"repo_path", repo_.str()}});
    changes_ = proposal["changes"];
  }

  Json Change(const std::string& file, const std::string& kind) const {
    for (const Json& change : changes_) {
      if (change["file"] == file && change["kind"] == kind) return change;
    }
    ADD_FAILURE() << "no " << kind << " change for " << file;
    return {};
  }

  Json Apply(const Json& change) {
    FakeActivityContext ctx;
    return ApplyChange(ctx, {{"repo_path", repo_.str()}, {"change", change}});
  }
  Json Revert(const Json& change) {
    FakeActivityContext ctx;
    return RevertChange(ctx, {{"repo_path", repo_.str()}, {"change", change}});
  }
  std::string ErrorType(const std::function<void()>& f) {
    try {
      f();
    } catch (const runtime::ApplicationError& e) {
      EXPECT_TRUE(e.non_retryable()) << e.what();
      return e.type();
    }
    return "none";
  }

  TempDir repo_;
  Json changes_;
};

TEST_F(SelfImprovementTest, ProposesConcreteChangesMostConfidentFirst) {
  ASSERT_EQ(changes_.size(), 4u);
  const auto summary = [](const Json& c) {
    return c["file"].get<std::string>() + " " + c["kind"].get<std::string>() + " " +
           c["lines_affected"].dump() + " " + std::to_string(c["confidence"].get<double>());
  };
  EXPECT_EQ(summary(changes_[0]), "src/b.cc missing_final_newline [5] 0.990000");
  EXPECT_EQ(summary(changes_[1]), "a.py trailing_whitespace [4] 0.980000");
  EXPECT_EQ(summary(changes_[2]), "c.go trailing_whitespace [4] 0.980000");
  EXPECT_EQ(summary(changes_[3]), "src/b.cc tabs_to_spaces [2] 0.800000");
  EXPECT_EQ(changes_[1]["description"], "Remove trailing whitespace from 1 line");
  EXPECT_EQ(changes_[0]["id"].get<std::string>().size(), 16u);
}

TEST_F(SelfImprovementTest, IdsAreStableAndMaxChangesLimits) {
  FakeActivityContext ctx;
  const Json again = ProposeChanges(ctx, {{"repo_path", repo_.str()}, {"max_changes", 2}});
  ASSERT_EQ(again["changes"].size(), 2u);
  EXPECT_EQ(again["total_candidates"], 4);
  EXPECT_EQ(again["files_scanned"], 4);
  EXPECT_EQ(again["changes"][0]["id"], changes_[0]["id"]);
  EXPECT_NE(changes_[0]["id"], changes_[3]["id"]);  // Same file, other kind.
}

TEST_F(SelfImprovementTest, ApplyIsIdempotentAndRevertRestores) {
  const Json tabs = Change("src/b.cc", "tabs_to_spaces");
  const Json applied = Apply(tabs);
  EXPECT_EQ(applied["status"], "applied");
  EXPECT_EQ(applied["lines_changed"], Json::array({2}));
  const std::string backup = "src/b.cc.endure-backup-" + tabs["id"].get<std::string>();
  EXPECT_EQ(applied["backup"], backup);
  EXPECT_EQ(repo_.Read("src/b.cc"), "int main() {\n  return 0;\n  int x = 1;\n  int y = 2;\n}");
  EXPECT_EQ(repo_.Read(backup), kCpp);

  EXPECT_EQ(Apply(tabs)["status"], "already_applied");
  EXPECT_EQ(repo_.Read(backup), kCpp);  // The backup still holds the original.

  EXPECT_EQ(Revert(tabs)["status"], "reverted");
  EXPECT_EQ(repo_.Read("src/b.cc"), kCpp);
  EXPECT_FALSE(repo_.Exists(backup));
  EXPECT_EQ(Revert(tabs)["status"], "not_applied");
  EXPECT_EQ(repo_.Read("src/b.cc"), kCpp);
}

TEST_F(SelfImprovementTest, StringContentsAreLeftAlone) {
  EXPECT_EQ(Apply(Change("a.py", "trailing_whitespace"))["status"], "applied");
  EXPECT_EQ(repo_.Read("a.py"), "def f():\n    x = \"\"\"keep   \n    this\"\"\"\n    return 1\n");
}

TEST_F(SelfImprovementTest, ChangesToOneFileRevertInReverseOrder) {
  const Json newline = Change("src/b.cc", "missing_final_newline");
  const Json tabs = Change("src/b.cc", "tabs_to_spaces");
  EXPECT_EQ(Apply(newline)["status"], "applied");
  EXPECT_EQ(Apply(tabs)["status"], "applied");
  EXPECT_EQ(repo_.Read("src/b.cc"), "int main() {\n  return 0;\n  int x = 1;\n  int y = 2;\n}\n");
  // Reverting the first one now would throw away the second.
  EXPECT_EQ(ErrorType([&] { Revert(newline); }), "RevertConflict");
  EXPECT_EQ(Revert(tabs)["status"], "reverted");
  EXPECT_EQ(Revert(newline)["status"], "reverted");
  EXPECT_EQ(repo_.Read("src/b.cc"), kCpp);
}

TEST_F(SelfImprovementTest, RevertAfterACrashBetweenRestoreAndCleanup) {
  const Json change = Change("c.go", "trailing_whitespace");
  Apply(change);
  // The restore happened but the backup was never deleted.
  repo_.Write("c.go", kGo);
  EXPECT_EQ(Revert(change)["status"], "reverted");
  EXPECT_EQ(repo_.Read("c.go"), kGo);
  EXPECT_FALSE(repo_.Exists("c.go.endure-backup-" + change["id"].get<std::string>()));
}

TEST_F(SelfImprovementTest, RefusesPathsOutsideTheRepository) {
  TempDir outside;
  outside.Write("victim.cc", "int v;   \n");
  std::filesystem::create_symlink(outside.path(), repo_.path() / "escape");
  for (const std::string& file : {std::string("../victim.cc"), outside.str() + "/victim.cc",
                                  std::string("escape/victim.cc")}) {
    Json change = Change("c.go", "trailing_whitespace");
    change["file"] = file;
    EXPECT_EQ(ErrorType([&] { Apply(change); }), "InvalidPath") << file;
    EXPECT_EQ(ErrorType([&] { Revert(change); }), "InvalidPath") << file;
  }
  EXPECT_EQ(outside.Read("victim.cc"), "int v;   \n");
}

TEST_F(SelfImprovementTest, RefusesMalformedChanges) {
  Json forged = Change("c.go", "trailing_whitespace");
  forged["file"] = "a.py";  // The id belongs to c.go.
  EXPECT_EQ(ErrorType([&] { Apply(forged); }), "InvalidChange");
  Json unknown = Change("c.go", "trailing_whitespace");
  unknown["kind"] = "rewrite_everything";
  EXPECT_EQ(ErrorType([&] { Apply(unknown); }), "InvalidChange");
  EXPECT_EQ(ErrorType([&] { Apply(Json("not an object")); }), "InvalidChange");
  std::filesystem::remove(repo_.path() / "c.go");
  EXPECT_EQ(ErrorType([&] { Apply(Change("c.go", "trailing_whitespace")); }), "FileNotFound");
}

TEST(SelfImprovementLineEndingsTest, KeepsTheFilesLineEndings) {
  TempDir repo;
  repo.Write("x.js", "a();  \r\nb();\r\nc();");
  FakeActivityContext ctx;
  const Json changes = ProposeChanges(ctx, {{"repo_path", repo.str()}})["changes"];
  ASSERT_EQ(changes.size(), 2u);
  for (const Json& change : changes) {
    EXPECT_EQ(ApplyChange(ctx, {{"repo_path", repo.str()}, {"change", change}})["status"],
              "applied");
  }
  EXPECT_EQ(repo.Read("x.js"), "a();\r\nb();\r\nc();\r\n");
}

}  // namespace
}  // namespace endure::activities
