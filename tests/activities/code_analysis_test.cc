// AnalyzeStatic, AnalyzeComplexity and their checkpoints, on the sample repository.
#include <gtest/gtest.h>
#include <unistd.h>

#include "activities/code_analysis.h"
#include "tests/activities/fake_activity_context.h"
#include "tests/activities/sample_repo.h"
#include "tests/activities/temp_dir.h"

namespace endure::activities {
namespace {

using runtime::Json;
using testing::FakeActivityContext;
using testing::TempDir;

Json Counts(int files, int lines, int code, int comment, int blank, int functions) {
  return {{"files", files},     {"lines", lines}, {"code", code},
          {"comment", comment}, {"blank", blank}, {"functions", functions}};
}

class CodeAnalysisTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::WriteSampleRepo(repo_); }
  Json Input() const { return {{"repo_path", repo_.str()}}; }

  TempDir repo_;
};

TEST_F(CodeAnalysisTest, StaticCountsLinesAndFunctionsPerLanguage) {
  FakeActivityContext ctx;
  const Json result = AnalyzeStatic(ctx, Input());
  // cpp is util.cc (27 lines: 22/3/2, 2 functions) and app.h (12: 10/0/2, 2).
  EXPECT_EQ(result["languages"]["cpp"], Counts(2, 39, 32, 3, 4, 4));
  EXPECT_EQ(result["languages"]["c"], Counts(1, 9, 8, 0, 1, 1));
  EXPECT_EQ(result["languages"]["python"], Counts(1, 32, 18, 6, 8, 3));
  EXPECT_EQ(result["languages"]["javascript"], Counts(1, 17, 13, 1, 3, 2));
  EXPECT_EQ(result["languages"].size(), 4u);  // Nothing from node_modules, build, .git, link.py.
  EXPECT_EQ(result["totals"], Counts(5, 97, 71, 10, 16, 10));
  const Json largest = Json::array({
      {{"file", "scripts/tool.py"}, {"language", "python"}, {"lines", 32}},
      {{"file", "src/util.cc"}, {"language", "cpp"}, {"lines", 27}},
      {{"file", "web/app.js"}, {"language", "javascript"}, {"lines", 17}},
      {{"file", "src/app.h"}, {"language", "cpp"}, {"lines", 12}},
      {{"file", "src/legacy.c"}, {"language", "c"}, {"lines", 9}},
  });
  EXPECT_EQ(result["largest_files"], largest);
  EXPECT_EQ(result["unreadable_files"], 0);
}

TEST_F(CodeAnalysisTest, StaticHonoursTheExtensionFilter) {
  FakeActivityContext ctx;
  Json input = Input();
  input["extensions"] = {".py", ".js"};
  const Json result = AnalyzeStatic(ctx, input);
  EXPECT_EQ(result["totals"], Counts(2, 49, 31, 7, 11, 5));
}

TEST_F(CodeAnalysisTest, StaticHeartbeatsEveryNFiles) {
  FakeActivityContext ctx;
  Json input = Input();
  input["heartbeat_every_files"] = 2;
  AnalyzeStatic(ctx, input);
  // Files in order: scripts/tool.py, src/app.h, src/legacy.c, src/util.cc, web/app.js.
  const auto beats = ctx.heartbeats();
  ASSERT_EQ(beats.size(), 2u);
  EXPECT_EQ(beats[0]["files_done"], 2);
  EXPECT_EQ(beats[0]["last_file"], "src/app.h");
  EXPECT_EQ(beats[1]["files_done"], 4);
  EXPECT_EQ(beats[1]["last_file"], "src/util.cc");
  EXPECT_EQ(beats[1]["partial"]["languages"]["cpp"], Counts(2, 39, 32, 3, 4, 4));
}

TEST_F(CodeAnalysisTest, StaticRetryResumesAfterTheLastCheckpointedFile) {
  Json input = Input();
  input["heartbeat_every_files"] = 2;
  FakeActivityContext uninterrupted;
  const Json expected = AnalyzeStatic(uninterrupted, input);

  FakeActivityContext first;
  first.CrashAtHeartbeat(1);  // Dies right after checkpointing tool.py and app.h.
  EXPECT_THROW(AnalyzeStatic(first, input), testing::SimulatedCrash);

  // Files already counted are not read again: deleting one changes nothing.
  std::filesystem::remove(repo_.path() / "scripts/tool.py");
  FakeActivityContext second;
  FakeActivityContext::ContinueFrom(first, second);
  // The checkpoint crosses the wire as JSON text.
  second.set_last_heartbeat_details(Json::parse(first.heartbeats().back().dump()));
  EXPECT_EQ(AnalyzeStatic(second, input), expected);
  const auto beats = second.heartbeats();
  ASSERT_EQ(beats.size(), 1u);
  EXPECT_EQ(beats[0]["files_done"], 4);  // Three files read by this attempt, not five.
}

