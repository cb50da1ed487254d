// A small repository with known contents, shared by the code analysis tests. Every number the
// tests expect is counted by hand from the files below (the comments in the tests show how).
#pragma once

#include <filesystem>
#include <string>

#include "tests/activities/temp_dir.h"

namespace endure::activities::testing {

// 27 lines: 22 code, 3 comment (1, 4, 5), 2 blank (3, 10). Copy: complexity 1 (line 6);
// Classify: 1 + if, &&, if, ||, for, ?, case, case = 9 (line 11). strcpy on line 7.
inline constexpr char kUtilCc[] = R"(// Utility functions.
#include <cstring>

/* Copies a name.
   Unsafe on purpose. */
int Copy(char* dst, const char* src) {
  strcpy(dst, src);
  return 0;
}

int Classify(int x, int y) {
  if (x > 0 && y > 0) {
    return 1;
  } else if (x < 0 || y < 0) {
    return -1;
  }
  for (int i = 0; i < x; ++i) {
    y += i > 2 ? 1 : 0;  // ternary
  }
  switch (x) {
    case 1:
      return 2;
    case 2:
      return 3;
  }
  return 0;
}
)";

// 12 lines: 10 code, 2 blank (2, 8). App (line 5, a member initializer with braces):
// complexity 1; Ready (line 6): 1 + && = 2. Run is only declared.
inline constexpr char kAppH[] = R"(#pragma once

class App {
 public:
  App() : ready_(false), count_{0} {}
  bool Ready() const { return ready_ && count_ > 0; }
  void Run();  // defined elsewhere

 private:
  bool ready_;
  int count_;
};
)";

// 9 lines: 8 code, 1 blank (3). greet (line 4): complexity 1. sprintf (6), system (7); the
// strcpy in a comment and the gets in a string are not calls.
inline constexpr char kLegacyC[] = R"(#include <stdio.h>
#include <stdlib.h>

void greet(const char* name) {
  char buf[64];
  sprintf(buf, "hi %s", name);
  system(buf);  /* strcpy(buf, name) in a comment is not a call */
  const char* s = "gets(buf) in a string is not a call";
}
)";

// 32 lines: 18 code, 6 comment (1, 2, 8, 10, 11, 21: the shebang, docstrings, a comment),
// 8 blank (5, 6, 9, 17, 18, 24, 30, 31). run (line 7): 1 + if, and, elif, or, for, if = 7;
// load (20): 1; evaluate (25): 1 + except = 2. subprocess shell=True (13), os.system (15),
// pickle.loads (23), eval (27), a password (32).
inline constexpr char kToolPy[] = R"(#!/usr/bin/env python3
"""Tool module docstring."""
import os
import subprocess


def run(cmd, check=True):
    """Run a command.

    Uses the shell.
    """
    if check and cmd:
        subprocess.run(cmd, shell=True)
    elif cmd or not check:
        os.system(cmd)
    return [x for x in cmd if x]


class Loader:
    def load(self, data):
        # Deserialize.
        import pickle
        return pickle.loads(data)

    async def evaluate(self, expr):
        try:
            return eval(expr)
        except ValueError:
            return None


password = "hunter22secret"
)";

// 17 lines: 13 code, 1 comment (14), 3 blank (2, 6, 13). render (3): 1; handler (7, an arrow
// function): 1 + if, &&, ?: = 4. The braces in the regex and the template string do not count.
// innerHTML (4), child_process exec through an alias (9), eval (11).
inline constexpr char kAppJs[] = R"(const cp = require("child_process");

function render(el, html) {
  el.innerHTML = html;
}

const handler = async (req) => {
  if (req.ok && req.body) {
    cp.exec(req.body);
  }
  return req.ok ? eval(req.body) : null;
};

/* Matches /{braces}/ in text. */
const re = /[{}]+/g;
const tpl = `line one
line two {`;
)";

// Read for secrets only: an AWS key id (line 1) and an API key (line 2).
inline constexpr char kSettingsYaml[] =
    "aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n"
    "api_key: \"abcd1234efgh5678\"\n";

inline constexpr char kDeployPem[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEfakefakefake\n"
    "-----END RSA PRIVATE KEY-----\n";

// Writes the repository, with files the walk must skip: dependencies, build output, git
// metadata, and a symbolic link.
inline void WriteSampleRepo(const TempDir& repo) {
  repo.Write("src/util.cc", kUtilCc);
  repo.Write("src/app.h", kAppH);
  repo.Write("src/legacy.c", kLegacyC);
  repo.Write("scripts/tool.py", kToolPy);
  repo.Write("web/app.js", kAppJs);
  repo.Write("config/settings.yaml", kSettingsYaml);
  repo.Write("keys/deploy.pem", kDeployPem);
  repo.Write("README.md", "# Sample\n");
  repo.Write("node_modules/dep/index.js", "function f() { eval(x); }\n");
  repo.Write("build/gen.cc", "int Gen() { return system(\"x\"); }\n");
  repo.Write(".git/hooks/pre-commit.py", "def hook():\n    eval('1')\n");
  std::filesystem::create_symlink(repo.path() / "scripts/tool.py", repo.path() / "link.py");
}

}  // namespace endure::activities::testing
