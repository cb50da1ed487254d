// The rules of the security analysis: risky calls, found in a file's tokens (so never in a comment
// or a string), and committed secrets, found in its raw lines (comments and strings are exactly
// where secrets are left).
//
//   rule                    severity  matches
//   c-gets                  high      gets(
//   c-system, c-popen       high      system(, popen( (also std::system)
//   c-strcpy, c-strcat      medium    strcpy(, strcat(
//   c-sprintf               medium    sprintf(, vsprintf(
//   py-eval, py-exec        high      eval(, exec( (not a method such as model.eval())
//   py-pickle-loads         high      pickle.loads(, pickle.load(
//   py-os-system            high      os.system(, os.popen(
//   py-subprocess-shell     high      subprocess.<fn>(..., shell=True), or run/call/Popen/
//                                     check_call/check_output(..., shell=True) in a file that
//                                     imports subprocess
//   js-eval                 high      eval(
//   js-child-process-exec   high      exec(/execSync( of child_process: child_process.exec(,
//                                     require("child_process").exec(, an alias bound by
//                                     require/import, or a bare exec( in a file importing it
//   js-inner-html           medium    .innerHTML = / += (also outerHTML)
//   secret-aws-access-key   critical  AKIA followed by 16 of [0-9A-Z]
//   secret-private-key      critical  -----BEGIN ... PRIVATE KEY-----
//   secret-generic          high      password|passwd|secret|api_key|apikey|token, then : = or
//                                     :=, then a quoted value of 8 or more characters
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "activities/repo_files.h"
#include "activities/source_scanner.h"

namespace endure::activities {

enum class Severity { kCritical, kHigh, kMedium, kLow };

// "critical", "high", "medium", "low".
std::string_view SeverityName(Severity severity);

struct RuleHit {
  int line;  // 1-based.
  std::string rule;
  Severity severity;
};

std::vector<RuleHit> FindRiskyCalls(Language language, const ScannedFile& file);

// The secrets on one line of text (its number is `line`).
std::vector<RuleHit> FindSecrets(std::string_view text, int line);

// `text` with every secret value replaced by asterisks. An AWS key id keeps its "AKIA" prefix,
// which only says what kind of key it is.
std::string MaskSecrets(std::string_view text);

}  // namespace endure::activities
