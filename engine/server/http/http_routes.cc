#include "engine/server/http/http_routes.h"

#include <utility>

#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"

namespace endure::engine::server {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;
using Kind = HttpRoute::Segment::Kind;

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

Result<HttpRoute::FieldPath> ResolveFieldPath(const Descriptor* type, std::string_view path) {
  HttpRoute::FieldPath fields;
  for (std::string_view name : Split(path, '.')) {
    if (type == nullptr)
      return InvalidArgument("'" + std::string(path) + "' goes through a scalar");
    const FieldDescriptor* field = type->FindFieldByName(std::string(name));
    if (field == nullptr || field->is_repeated()) {
      return InvalidArgument("no singular field '" + std::string(path) + "' in " +
                             type->full_name());
    }
    fields.push_back(field);
    type = field->message_type();
  }
  return fields;
}

Status AddSegments(std::string_view pattern, int variable, HttpRoute& route) {
  for (std::string_view text : Split(pattern, '/')) {
    HttpRoute::Segment segment;
    segment.variable = variable;
    if (text == "*") {
      segment.kind = Kind::kOne;
    } else if (text == "**") {
      segment.kind = Kind::kRest;
    } else if (text.empty() || text.find_first_of("{}=*") != std::string_view::npos) {
      return InvalidArgument("bad segment '" + std::string(text) + "'");
    } else {
      segment.literal = std::string(text);
    }
    route.segments.push_back(std::move(segment));
  }
  return Status::Ok();
}

// Whether `segments` (decoded) fit `route`; if so, what its variables hold.
bool MatchPath(const HttpRoute& route, const std::vector<std::string>& segments,
               std::vector<std::string>& values) {
  const std::vector<std::string>* path = &segments;
  std::vector<std::string> without_verb;
  if (!route.verb.empty()) {
    const std::string suffix = ":" + route.verb;
    if (segments.empty() || !segments.back().ends_with(suffix)) return false;
    without_verb = segments;
    without_verb.back().resize(without_verb.back().size() - suffix.size());
    path = &without_verb;
  }
  const size_t n = path->size();
  // Per variable, the range of path segments it spans.
  std::vector<std::pair<size_t, size_t>> spans(route.variables.size(), {n, n});
  size_t at = 0;
  for (const HttpRoute::Segment& segment : route.segments) {
    size_t end = at + 1;
    switch (segment.kind) {
      case Kind::kLiteral:
        if (at >= n || (*path)[at] != segment.literal) return false;
        break;
      case Kind::kOne:
        if (at >= n || (*path)[at].empty()) return false;
        break;
      case Kind::kRest:
        end = n;
        break;
    }
    if (segment.variable >= 0) {
      auto& span = spans[segment.variable];
      if (span.first == n) span.first = at;
      span.second = end;
    }
    at = end;
  }
  if (at != n) return false;
  values.clear();
  for (const auto& [first, last] : spans) {
    std::string value;
    for (size_t i = first; i < last; ++i) {
      if (i > first) value.push_back('/');
      value += (*path)[i];
    }
    values.push_back(std::move(value));
  }
  return true;
}

// Orders routes that match one path: a literal beats a variable at the first place they differ.
std::vector<int> Rank(const HttpRoute& route) {
  std::vector<int> rank;
  for (const auto& segment : route.segments) {
    rank.push_back(segment.kind == Kind::kLiteral ? 2 : segment.kind == Kind::kOne ? 1 : 0);
  }
  return rank;
}

// The HTTP method and path template of `rule`; an empty method when it has no pattern.
std::pair<std::string, std::string_view> Pattern(const google::api::HttpRule& rule) {
  using google::api::HttpRule;
  switch (rule.pattern_case()) {
    case HttpRule::kGet:
      return {"GET", rule.get()};
    case HttpRule::kPut:
      return {"PUT", rule.put()};
    case HttpRule::kPost:
      return {"POST", rule.post()};
    case HttpRule::kDelete:
      return {"DELETE", rule.delete_()};
    case HttpRule::kPatch:
      return {"PATCH", rule.patch()};
    case HttpRule::kCustom:
      return {rule.custom().kind(), rule.custom().path()};
    case HttpRule::PATTERN_NOT_SET:
      break;
  }
  return {};
}

void AddRule(const MethodDescriptor* method, const google::api::HttpRule& rule,
             std::vector<HttpRoute>& routes) {
  auto [http_method, path] = Pattern(rule);
  if (http_method.empty()) return;
  // A binding that does not parse is left out rather than failing the server: the gRPC API
  // still serves the method.
  auto route = ParseHttpRoute(method, std::move(http_method), path, rule.body());
  if (route.ok()) routes.push_back(std::move(route).value());
}

}  // namespace

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else if (text[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

Result<HttpRoute> ParseHttpRoute(const MethodDescriptor* method, std::string http_method,
                                 std::string_view path_template, std::string body) {
  HttpRoute route;
  route.method = method;
  route.http_method = std::move(http_method);
  route.path = std::string(path_template);
  route.body = std::move(body);
  const Descriptor* request = method->input_type();
  if (!route.body.empty() && route.body != "*" && request->FindFieldByName(route.body) == nullptr) {
    return InvalidArgument("no body field '" + route.body + "' in " + request->full_name());
  }
  if (!path_template.starts_with('/')) return InvalidArgument("template must start with '/'");
  std::string_view rest = path_template.substr(1);
  // The verb follows the last ':' outside braces.
  const size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos &&
      rest.find_first_of("/}", colon) == std::string_view::npos) {
    route.verb = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return route;  // "/": no segments.
  // Pieces are separated by '/' outside braces; a variable's pattern may hold '/'.
  size_t start = 0;
  bool in_braces = false;
  for (size_t i = 0; i <= rest.size(); ++i) {
    if (i < rest.size() && rest[i] == '{') {
      if (in_braces) return InvalidArgument("nested '{' in " + route.path);
      in_braces = true;
    } else if (i < rest.size() && rest[i] == '}') {
      in_braces = false;
    }
    if (i < rest.size() && (rest[i] != '/' || in_braces)) continue;
    const std::string_view piece = rest.substr(start, i - start);
    start = i + 1;
    if (!piece.starts_with('{')) {
      ENDURE_RETURN_IF_ERROR(AddSegments(piece, -1, route));
      continue;
    }
    if (!piece.ends_with('}')) return InvalidArgument("unclosed variable in " + route.path);
    const std::string_view inner = piece.substr(1, piece.size() - 2);
    const size_t equals = inner.find('=');
    ENDURE_ASSIGN_OR_RETURN(auto fields, ResolveFieldPath(request, inner.substr(0, equals)));
    route.variables.push_back(std::move(fields));
    const int variable = static_cast<int>(route.variables.size()) - 1;
    const std::string_view pattern =
        equals == std::string_view::npos ? std::string_view("*") : inner.substr(equals + 1);
    ENDURE_RETURN_IF_ERROR(AddSegments(pattern, variable, route));
  }
  if (in_braces) return InvalidArgument("unclosed variable in " + route.path);
  for (size_t i = 0; i + 1 < route.segments.size(); ++i) {
    if (route.segments[i].kind == Kind::kRest) {
      return InvalidArgument("'**' before the end of " + route.path);
    }
  }
  return route;
}

HttpRoutes::HttpRoutes(const std::vector<std::string>& services) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor* method = service->method(i);
      if (!method->options().HasExtension(google::api::http)) continue;
      const google::api::HttpRule& rule = method->options().GetExtension(google::api::http);
      AddRule(method, rule, routes_);
      for (const auto& binding : rule.additional_bindings()) AddRule(method, binding, routes_);
    }
  }
}

RouteMatch HttpRoutes::Match(std::string_view http_method, std::string_view path) const {
  if (path.starts_with('/')) path.remove_prefix(1);
  if (path.ends_with('/')) path.remove_suffix(1);  // grpc-gateway ignores one trailing slash.
  std::vector<std::string> segments;
  if (!path.empty()) {
    for (std::string_view raw : Split(path, '/')) segments.push_back(PercentDecode(raw, false));
  }
  RouteMatch best;
  std::vector<int> best_rank;
  std::vector<std::string> values;
  for (const HttpRoute& route : routes_) {
    if (!MatchPath(route, segments, values)) continue;
    if (route.http_method != http_method) {
      best.other_method = true;
      continue;
    }
    std::vector<int> rank = Rank(route);
    if (best.route == nullptr || rank > best_rank) {
      best.route = &route;
      best.values = values;
      best_rank = std::move(rank);
    }
  }
  if (best.route != nullptr) best.other_method = false;
  return best;
}

}  // namespace endure::engine::server
