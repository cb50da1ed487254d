// A recursive-descent parser that writes SQL as it goes: the language is LL(1), so no tree is
// needed. Grammar (keywords in any case):
//
//   query     := [or_expr] [ORDER BY order_key {, order_key} | GROUP BY ExecutionStatus]
//   or_expr   := and_expr {OR and_expr}
//   and_expr  := unary {AND unary}
//   unary     := NOT unary | ( or_expr ) | predicate
//   predicate := attr ( cmp value | [NOT] IN ( value {, value} ) | [NOT] BETWEEN value AND value
//                     | [NOT] STARTS_WITH value | IS [NOT] NULL )
//   order_key := attr [ASC | DESC]
//
// SQL ranks NOT, AND and OR as the query language does (NOT over AND over OR), so the SQL keeps
// the shape of the query; a predicate that becomes several SQL terms is parenthesized.
#include "storage/visibility/visibility_query.h"

#include <array>
#include <charconv>
#include <utility>

#include "storage/visibility/query_lexer.h"

namespace endure::storage::visibility {
namespace {

enum class Op {
  kEq,
  kNe,
  kLt,
  kGt,
  kLe,
  kGe,
  kIn,
  kNotIn,
  kBetween,
  kNotBetween,
  kStartsWith,
  kNotStartsWith,
  kIsNull,
  kIsNotNull,
};

std::string_view OpName(Op op) {
  static constexpr std::array<std::string_view, 14> kNames = {
      "=",       "!=",         "<",       ">",           "<=",          ">=",
      "IN",      "NOT IN",     "BETWEEN", "NOT BETWEEN", "STARTS_WITH", "NOT STARTS_WITH",
      "IS NULL", "IS NOT NULL"};
  return kNames[static_cast<size_t>(op)];
}

std::string_view TypeName(AttributeType type) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "Keyword", "Text", "Int", "Double", "Bool", "Datetime", "KeywordList"};
  return kNames[static_cast<size_t>(type)];
}

struct Attribute {
  std::string name;  // As written in the query.
  AttributeColumn column;
  size_t offset;
  // Temporal recognizes ExecutionStatus by name, not by type: its values are status names.
  bool IsStatus() const { return name == "ExecutionStatus"; }
};

// Which operators each type takes, as Temporal's SQL visibility allows them.
bool Allows(const Attribute& attr, Op op) {
  const bool prefix = op == Op::kStartsWith || op == Op::kNotStartsWith;
  if (op == Op::kIsNull || op == Op::kIsNotNull) return true;
  switch (attr.column.type) {
    case AttributeType::kKeyword:
      return !(prefix && attr.IsStatus());
    case AttributeType::kText:
      return op == Op::kEq || op == Op::kNe || prefix;
    case AttributeType::kInt:
    case AttributeType::kDouble:
    case AttributeType::kDatetime:
      return !prefix;
    case AttributeType::kBool:
      return op == Op::kEq || op == Op::kNe;
    case AttributeType::kKeywordList:
      return op == Op::kEq || op == Op::kNe || op == Op::kIn || op == Op::kNotIn;
  }
  return false;
}

// Values of temporal.api.enums.v1.WorkflowExecutionStatus, by short and enum-suffix names.
struct StatusName {
  std::string_view short_name;   // Upper-cased "ContinuedAsNew".
  std::string_view enum_suffix;  // After WORKFLOW_EXECUTION_STATUS_.
};
constexpr std::array<StatusName, 7> kStatusNames = {{
    {"RUNNING", "RUNNING"},
    {"COMPLETED", "COMPLETED"},
    {"FAILED", "FAILED"},
    {"CANCELED", "CANCELED"},
    {"TERMINATED", "TERMINATED"},
    {"CONTINUEDASNEW", "CONTINUED_AS_NEW"},
    {"TIMEDOUT", "TIMED_OUT"},
}};

