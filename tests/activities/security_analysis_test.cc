// AnalyzeSecurity and its rules.
#include <gtest/gtest.h>

#include "activities/code_analysis.h"
#include "activities/repo_files.h"
#include "activities/security_rules.h"
#include "activities/source_scanner.h"
#include "tests/activities/fake_activity_context.h"
#include "tests/activities/sample_repo.h"
#include "tests/activities/temp_dir.h"

namespace endure::activities {
namespace {

using runtime::Json;
using testing::FakeActivityContext;
using testing::TempDir;

Json Finding(const char* file, int line, const char* rule, const char* severity,
             const char* excerpt) {
  return {
      {"file", file}, {"line", line}, {"rule", rule}, {"severity", severity}, {"excerpt", excerpt}};
}

TEST(SecurityAnalysisTest, FindsRiskyCallsAndSecretsInTheSampleRepository) {
  TempDir repo;
  testing::WriteSampleRepo(repo);
  FakeActivityContext ctx;
  const Json result = AnalyzeSecurity(ctx, {{"repo_path", repo.str()}});
  const Json expected = Json::array({
      Finding("config/settings.yaml", 1, "secret-aws-access-key", "critical",
              "aws_access_key_id: AKIA****************"),
      Finding("config/settings.yaml", 2, "secret-generic", "high", "api_key: \"********\""),
      Finding("keys/deploy.pem", 1, "secret-private-key", "critical",
              "-----BEGIN RSA PRIVATE KEY-----"),
      Finding("scripts/tool.py", 13, "py-subprocess-shell", "high",
              "subprocess.run(cmd, shell=True)"),
      Finding("scripts/tool.py", 15, "py-os-system", "high", "os.system(cmd)"),
      Finding("scripts/tool.py", 23, "py-pickle-loads", "high", "return pickle.loads(data)"),
      Finding("scripts/tool.py", 27, "py-eval", "high", "return eval(expr)"),
      Finding("scripts/tool.py", 32, "secret-generic", "high", "password = \"********\""),
      Finding("src/legacy.c", 6, "c-sprintf", "medium", "sprintf(buf, \"hi %s\", name);"),
      Finding("src/legacy.c", 7, "c-system", "high",
              "system(buf);  /* strcpy(buf, name) in a comment is not a call */"),
      Finding("src/util.cc", 7, "c-strcpy", "medium", "strcpy(dst, src);"),
      Finding("web/app.js", 4, "js-inner-html", "medium", "el.innerHTML = html;"),
      Finding("web/app.js", 9, "js-child-process-exec", "high", "cp.exec(req.body);"),
      Finding("web/app.js", 11, "js-eval", "high", "return req.ok ? eval(req.body) : null;"),
  });
  EXPECT_EQ(result["findings"], expected);
  EXPECT_EQ(result["summary"]["total"], 14);
  EXPECT_EQ(result["summary"]["by_severity"],
            Json({{"critical", 2}, {"high", 9}, {"medium", 3}, {"low", 0}}));
  EXPECT_EQ(result["summary"]["by_rule"]["secret-generic"], 2);
  EXPECT_EQ(result["truncated"], false);
  // tool.py, app.h, legacy.c, util.cc, app.js, settings.yaml, deploy.pem (not README.md).
  EXPECT_EQ(result["files_scanned"], 7);
}

TEST(SecurityAnalysisTest, MaxFindingsCapsTheListButNotTheCounts) {
  TempDir repo;
  testing::WriteSampleRepo(repo);
  FakeActivityContext ctx;
  const Json result = AnalyzeSecurity(ctx, {{"repo_path", repo.str()}, {"max_findings", 3}});
  EXPECT_EQ(result["findings"].size(), 3u);
  EXPECT_EQ(result["summary"]["total"], 14);
  EXPECT_EQ(result["truncated"], true);
}

TEST(SecurityAnalysisTest, RetryResumesWithTheFindingsSoFar) {
  TempDir repo;
  testing::WriteSampleRepo(repo);
  const Json input = {{"repo_path", repo.str()}, {"heartbeat_every_files", 2}};
  FakeActivityContext uninterrupted;
  const Json expected = AnalyzeSecurity(uninterrupted, input);
  FakeActivityContext first;
  first.CrashAtHeartbeat(2);  // After settings.yaml, deploy.pem, tool.py and app.h.
  EXPECT_THROW(AnalyzeSecurity(first, input), testing::SimulatedCrash);
  std::filesystem::remove(repo.path() / "scripts/tool.py");
  FakeActivityContext second;
  FakeActivityContext::ContinueFrom(first, second);
  EXPECT_EQ(AnalyzeSecurity(second, input), expected);
}

TEST(SecurityAnalysisTest, ReadsDotEnvFilesAndSkipsHugeOnes) {
  TempDir repo;
  repo.Write(".env", "API_KEY=\"live-0123456789\"\n");
  repo.Write(".env.local", "\n\nDB_PASSWORD='correct-horse'\n");
  repo.Write("data/dump.json", "\"token\": \"abcdefghijk\"\n" + std::string(9 << 20, ' '));
  FakeActivityContext ctx;
  const Json result = AnalyzeSecurity(ctx, {{"repo_path", repo.str()}});
  EXPECT_EQ(
      result["findings"],
      Json::array({Finding(".env", 1, "secret-generic", "high", "API_KEY=\"********\""),
                   Finding(".env.local", 3, "secret-generic", "high", "DB_PASSWORD='********'")}));
  EXPECT_EQ(result["files_scanned"], 2);
}

std::vector<std::string> Rules(Language language, const std::string& code) {
  std::vector<std::string> rules;
  for (const RuleHit& hit : FindRiskyCalls(language, ScanSource(language, code))) {
    rules.push_back(std::to_string(hit.line) + ":" + hit.rule);
  }
  return rules;
}

using Rules_ = std::vector<std::string>;

TEST(SecurityRulesTest, CallsOfOtherObjectsAreNotFlagged) {
  EXPECT_EQ(Rules(Language::kPython, "model.eval()\nself.exec(x)\nos.path.join(a)\n"), Rules_{});
  EXPECT_EQ(Rules(Language::kPython, "class M:\n    def eval(self):\n        pass\n"), Rules_{});
  EXPECT_EQ(Rules(Language::kJavaScript, "const m = re.exec(s);\nx.eval(1);\n"), Rules_{});
  EXPECT_EQ(Rules(Language::kCpp, "obj.system(1);\np->gets(b);\nfoo::popen(x);\n"), Rules_{});
  EXPECT_EQ(Rules(Language::kCpp, "std::system(cmd);\n::popen(c, \"r\");\n"),
            (Rules_{"1:c-system", "2:c-popen"}));
}

TEST(SecurityRulesTest, SubprocessNeedsShellTrue) {
  const std::string code =
      "from subprocess import run\n"
      "run(['ls'])\n"
      "run('ls', shell=True)\n"
      "subprocess.check_output(f(x, shell=True))\n"  // shell=True of another call.
      "subprocess.Popen(cmd, shell=False)\n";
  EXPECT_EQ(Rules(Language::kPython, code), Rules_{"3:py-subprocess-shell"});
}

TEST(SecurityRulesTest, ChildProcessIsRecognizedThroughItsBindings) {
  EXPECT_EQ(Rules(Language::kJavaScript, "import { exec } from 'child_process';\nexec(cmd);\n"),
            Rules_{"2:js-child-process-exec"});
  EXPECT_EQ(Rules(Language::kTypeScript, "require('node:child_process').execSync(c);\n"),
            Rules_{"1:js-child-process-exec"});
  EXPECT_EQ(Rules(Language::kJavaScript, "exec(cmd);\nel.innerHTML == x;\nel.innerHTML += y;\n"),
            Rules_{"3:js-inner-html"});
}

TEST(SecurityRulesTest, SecretsAndMasks) {
  EXPECT_EQ(FindSecrets("key = 'AKIAABCDEFGHIJKLMNOP'", 1).size(), 1u);
  EXPECT_TRUE(FindSecrets("key = 'AKIAABCDEFGHIJKLMNOPQ'", 1).empty());  // 17 characters.
  EXPECT_TRUE(FindSecrets("XAKIAABCDEFGHIJKLMNOP", 1).empty());
  EXPECT_EQ(FindSecrets("-----BEGIN OPENSSH PRIVATE KEY-----", 1).size(), 1u);
  EXPECT_TRUE(FindSecrets("-----BEGIN PUBLIC KEY-----", 1).empty());
  EXPECT_EQ(FindSecrets("\"db_password\": \"s3cr3t-value\"", 1).size(), 1u);
  EXPECT_EQ(FindSecrets("token := \"abcdefghij\"", 1).size(), 1u);
  EXPECT_TRUE(FindSecrets("password = \"short\"", 1).empty());
  EXPECT_TRUE(FindSecrets("password = os.environ['PASSWORD_VAR']", 1).empty());
  EXPECT_TRUE(FindSecrets("if password == \"something-long\":", 1).empty());
  EXPECT_TRUE(FindSecrets("password: \"${DB_PASSWORD}\"", 1).empty());
  EXPECT_TRUE(FindSecrets("tokenizer = \"bert-base-uncased\"", 1).empty());
  EXPECT_EQ(MaskSecrets("a=AKIAABCDEFGHIJKLMNOP b"), "a=AKIA**************** b");
  EXPECT_EQ(MaskSecrets("secret='one-two-three' token=\"four-five-six\""),
            "secret='********' token=\"********\"");
}

}  // namespace
}  // namespace endure::activities