TEST_F(CodeAnalysisTest, CheckpointOfAnotherKindIsIgnored) {
  FakeActivityContext uninterrupted;
  const Json expected = AnalyzeStatic(uninterrupted, Input());
  FakeActivityContext ctx;
  ctx.set_last_heartbeat_details(
      {{"scan", "complexity"}, {"files_done", 4}, {"last_file", "src/util.cc"}, {"partial", {}}});
  EXPECT_EQ(AnalyzeStatic(ctx, Input()), expected);
  FakeActivityContext garbled;
  garbled.set_last_heartbeat_details(
      {{"scan", "static"}, {"files_done", 4}, {"last_file", "src/util.cc"}, {"partial", 7}});
  EXPECT_EQ(AnalyzeStatic(garbled, Input()), expected);
}

TEST_F(CodeAnalysisTest, CancelledScanStopsAtItsNextHeartbeat) {
  FakeActivityContext ctx;
  ctx.set_cancelled(true);
  Json input = Input();
  input["heartbeat_every_files"] = 1;
  EXPECT_THROW(AnalyzeStatic(ctx, input), runtime::CancelledError);
  EXPECT_EQ(ctx.heartbeats().size(), 1u);
}

TEST_F(CodeAnalysisTest, ComplexityRanksFunctions) {
  FakeActivityContext ctx;
  const Json result = AnalyzeComplexity(ctx, Input());
  const auto fn = [](const char* file, const char* name, int line, int complexity) {
    return Json{{"file", file}, {"function", name}, {"line", line}, {"complexity", complexity}};
  };
  const Json top = Json::array({
      fn("src/util.cc", "Classify", 11, 9),
      fn("scripts/tool.py", "run", 7, 7),
      fn("web/app.js", "handler", 7, 4),
      fn("scripts/tool.py", "evaluate", 25, 2),
      fn("src/app.h", "Ready", 6, 2),
      fn("scripts/tool.py", "load", 20, 1),
      fn("src/app.h", "App", 5, 1),
      fn("src/legacy.c", "greet", 4, 1),
      fn("src/util.cc", "Copy", 6, 1),
      fn("web/app.js", "render", 3, 1),
  });
  EXPECT_EQ(result["top_functions"], top);
  EXPECT_EQ(result["functions"], 10);
  EXPECT_DOUBLE_EQ(result["average_complexity"].get<double>(), 29.0 / 10.0);
  EXPECT_EQ(result["max_complexity"], 9);
  const auto file = [](const char* name, const char* language, int functions, double average,
                       int max) {
    return Json{{"file", name},
                {"language", language},
                {"functions", functions},
                {"average", average},
                {"max", max}};
  };
  const Json files = Json::array({
      file("scripts/tool.py", "python", 3, 10.0 / 3.0, 7),
      file("src/app.h", "cpp", 2, 1.5, 2),
      file("src/legacy.c", "c", 1, 1.0, 1),
      file("src/util.cc", "cpp", 2, 5.0, 9),
      file("web/app.js", "javascript", 2, 2.5, 4),
  });
  EXPECT_EQ(result["files"], files);
}

TEST_F(CodeAnalysisTest, ComplexityRetryGivesTheSameResult) {
  Json input = Input();
  input["heartbeat_every_files"] = 3;
  FakeActivityContext uninterrupted;
  const Json expected = AnalyzeComplexity(uninterrupted, input);
  FakeActivityContext first;
  first.CrashAtHeartbeat(1);
  EXPECT_THROW(AnalyzeComplexity(first, input), testing::SimulatedCrash);
  std::filesystem::remove(repo_.path() / "src/app.h");  // Counted before the crash.
  FakeActivityContext second;
  FakeActivityContext::ContinueFrom(first, second);
  EXPECT_EQ(AnalyzeComplexity(second, input), expected);
}

TEST(CodeAnalysisErrorsTest, MissingRepositoryIsNotRetryable) {
  FakeActivityContext ctx;
  for (const Json& input :
       {Json{{"repo_path", "/nonexistent/endure/repo"}}, Json::object(), Json{{"repo_path", 42}}}) {
    try {
      AnalyzeStatic(ctx, input);
      FAIL() << "no error for " << input;
    } catch (const runtime::ApplicationError& e) {
      EXPECT_EQ(e.type(), "InvalidRepository");
      EXPECT_TRUE(e.non_retryable());
    }
  }
  TempDir dir;
  dir.Write("file.txt", "not a directory");
  EXPECT_THROW(AnalyzeComplexity(ctx, {{"repo_path", (dir.path() / "file.txt").string()}}),
               runtime::ApplicationError);
}

TEST(CodeAnalysisErrorsTest, UnlistableRepositoryIsInvalid) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every directory";
  TempDir dir;
  dir.Write("locked/a.py", "x = 1\n");
  std::filesystem::permissions(dir.path() / "locked", std::filesystem::perms::none);
  FakeActivityContext ctx;
  try {
    AnalyzeSecurity(ctx, {{"repo_path", (dir.path() / "locked").string()}});
    ADD_FAILURE() << "no error";
  } catch (const runtime::ApplicationError& e) {
    EXPECT_EQ(e.type(), "InvalidRepository");
  }
  std::filesystem::permissions(dir.path() / "locked", std::filesystem::perms::owner_all);
}

}  // namespace
}  // namespace endure::activities