std::optional<int64_t> StatusFromName(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  constexpr std::string_view kPrefix = "WORKFLOW_EXECUTION_STATUS_";
  const bool full = std::string_view(upper).starts_with(kPrefix);
  const std::string_view key = full ? std::string_view(upper).substr(kPrefix.size()) : upper;
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (key == (full ? kStatusNames[i].enum_suffix : kStatusNames[i].short_name)) {
      return static_cast<int64_t>(i + 1);
    }
  }
  return std::nullopt;
}

// The least string greater than every string starting with `prefix` (bytewise, as SQLite's
// BINARY collation compares), or nullopt when there is none ("" or all 0xFF bytes).
std::optional<std::string> PrefixSuccessor(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (prefix.empty()) return std::nullopt;
  prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

bool IsReserved(const Token& token) {
  static constexpr std::array<std::string_view, 15> kReserved = {
      "AND",   "OR",    "NOT", "IN",  "BETWEEN", "STARTS_WITH", "IS",   "NULL",
      "ORDER", "GROUP", "BY",  "ASC", "DESC",    "TRUE",        "FALSE"};
  for (std::string_view word : kReserved) {
    if (IsKeyword(token, word)) return true;
  }
  return false;
}

bool IsValue(const Token& token) {
  return token.kind == TokenKind::kString || token.kind == TokenKind::kInteger ||
         token.kind == TokenKind::kDecimal || IsKeyword(token, "TRUE") || IsKeyword(token, "FALSE");
}

struct Expr {
  std::string sql;
  bool grouped = false;  // Already in parentheses.
};

class Translator {
 public:
  Translator(std::string_view query, const AttributeResolver& resolve)
      : query_(query), lexer_(query), resolve_(resolve) {}

  Result<TranslatedQuery> Run();

 private:
  Status Advance() {
    ENDURE_ASSIGN_OR_RETURN(current_, lexer_.Next());
    return Status::Ok();
  }
  // Consumes the current token if it is `keyword`.
  Result<bool> Accept(std::string_view keyword) {
    if (!IsKeyword(current_, keyword)) return false;
    ENDURE_RETURN_IF_ERROR(Advance());
    return true;
  }
  Status Expected(std::string_view what) const { return Error("expected " + std::string(what)); }
  Status Error(std::string_view what) const { return SyntaxError(query_, current_.offset, what); }
  Status ErrorAt(size_t offset, std::string_view what) const {
    return SyntaxError(query_, offset, what);
  }

  Result<Expr> ParseOr(int depth);
  Result<Expr> ParseAnd(int depth);
  Result<Expr> ParseUnary(int depth);
  Result<std::string> ParsePredicate();
  Result<Attribute> ParseAttribute();
  Result<std::string> ParseComparison(const Attribute& attr, Op op, const Token& op_token);
  Result<std::string> ParseIn(const Attribute& attr, Op op);
  Result<std::string> ParseBetween(const Attribute& attr, Op op);
  Result<std::string> ParseStartsWith(const Attribute& attr, Op op);
  Status CheckAllowed(const Attribute& attr, Op op, const Token& at) const;
  // Reads one value for `attr` into params_; `after` names what precedes it, for messages.
  Status ParseValue(const Attribute& attr, std::string_view after);
  Result<SqlValue> Convert(const Attribute& attr, const Token& token) const;
  Result<SqlValue> ConvertStatus(const Attribute& attr, const Token& token) const;
  Result<int64_t> ToInt(const Token& token) const;
  Result<double> ToDouble(const Token& token) const;
  Status Mismatch(const Attribute& attr, const Token& token, std::string_view expected) const;
  Result<std::string> ParseOrderBy();
  Status ParseGroupBy();

  std::string_view query_;
  QueryLexer lexer_;
  const AttributeResolver& resolve_;
  Token current_{TokenKind::kEnd, "", 0};
  std::vector<SqlValue> params_;
};

Result<TranslatedQuery> Translator::Run() {
  ENDURE_RETURN_IF_ERROR(Advance());
  TranslatedQuery out;
  const bool clause = IsKeyword(current_, "ORDER") || IsKeyword(current_, "GROUP");
  if (current_.kind != TokenKind::kEnd && !clause) {
    ENDURE_ASSIGN_OR_RETURN(Expr where, ParseOr(0));
    out.where = std::move(where.sql);
  }
  if (IsKeyword(current_, "ORDER")) {
    ENDURE_ASSIGN_OR_RETURN(out.order_by, ParseOrderBy());
  } else if (IsKeyword(current_, "GROUP")) {
    ENDURE_RETURN_IF_ERROR(ParseGroupBy());
    out.group_by_execution_status = true;
  } else if (current_.kind != TokenKind::kEnd) {
    return Expected("AND, OR, ORDER BY, GROUP BY or the end of the query");
  }
  out.params = std::move(params_);
  return out;
}

Result<Expr> Translator::ParseOr(int depth) {
  ENDURE_ASSIGN_OR_RETURN(Expr left, ParseAnd(depth));
  while (IsKeyword(current_, "OR")) {
    ENDURE_RETURN_IF_ERROR(Advance());
    ENDURE_ASSIGN_OR_RETURN(Expr right, ParseAnd(depth));
    left = Expr{left.sql + " OR " + right.sql};
  }
  return left;
}

Result<Expr> Translator::ParseAnd(int depth) {
  ENDURE_ASSIGN_OR_RETURN(Expr left, ParseUnary(depth));
  while (IsKeyword(current_, "AND")) {
    ENDURE_RETURN_IF_ERROR(Advance());
    ENDURE_ASSIGN_OR_RETURN(Expr right, ParseUnary(depth));
    left = Expr{left.sql + " AND " + right.sql};
  }
  return left;
}

// `depth` counts the parentheses and NOTs around the expression: a bound on the recursion.
Result<Expr> Translator::ParseUnary(int depth) {
  const bool nests = IsKeyword(current_, "NOT") || current_.kind == TokenKind::kLeftParen;
  if (nests && depth >= kMaxQueryDepth) {
    return Error("expressions nested deeper than " + std::to_string(kMaxQueryDepth) + " levels");
  }
  ENDURE_ASSIGN_OR_RETURN(bool negated, Accept("NOT"));
  if (negated) {
    ENDURE_ASSIGN_OR_RETURN(Expr operand, ParseUnary(depth + 1));
    return Expr{"NOT " + (operand.grouped ? operand.sql : "(" + operand.sql + ")")};
  }
  if (current_.kind == TokenKind::kLeftParen) {
    const Token open = current_;
    ENDURE_RETURN_IF_ERROR(Advance());
    ENDURE_ASSIGN_OR_RETURN(Expr inner, ParseOr(depth + 1));
    if (current_.kind != TokenKind::kRightParen) {
      return Expected("')' to close the '(' at position " +
                      std::to_string(CharacterPosition(query_, open.offset)));
    }
    ENDURE_RETURN_IF_ERROR(Advance());
    return Expr{"(" + inner.sql + ")", true};
  }
  ENDURE_ASSIGN_OR_RETURN(std::string predicate, ParsePredicate());
  return Expr{std::move(predicate)};
}

Result<Attribute> Translator::ParseAttribute() {
  const bool name = current_.kind == TokenKind::kQuotedName ||
                    (current_.kind == TokenKind::kWord && !IsReserved(current_));
  if (!name) return Expected("a search attribute name");
  Attribute attr{current_.text, {}, current_.offset};
  std::optional<AttributeColumn> column = resolve_ ? resolve_(attr.name) : std::nullopt;
  if (!column) {
    return InvalidArgument("invalid query: unknown search attribute \"" + attr.name + "\"");
  }
  attr.column = std::move(*column);
  ENDURE_RETURN_IF_ERROR(Advance());
  return attr;
}

Result<std::string> Translator::ParsePredicate() {
  ENDURE_ASSIGN_OR_RETURN(Attribute attr, ParseAttribute());
  const Token op_token = current_;
  if (op_token.kind == TokenKind::kOperator) {
    static constexpr std::array<std::pair<std::string_view, Op>, 7> kOps = {{
        {"=", Op::kEq},
        {"!=", Op::kNe},
        {"<>", Op::kNe},
        {"<", Op::kLt},
        {">", Op::kGt},
        {"<=", Op::kLe},
        {">=", Op::kGe},
    }};
    Op op = Op::kEq;
    for (const auto& [text, value] : kOps) {
      if (op_token.text == text) op = value;
    }
    ENDURE_RETURN_IF_ERROR(Advance());
    return ParseComparison(attr, op, op_token);
  }
  ENDURE_ASSIGN_OR_RETURN(bool is, Accept("IS"));
  if (is) {
    ENDURE_ASSIGN_OR_RETURN(bool is_not, Accept("NOT"));
    if (!IsKeyword(current_, "NULL")) {
      return Expected(is_not ? "NULL after IS NOT" : "NULL or NOT NULL after IS");
    }
    ENDURE_RETURN_IF_ERROR(Advance());
    return attr.column.sql + (is_not ? " IS NOT NULL" : " IS NULL");
  }
  ENDURE_ASSIGN_OR_RETURN(bool negated, Accept("NOT"));
  if (IsKeyword(current_, "IN")) return ParseIn(attr, negated ? Op::kNotIn : Op::kIn);
  if (IsKeyword(current_, "BETWEEN")) {
    return ParseBetween(attr, negated ? Op::kNotBetween : Op::kBetween);
  }
  if (IsKeyword(current_, "STARTS_WITH")) {
    return ParseStartsWith(attr, negated ? Op::kNotStartsWith : Op::kStartsWith);
  }
  if (negated) return Expected("IN, BETWEEN or STARTS_WITH after NOT");
  return Expected("an operator after " + attr.name);
}

Status Translator::CheckAllowed(const Attribute& attr, Op op, const Token& at) const {
  if (Allows(attr, op)) return Status::Ok();
  return ErrorAt(at.offset, "operator " + std::string(OpName(op)) + " is not supported for " +
                                std::string(TypeName(attr.column.type)) + " attribute \"" +
                                attr.name + "\"");
}

Result<std::string> Translator::ParseComparison(const Attribute& attr, Op op,
                                                const Token& op_token) {
  ENDURE_RETURN_IF_ERROR(CheckAllowed(attr, op, op_token));
  ENDURE_RETURN_IF_ERROR(ParseValue(attr, "'" + op_token.text + "'"));
  if (attr.column.type == AttributeType::kKeywordList) {
    return std::string(op == Op::kNe ? "NOT " : "") + "EXISTS (SELECT 1 FROM json_each(" +
           attr.column.sql + ") WHERE value = ?)";
  }
  return attr.column.sql + " " + std::string(OpName(op)) + " ?";
}

Result<std::string> Translator::ParseIn(const Attribute& attr, Op op) {
  ENDURE_RETURN_IF_ERROR(CheckAllowed(attr, op, current_));
  ENDURE_RETURN_IF_ERROR(Advance());
  if (current_.kind != TokenKind::kLeftParen) return Expected("'(' after IN");
  ENDURE_RETURN_IF_ERROR(Advance());
  std::string marks;
  std::string_view after = "'('";
  while (true) {
    ENDURE_RETURN_IF_ERROR(ParseValue(attr, after));
    marks += marks.empty() ? "?" : ", ?";
    if (current_.kind == TokenKind::kRightParen) break;
    if (current_.kind != TokenKind::kComma) return Expected("',' or ')' in the IN list");
    ENDURE_RETURN_IF_ERROR(Advance());
    after = "','";
  }
  ENDURE_RETURN_IF_ERROR(Advance());
  const bool negated = op == Op::kNotIn;
  if (attr.column.type == AttributeType::kKeywordList) {
    return std::string(negated ? "NOT " : "") + "EXISTS (SELECT 1 FROM json_each(" +
           attr.column.sql + ") WHERE value IN (" + marks + "))";
  }
  return attr.column.sql + (negated ? " NOT IN (" : " IN (") + marks + ")";
}

Result<std::string> Translator::ParseBetween(const Attribute& attr, Op op) {
  ENDURE_RETURN_IF_ERROR(CheckAllowed(attr, op, current_));
  ENDURE_RETURN_IF_ERROR(Advance());
  ENDURE_RETURN_IF_ERROR(ParseValue(attr, "BETWEEN"));
  if (!IsKeyword(current_, "AND")) return Expected("AND between the bounds of BETWEEN");
  ENDURE_RETURN_IF_ERROR(Advance());
  ENDURE_RETURN_IF_ERROR(ParseValue(attr, "AND"));
  return attr.column.sql + (op == Op::kNotBetween ? " NOT BETWEEN ? AND ?" : " BETWEEN ? AND ?");
}

// A range on the prefix rather than LIKE: no wildcard in the user's text can widen it, and an
// index on the column serves it.
Result<std::string> Translator::ParseStartsWith(const Attribute& attr, Op op) {
  ENDURE_RETURN_IF_ERROR(CheckAllowed(attr, op, current_));
  ENDURE_RETURN_IF_ERROR(Advance());
  ENDURE_RETURN_IF_ERROR(ParseValue(attr, "STARTS_WITH"));
  // Allows() admits only Keyword and Text here, whose values are strings.
  std::optional<std::string> successor = PrefixSuccessor(std::get<std::string>(params_.back()));
  const std::string& column = attr.column.sql;
  std::string sql = column + " >= ?";
  if (successor) {
    params_.emplace_back(std::in_place_type<std::string>, std::move(*successor));
    sql = "(" + sql + " AND " + column + " < ?)";
  }
  if (op == Op::kNotStartsWith) sql = successor ? "NOT " + sql : "NOT (" + sql + ")";
  return sql;
}

Status Translator::ParseValue(const Attribute& attr, std::string_view after) {
  if (!IsValue(current_)) {
    std::string what = "a value after " + std::string(after);
    if (IsKeyword(current_, "NULL")) {
      what += " (IS NULL and IS NOT NULL match a missing value)";
    } else if (current_.kind == TokenKind::kWord || current_.kind == TokenKind::kQuotedName) {
      what += " (strings are written in quotes)";
    }
    return Expected(what);
  }
  ENDURE_ASSIGN_OR_RETURN(SqlValue value, Convert(attr, current_));
  params_.push_back(std::move(value));
  return Advance();
}

Result<SqlValue> Translator::Convert(const Attribute& attr, const Token& token) const {
  switch (attr.column.type) {
    case AttributeType::kKeyword:
      if (attr.IsStatus()) return ConvertStatus(attr, token);
      [[fallthrough]];
    case AttributeType::kText:
    case AttributeType::kKeywordList:
      if (token.kind != TokenKind::kString) return Mismatch(attr, token, "a string");
      return SqlValue(token.text);
    case AttributeType::kInt: {
      if (token.kind != TokenKind::kInteger) return Mismatch(attr, token, "an integer");
      ENDURE_ASSIGN_OR_RETURN(int64_t value, ToInt(token));
      return SqlValue(value);
    }
    case AttributeType::kDouble: {
      if (token.kind != TokenKind::kInteger && token.kind != TokenKind::kDecimal) {
        return Mismatch(attr, token, "a number");
      }
      ENDURE_ASSIGN_OR_RETURN(double value, ToDouble(token));
      return SqlValue(value);
    }
    case AttributeType::kBool:
      if (IsKeyword(token, "TRUE")) return SqlValue(int64_t{1});
      if (IsKeyword(token, "FALSE")) return SqlValue(int64_t{0});
      return Mismatch(attr, token, "true or false");
    case AttributeType::kDatetime: {
      // An integer is Unix nanoseconds, as Temporal takes it.
      if (token.kind == TokenKind::kInteger) {
        ENDURE_ASSIGN_OR_RETURN(int64_t nanos, ToInt(token));
        return SqlValue(nanos);
      }
      if (token.kind != TokenKind::kString) return Mismatch(attr, token, "an RFC 3339 datetime");
      int64_t nanos;
      if (!ParseRfc3339(token.text, &nanos)) {
        return ErrorAt(token.offset, "invalid datetime for \"" + attr.name +
                                         "\": expected RFC 3339, e.g. 2026-11-27T10:00:00Z");
      }
      return SqlValue(nanos);
    }
  }
  return Mismatch(attr, token, "a value");
}

Result<SqlValue> Translator::ConvertStatus(const Attribute& attr, const Token& token) const {
  std::optional<int64_t> status;
  if (token.kind == TokenKind::kString) {
    status = StatusFromName(token.text);
  } else if (token.kind == TokenKind::kInteger) {
    ENDURE_ASSIGN_OR_RETURN(int64_t number, ToInt(token));
    if (number >= 1 && number <= static_cast<int64_t>(kStatusNames.size())) status = number;
  } else {
    return Mismatch(attr, token, "a status name");
  }
  if (!status) {
    return ErrorAt(token.offset,
                   "unknown ExecutionStatus: expected Running, Completed, Failed, Canceled, "
                   "Terminated, ContinuedAsNew or TimedOut");
  }
  return SqlValue(*status);
}

Result<int64_t> Translator::ToInt(const Token& token) const {
  int64_t value = 0;
  const char* end = token.text.data() + token.text.size();
  const auto [ptr, ec] = std::from_chars(token.text.data(), end, value);
  if (ec != std::errc() || ptr != end) return ErrorAt(token.offset, "integer out of range");
  return value;
}

Result<double> Translator::ToDouble(const Token& token) const {
  double value = 0;
  const char* end = token.text.data() + token.text.size();
  const auto [ptr, ec] = std::from_chars(token.text.data(), end, value);
  if (ec != std::errc() || ptr != end) return ErrorAt(token.offset, "number out of range");
  return value;
}

Status Translator::Mismatch(const Attribute& attr, const Token& token,
                            std::string_view expected) const {
  return ErrorAt(token.offset, "expected " + std::string(expected) + " for " +
                                   std::string(TypeName(attr.column.type)) + " attribute \"" +
                                   attr.name + "\"");
}

Result<std::string> Translator::ParseOrderBy() {
  ENDURE_RETURN_IF_ERROR(Advance());
  if (!IsKeyword(current_, "BY")) return Expected("BY after ORDER");
  ENDURE_RETURN_IF_ERROR(Advance());
  std::string order_by;
  bool directed = false;
  while (true) {
    ENDURE_ASSIGN_OR_RETURN(Attribute attr, ParseAttribute());
    const AttributeType type = attr.column.type;
    if (type == AttributeType::kText || type == AttributeType::kKeywordList) {
      return ErrorAt(attr.offset, "cannot order by " + std::string(TypeName(type)) +
                                      " attribute \"" + attr.name + "\"");
    }
    ENDURE_ASSIGN_OR_RETURN(const bool descending, Accept("DESC"));
    ENDURE_ASSIGN_OR_RETURN(const bool ascending, descending ? false : Accept("ASC"));
    directed = descending || ascending;
    if (!order_by.empty()) order_by += ", ";
    order_by += attr.column.sql + (descending ? " DESC" : " ASC");
    if (current_.kind != TokenKind::kComma) break;
    ENDURE_RETURN_IF_ERROR(Advance());
  }
  if (current_.kind == TokenKind::kEnd) return order_by;
  if (IsKeyword(current_, "GROUP")) return Error("GROUP BY cannot be combined with ORDER BY");
  return Expected(directed ? "',' or the end of the query"
                           : "ASC, DESC, ',' or the end of the query");
}

// Temporal's Count groups by ExecutionStatus only; the caller knows which column that is.
Status Translator::ParseGroupBy() {
  ENDURE_RETURN_IF_ERROR(Advance());
  if (!IsKeyword(current_, "BY")) return Expected("BY after GROUP");
  ENDURE_RETURN_IF_ERROR(Advance());
  const bool name = current_.kind == TokenKind::kQuotedName ||
                    (current_.kind == TokenKind::kWord && !IsReserved(current_));
  if (!name) return Expected("a search attribute name");
  if (current_.text != "ExecutionStatus") return Error("GROUP BY supports only ExecutionStatus");
  ENDURE_RETURN_IF_ERROR(Advance());
  if (current_.kind == TokenKind::kEnd) return Status::Ok();
  if (IsKeyword(current_, "ORDER")) return Error("ORDER BY cannot be combined with GROUP BY");
  if (current_.kind == TokenKind::kComma) return Error("GROUP BY supports only ExecutionStatus");
  return Expected("the end of the query");
}

bool IsIdentifier(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

struct SystemAttribute {
  std::string_view name;
  AttributeType type;
  std::string_view column;
};

constexpr std::array<SystemAttribute, 10> kSystemAttributes = {{
    {"WorkflowId", AttributeType::kKeyword, "workflow_id"},
    {"WorkflowType", AttributeType::kKeyword, "workflow_type"},
    {"RunId", AttributeType::kKeyword, "run_id"},
    // A Keyword to Temporal; the translator binds status names as the enum's integer.
    {"ExecutionStatus", AttributeType::kKeyword, "status"},
    {"TaskQueue", AttributeType::kKeyword, "task_queue"},
    {"StartTime", AttributeType::kDatetime, "start_time"},
    {"CloseTime", AttributeType::kDatetime, "close_time"},
    {"ExecutionTime", AttributeType::kDatetime, "execution_time"},
    {"HistoryLength", AttributeType::kInt, "history_length"},
    {"HistorySizeBytes", AttributeType::kInt, "history_size_bytes"},
}};

}  // namespace

Result<TranslatedQuery> TranslateQuery(std::string_view query, const AttributeResolver& resolve) {
  if (query.size() > kMaxQueryLength) {
    return InvalidArgument("invalid query: longer than " + std::to_string(kMaxQueryLength) +
                           " bytes");
  }
  return Translator(query, resolve).Run();
}

AttributeResolver SystemAttributes(
    std::function<std::optional<AttributeType>(const std::string& name)> custom) {
  return [custom = std::move(custom)](const std::string& name) -> std::optional<AttributeColumn> {
    for (const SystemAttribute& system : kSystemAttributes) {
      if (name == system.name) return AttributeColumn{system.type, std::string(system.column)};
    }
    // The name goes into the SQL text, inside a JSON path inside an SQL string: only names
    // without quotes, backslashes or dots can neither escape the literal nor change the path.
    if (!IsIdentifier(name) || !custom) return std::nullopt;
    std::optional<AttributeType> type = custom(name);
    if (!type) return std::nullopt;
    return AttributeColumn{*type, "json_extract(search_attributes_json, '$.\"" + name + "\"')"};
  };
}

std::string_view ExecutionStatusName(int status) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "Unspecified", "Running",    "Completed",      "Failed",
      "Canceled",    "Terminated", "ContinuedAsNew", "TimedOut"};
  return status >= 0 && status < static_cast<int>(kNames.size()) ? kNames[status] : kNames[0];
}

}  // namespace endure::storage::visibility
