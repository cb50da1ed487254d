// The lexer and the function finder behind the code analyses, on the constructs that trip up
// naive line-based counting.
#include <gtest/gtest.h>

#include "activities/functions.h"
#include "activities/source_scanner.h"

namespace endure::activities {
namespace {

// "name:line-end_line:complexity" for each function.
std::vector<std::string> Functions(Language language, const std::string& code) {
  std::vector<std::string> out;
  for (const FunctionInfo& f : FindFunctions(language, ScanSource(language, code))) {
    out.push_back(f.name + ":" + std::to_string(f.line) + "-" + std::to_string(f.end_line) + ":" +
                  std::to_string(f.complexity));
  }
  return out;
}

using List = std::vector<std::string>;

TEST(SourceScannerTest, ClassifiesLines) {
  const ScannedFile f = ScanSource(Language::kCpp,
                                   "int a;  // code\n"
                                   "  \t\n"
                                   "/* one\n"
                                   "\n"
                                   "   two */ int b;\n"
                                   "// only\n"
                                   "const char* s = \"// not a comment\";");
  ASSERT_EQ(f.lines.size(), 7u);
  EXPECT_TRUE(f.IsCodeLine(1));
  EXPECT_TRUE(f.lines[1].blank);
  EXPECT_TRUE(f.IsCommentLine(3));
  EXPECT_TRUE(f.lines[3].blank);  // Blank inside a comment is blank.
  EXPECT_TRUE(f.IsCodeLine(5));
  EXPECT_TRUE(f.IsCommentLine(6));
  EXPECT_TRUE(f.IsCodeLine(7));
  EXPECT_FALSE(f.lines[6].has_comment);
}

TEST(SourceScannerTest, MarksLinesInsideMultiLineStrings) {
  const ScannedFile cpp = ScanSource(Language::kCpp, "auto s = R\"x(a\n{ b )\"\n)x\";\n");
  EXPECT_TRUE(cpp.lines[0].ends_in_string);
  EXPECT_TRUE(cpp.lines[1].starts_in_string);
  EXPECT_TRUE(cpp.lines[1].ends_in_string);
  EXPECT_FALSE(cpp.lines[2].ends_in_string);
  const ScannedFile py = ScanSource(Language::kPython, "x = '''a\nb'''\ny = 1\n");
  EXPECT_TRUE(py.lines[1].starts_in_string);
  EXPECT_TRUE(py.lines[1].continuation);
  EXPECT_FALSE(py.lines[2].continuation);
}

TEST(FunctionsTest, CppShapes) {
  const std::string code = R"(namespace a {
template <typename T = int>
std::vector<T> Make(int n) noexcept(true) {
  return n > 0 ? std::vector<T>(n) : std::vector<T>{};
}
Foo::Foo(int x) : x_(x), y_{x} {
  if (x) {}
}
Foo::~Foo() {}
bool Foo::operator==(const Foo& o) const { return x_ == o.x_ && y_ == o.y_; }
auto Foo::Get() const -> int { return x_; }
int kTable[] = {1, 2, 3};
auto kLambda = [](int v) { return v || 1; };
void Foo::Loop(std::vector<int>&& v) {
  for (auto&& e : v) { while (e) { e--; } }
  const char* s = "if (x) { while }";  // if for while
  try { Run(); } catch (...) {}
}
}  // namespace a
)";
  EXPECT_EQ(Functions(Language::kCpp, code),
            (List{"Make:3-5:2", "Foo::Foo:6-8:2", "Foo::~Foo:9-9:1", "Foo::operator==:10-10:2",
                  "Foo::Get:11-11:1", "Foo::Loop:14-18:4"}));
}

TEST(FunctionsTest, OtherCLikeLanguages) {
  EXPECT_EQ(Functions(Language::kGo,
                      "package m\n"
                      "func (s *Server) Start(ctx context.Context) (int, error) {\n"
                      "\tif a && b { return 1, nil }\n"
                      "\tswitch x {\n\tcase 1:\n\t}\n"
                      "\treturn 0, nil\n}\n"
                      "type T struct { a int }\n"
                      "var handler = func(w int) { }\n"),
            (List{"Start:2-8:4", "handler:10-10:1"}));
  EXPECT_EQ(Functions(Language::kRust,
                      "impl<'a> Parser<'a> {\n"
                      "    fn next(&mut self) -> Option<char> where Self: Sized {\n"
                      "        let c = '{';\n"
                      "        if self.done { return None; }\n"
                      "        self.read()?\n"
                      "    }\n}\n"),
            (List{"next:2-6:2"}));
  EXPECT_EQ(Functions(Language::kJava,
                      "@Service\npublic class A extends B<C> {\n"
                      "  @Override\n  public List<?> load(String id) throws IOException {\n"
                      "    return id == null ? List.of() : find(id);\n  }\n}\n"),
            (List{"load:4-6:2"}));
  EXPECT_EQ(
      Functions(Language::kTypeScript,
                "export class Store {\n"
                "  async get(key: string): Promise<Item | undefined> {\n"
                "    return this.items[key] ?? this.load?.(key);\n  }\n"
                "  private onChange = (e: Event): void => { if (e) {} };\n"
                "}\n"
                "export default function (x?: number) { return x; }\n"
                "describe('store', () => {\n  it('works', () => { expect(1 || 2); });\n});\n"),
      (List{"get:2-4:2", "onChange:5-5:2", "<anonymous>:7-7:1", "<anonymous>:8-10:2"}));
}

TEST(FunctionsTest, PythonBodiesFollowIndentation) {
  const std::string code = R"(@decorator
def outer(a,
          b=1 if x else 2):
    def inner():
        return a and b
    text = """
not code: if while for
"""
    return [inner() for _ in range(3)]
# a comment at column 0 does not end the function
    pass

match command:
    case "go":
        pass
async def later():
    while True:
        match x:
            case 1: pass
            case _: pass
)";
  EXPECT_EQ(Functions(Language::kPython, code), (List{"outer:2-11:3", "later:16-20:4"}));
}

}  // namespace
}  // namespace endure::activities
