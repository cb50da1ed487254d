// HttpRoutes: the HTTP bindings of gRPC methods, read from their `google.api.http` options, and
// the matching of a request's method and path against them as grpc-gateway does.
//
// Reading the options rather than writing the routes down keeps them exactly the real server's,
// including every `additional_bindings` entry (Temporal's `/api/v1/...` paths). Templates follow
// google.api.HttpRule: literals, `*`, `**`, `{field.path}`, `{field.path=pattern}` and a `:verb`.
//
// Thread-safety: immutable once built; Match may be called from any thread.
#pragma once

#include <google/protobuf/descriptor.h>

#include <string>
#include <string_view>
#include <vector>

#include "storage/base/status.h"

namespace endure::engine::server {

struct HttpRoute {
  struct Segment {
    enum class Kind { kLiteral, kOne, kRest };  // "name", "*", "**".
    Kind kind = Kind::kLiteral;
    std::string literal;
    int variable = -1;  // The index into `variables` of the variable it belongs to, or -1.
  };
  using FieldPath = std::vector<const google::protobuf::FieldDescriptor*>;

  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string http_method;  // "GET", "POST", ...
  std::string path;         // The template as declared, for messages.
  std::string body;         // "*": the whole request; "": none; else the field it fills.
  std::vector<Segment> segments;
  std::string verb;  // After the path's last ':', without it; usually empty.
  // The request fields the path variables set ("execution.workflow_id" as two fields).
  std::vector<FieldPath> variables;
};

// Parses `path_template` for `method`, whose request must have every field a variable names.
Result<HttpRoute> ParseHttpRoute(const google::protobuf::MethodDescriptor* method,
                                 std::string http_method, std::string_view path_template,
                                 std::string body);

// "%2F" to "/" and, in query strings (`plus_is_space`), "+" to " ". Bad escapes stay as they are.
std::string PercentDecode(std::string_view text, bool plus_is_space);

struct RouteMatch {
  const HttpRoute* route = nullptr;  // Null when nothing matched.
  bool other_method = false;         // Some route has the path but another HTTP method.
  std::vector<std::string> values;   // Per variable of `route`, percent-decoded.
};

class HttpRoutes {
 public:
  // The bindings of every method of the services named (full names) in the generated pool.
  // Methods without a binding, and bindings that do not parse, get no route.
  explicit HttpRoutes(const std::vector<std::string>& services);

  // The route for `http_method` and `path` (no query). Where several match, the one with
  // literals earliest wins, then the first declared.
  RouteMatch Match(std::string_view http_method, std::string_view path) const;

  const std::vector<HttpRoute>& routes() const { return routes_; }

 private:
  std::vector<HttpRoute> routes_;
};

}  // namespace endure::engine::server
