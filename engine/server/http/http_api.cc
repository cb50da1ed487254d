#include "engine/server/http/http_api.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/server/grpc/grpc_status.h"
#include "engine/server/http/http_routes.h"
#include "engine/server/http/payload_json.h"
#include "google/rpc/status.pb.h"
#include "temporal/api/operatorservice/v1/service.pb.h"
#include "temporal/api/workflowservice/v1/service.pb.h"

namespace endure::engine::server {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;
using Json = nlohmann::ordered_json;
using SteadyClock = std::chrono::steady_clock;

constexpr char kWorkflowService[] = "temporal.api.workflowservice.v1.WorkflowService";
constexpr char kOperatorService[] = "temporal.api.operatorservice.v1.OperatorService";

// HTTP clients send no deadline, so waiting calls get the longest wait Temporal's own clients
// use: a history long poll 20 s, a query or update a minute.
constexpr std::chrono::seconds kHistoryLongPoll{20};
constexpr std::chrono::seconds kLongestWait{60};

// Nothing else refers to the objects that hold the service descriptors, whose options are the
// routes, so a static link would leave them out; naming their tables here keeps them in.
void KeepServiceDescriptors() {
  const void* volatile keep =
      &descriptor_table_temporal_2fapi_2fworkflowservice_2fv1_2fservice_2eproto;
  keep = &descriptor_table_temporal_2fapi_2foperatorservice_2fv1_2fservice_2eproto;
  static_cast<void>(keep);
}

// The answer of a frontend operation: its response, or its failure and no response.
using Reply = std::function<void(const Status&, const Message*)>;

struct Operation {
  const Descriptor* request_type;
  std::unique_ptr<Message> (*new_request)();
  std::function<void(Frontend*, const Message&, Reply)> call;
};

template <typename Request>
std::unique_ptr<Message> NewRequest() {
  return std::make_unique<Request>();
}

template <typename Response>
Callback<Response> Answer(Reply reply) {
  return [reply = std::move(reply)](Result<Response> result) {
    reply(result.status(), result.ok() ? &result.value() : nullptr);
  };
}

// One overload per shape of Frontend method: answering at once, later, after a wait, or a poll.
template <typename Request, typename Response>
Operation Op(Result<Response> (Frontend::*op)(const Request&)) {
  return {
      Request::descriptor(), &NewRequest<Request>,
      [op](Frontend* frontend, const Message& request, Reply reply) {
        Answer<Response>(std::move(reply))((frontend->*op)(static_cast<const Request&>(request)));
      }};
}

template <typename Request, typename Response>
Operation Op(void (Frontend::*op)(const Request&, Callback<Response>)) {
  return {Request::descriptor(), &NewRequest<Request>,
          [op](Frontend* frontend, const Message& request, Reply reply) {
            (frontend->*op)(static_cast<const Request&>(request),
                            Answer<Response>(std::move(reply)));
          }};
}

template <typename Request, typename Response>
Operation Op(void (Frontend::*op)(const Request&, AlarmClock::Clock::time_point,
                                  Callback<Response>)) {
  constexpr auto wait = std::is_same_v<Request, wsv1::GetWorkflowExecutionHistoryRequest>
                            ? kHistoryLongPoll
                            : kLongestWait;
  return {Request::descriptor(), &NewRequest<Request>,
          [op, wait](Frontend* frontend, const Message& request, Reply reply) {
            (frontend->*op)(static_cast<const Request&>(request), AlarmClock::Clock::now() + wait,
                            Answer<Response>(std::move(reply)));
          }};
}

template <typename Request, typename Response>
Operation Op(void (Frontend::*op)(const Request&, PollOptions, Callback<Response>)) {
  return {Request::descriptor(), &NewRequest<Request>,
          [op](Frontend* frontend, const Message& request, Reply reply) {
            PollOptions options;
            options.deadline = AlarmClock::Clock::now() + kLongestWait;
            (frontend->*op)(static_cast<const Request&>(request), std::move(options),
                            Answer<Response>(std::move(reply)));
          }};
}

// Every method Frontend offers, by full gRPC name; most worker calls have no route, as in
// Temporal, but are listed so that a binding added upstream finds its operation.
std::unordered_map<std::string, Operation> Operations() {
#define ENDURE_WORKFLOW_OP(Name) {std::string(kWorkflowService) + "." #Name, Op(&Frontend::Name)}
#define ENDURE_OPERATOR_OP(Name) \
  { std::string(kOperatorService) + "." #Name, Op(&Frontend::Name) }
  std::unordered_map<std::string, Operation> operations = {
      ENDURE_WORKFLOW_OP(RegisterNamespace),
      ENDURE_WORKFLOW_OP(DescribeNamespace),
      ENDURE_WORKFLOW_OP(ListNamespaces),
      ENDURE_WORKFLOW_OP(GetSystemInfo),
      ENDURE_WORKFLOW_OP(GetClusterInfo),
      ENDURE_WORKFLOW_OP(StartWorkflowExecution),
      ENDURE_WORKFLOW_OP(SignalWithStartWorkflowExecution),
      ENDURE_WORKFLOW_OP(SignalWorkflowExecution),
      ENDURE_WORKFLOW_OP(RequestCancelWorkflowExecution),
      ENDURE_WORKFLOW_OP(TerminateWorkflowExecution),
      ENDURE_WORKFLOW_OP(DescribeWorkflowExecution),
      ENDURE_WORKFLOW_OP(GetWorkflowExecutionHistory),
      ENDURE_WORKFLOW_OP(GetWorkflowExecutionHistoryReverse),
      ENDURE_WORKFLOW_OP(ResetStickyTaskQueue),
      ENDURE_WORKFLOW_OP(UpdateWorkflowExecution),
      ENDURE_WORKFLOW_OP(PollWorkflowExecutionUpdate),
      ENDURE_WORKFLOW_OP(QueryWorkflow),
      ENDURE_WORKFLOW_OP(ExecuteMultiOperation),
      ENDURE_WORKFLOW_OP(ListWorkflowExecutions),
      ENDURE_WORKFLOW_OP(CountWorkflowExecutions),
      ENDURE_WORKFLOW_OP(GetSearchAttributes),
      ENDURE_WORKFLOW_OP(PollWorkflowTaskQueue),
      ENDURE_WORKFLOW_OP(RespondWorkflowTaskCompleted),
      ENDURE_WORKFLOW_OP(RespondWorkflowTaskFailed),
      ENDURE_WORKFLOW_OP(RespondQueryTaskCompleted),
      ENDURE_WORKFLOW_OP(PollActivityTaskQueue),
      ENDURE_WORKFLOW_OP(RecordActivityTaskHeartbeat),
      ENDURE_WORKFLOW_OP(RecordActivityTaskHeartbeatById),
      ENDURE_WORKFLOW_OP(RespondActivityTaskCompleted),
      ENDURE_WORKFLOW_OP(RespondActivityTaskCompletedById),
      ENDURE_WORKFLOW_OP(RespondActivityTaskFailed),
      ENDURE_WORKFLOW_OP(RespondActivityTaskFailedById),
      ENDURE_WORKFLOW_OP(RespondActivityTaskCanceled),
      ENDURE_WORKFLOW_OP(RespondActivityTaskCanceledById),
      ENDURE_WORKFLOW_OP(ShutdownWorker),
      ENDURE_WORKFLOW_OP(DescribeTaskQueue),
      ENDURE_OPERATOR_OP(AddSearchAttributes),
      ENDURE_OPERATOR_OP(RemoveSearchAttributes),
      ENDURE_OPERATOR_OP(ListSearchAttributes),
  };
#undef ENDURE_WORKFLOW_OP
#undef ENDURE_OPERATOR_OP
  return operations;
}

// How the answer is written, from the query flags Temporal's HTTP API takes.
struct Format {
  bool shorthand = true;
  bool pretty = false;
};

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kCancelled:
      return 499;
    case StatusCode::kUnknown:
      return 500;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kDeadlineExceeded:
      return 504;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kFailedPrecondition:
      return 400;
    case StatusCode::kAborted:
      return 409;
    case StatusCode::kOutOfRange:
      return 400;
    case StatusCode::kUnimplemented:
      return 501;
    case StatusCode::kInternal:
      return 500;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDataLoss:
      return 500;
  }
  return 500;
}

std::string Dump(const Json& json, bool pretty) {
  return json.dump(pretty ? 2 : -1, ' ', false, Json::error_handler_t::replace);
}

// google.rpc.Status as JSON, the same status the gRPC API sends in its trailer; `details` is
// always there, as grpc-gateway writes it.
std::string StatusJson(const Status& status, bool pretty) {
  google::rpc::Status rpc;
  if (!rpc.ParseFromString(SerializedRpcStatus(status))) {
    rpc.Clear();
    rpc.set_code(static_cast<int>(status.code()));
    rpc.set_message(status.message());
  }
  Json json = Json::object();
  json["code"] = rpc.code();
  json["message"] = rpc.message();
  json["details"] = Json::array();
  for (const google::protobuf::Any& detail : rpc.details()) {
    std::string printed;
    // A detail of a type this binary does not know cannot be printed; the rest still can.
    if (!google::protobuf::util::MessageToJsonString(detail, &printed).ok()) continue;
    Json value = Json::parse(printed, nullptr, /*allow_exceptions=*/false);
    if (!value.is_discarded()) json["details"].push_back(std::move(value));
  }
  return Dump(json, pretty);
}

HttpResponse ErrorResponse(int http_status, const Status& status, Format format) {
  return {http_status, "application/json", StatusJson(status, format.pretty)};
}

HttpResponse ErrorResponse(const Status& status, Format format) {
  return ErrorResponse(HttpStatusFor(status.code()), status, format);
}

Result<std::string> RenderMessage(const Message& message, Format format) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = format.pretty && !format.shorthand;
  std::string out;
  const auto printed = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!printed.ok()) return Internal("cannot write the response as JSON: " + printed.ToString());
  if (!format.shorthand) return out;
  Json json = Json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Internal("protobuf wrote JSON that does not parse");
  PayloadsToShorthand(message.GetDescriptor(), json);
  return Dump(json, format.pretty);
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> parameters;
  while (!query.empty()) {
    const size_t end = query.find('&');
    const std::string_view part = query.substr(0, end);
    query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
    if (part.empty()) continue;
    const size_t equals = part.find('=');
    parameters.emplace_back(
        PercentDecode(part.substr(0, equals), true),
        equals == std::string_view::npos ? "" : PercentDecode(part.substr(equals + 1), true));
  }
  return parameters;
}

// "?flag", "?flag=true" and "?flag=1" set a flag.
bool FlagSet(const std::string& value) { return value.empty() || value == "true" || value == "1"; }

// The JSON value protobuf's parser reads for `text`, a query or path value of `field`.
Json LeafValue(const FieldDescriptor* field, const std::string& text) {
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      if (text == "false" || text == "0") return false;
      if (text.empty() || text == "true" || text == "1") return true;
      return text;  // The parser names the bad value.
    case FieldDescriptor::CPPTYPE_ENUM: {
      int64_t number = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (error == std::errc() && end == text.data() + text.size()) return number;
      return text;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Descriptor* type = field->message_type();
      if (type->file()->package() == "google.protobuf") {
        // Wrappers take their scalar's form; Timestamp, Duration and FieldMask are strings.
        if (type->field_count() == 1 && type->field(0)->name() == "value") {
          return LeafValue(type->field(0), text);
        }
        return text;
      }
      Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
      return value.is_discarded() ? Json(text) : value;
    }
    case FieldDescriptor::CPPTYPE_STRING:
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        // A page token pasted into a URL unescaped has had its '+' decoded to ' '.
        std::string base64 = text;
        std::replace(base64.begin(), base64.end(), ' ', '+');
        return base64;
      }
      return text;
    default:
      // Numbers stay strings: proto3 JSON takes them so, and 64-bit ones only so.
      return text;
  }
}

// Sets `value` at `path` in `root`, under whichever of the field's two JSON names the client
// used (both at once would be a duplicate to protobuf's parser). `append` adds to a list.
void SetField(Json& root, const HttpRoute::FieldPath& path, Json value, bool append) {
  Json* node = &root;
  for (size_t i = 0; i < path.size(); ++i) {
    if (!node->is_object()) *node = Json::object();
    std::string key = path[i]->json_name();
    if (!node->contains(key) && node->contains(path[i]->name())) key = path[i]->name();
    node = &(*node)[key];
  }
  if (!append) {
    *node = std::move(value);
    return;
  }
  if (!node->is_array()) *node = Json::array();
  node->push_back(std::move(value));
}

// A query parameter names a field by a dotted path of JSON or proto names; grpc-gateway ignores
// those that name none, and so does this.
void SetQueryParameter(const Descriptor* type, Json& root, std::string_view key,
                       const std::string& value) {
  HttpRoute::FieldPath path;
  while (true) {
    const size_t dot = key.find('.');
    if (type == nullptr) return;
    const FieldDescriptor* field = FieldForJsonKey(type, key.substr(0, dot));
    if (field == nullptr || field->is_map()) return;
    path.push_back(field);
    if (dot == std::string_view::npos) break;
    if (field->is_repeated()) return;
    type = field->message_type();
    key.remove_prefix(dot + 1);
  }
  SetField(root, path, LeafValue(path.back(), value), path.back()->is_repeated());
}

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The request message from the body, the query (unless the body is the whole request) and the
// path variables, which take precedence, all merged as JSON and parsed once.
Result<std::unique_ptr<Message>> BuildRequest(
    const HttpRoute& route, const Operation& operation, const std::vector<std::string>& values,
    const std::vector<std::pair<std::string, std::string>>& query, const std::string& body,
    Format format) {
  const Descriptor* type = route.method->input_type();
  Json root = Json::object();
  try {
    if (!route.body.empty() && !IsBlank(body)) {
      Json parsed = Json::parse(body);
      if (route.body == "*") {
        if (!parsed.is_object()) return InvalidArgument("the request body must be a JSON object");
        root = std::move(parsed);
      } else {
        root[type->FindFieldByName(route.body)->json_name()] = std::move(parsed);
      }
    }
    if (route.body != "*") {
      for (const auto& [key, value] : query) SetQueryParameter(type, root, key, value);
    }
    for (size_t i = 0; i < route.variables.size(); ++i) {
      SetField(root, route.variables[i], LeafValue(route.variables[i].back(), values[i]), false);
    }
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(std::string("malformed JSON body: ") + e.what());
  }
  if (format.shorthand) PayloadsFromShorthand(type, root);
  std::unique_ptr<Message> request = operation.new_request();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // Lenient, like Temporal's own parser.
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(Dump(root, false), request.get(), options);
  if (!parsed.ok()) {
    return InvalidArgument("invalid " + type->name() + ": " + std::string(parsed.message()));
  }
  return request;
}

}  // namespace

struct HttpApi::Routes {
  Routes() : table({kWorkflowService, kOperatorService}) {}
  HttpRoutes table;
  std::unordered_map<const MethodDescriptor*, Operation> operations;  // Those Endure implements.
};

HttpApi::HttpApi(Frontend* frontend, ServerMetrics* metrics)
    : frontend_(frontend), metrics_(metrics) {
  KeepServiceDescriptors();
  routes_ = std::make_unique<Routes>();
  const auto operations = Operations();
  for (const HttpRoute& route : routes_->table.routes()) {
    const auto it = operations.find(route.method->full_name());
    if (it != operations.end() && it->second.request_type == route.method->input_type()) {
      routes_->operations.emplace(route.method, it->second);
    }
  }
}

HttpApi::~HttpApi() = default;

void HttpApi::Handle(HttpRequest request, std::function<void(HttpResponse)> respond) {
  const SteadyClock::time_point started = SteadyClock::now();
  std::string_view target = request.target;
  target = target.substr(0, target.find('#'));
  const size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  std::vector<std::pair<std::string, std::string>> query;
  Format format;
  if (question != std::string_view::npos) {
    for (auto& [key, value] : ParseQuery(target.substr(question + 1))) {
      if (key == "noPayloadShorthand") {
        format.shorthand = !FlagSet(value);
      } else if (key == "pretty") {
        format.pretty = FlagSet(value);
      } else {
        query.emplace_back(std::move(key), std::move(value));
      }
    }
  }

  const RouteMatch match = routes_->table.Match(request.method, path);
  if (match.route == nullptr) {
    const std::string what = request.method + " " + std::string(path);
    respond(match.other_method
                ? ErrorResponse(405,
                                Status(StatusCode::kUnimplemented, "Method Not Allowed: " + what),
                                format)
                : ErrorResponse(NotFound("Not Found: no HTTP API route for " + what), format));
    return;
  }

  // The answer may come later on a store thread, so the reply holds what it needs by value
  // rather than through this object.
  const MethodDescriptor* method = match.route->method;
  Reply reply = [metrics = metrics_, method, started, format, respond = std::move(respond)](
                    const Status& status, const Message* response) {
    Status outcome = status;
    HttpResponse answer;
    if (status.ok()) {
      auto rendered = RenderMessage(*response, format);
      if (rendered.ok()) {
        answer.body = std::move(rendered).value();
      } else {
        outcome = rendered.status();
      }
    }
    if (!outcome.ok()) answer = ErrorResponse(outcome, format);
    if (metrics != nullptr) {
      metrics->RecordRequest(method->name(), outcome.code(), SteadyClock::now() - started);
    }
    respond(std::move(answer));
  };

  const auto operation = routes_->operations.find(method);
  if (operation == routes_->operations.end()) {
    reply(Status(StatusCode::kUnimplemented, method->name() + " is not implemented by Endure"),
          nullptr);
    return;
  }
  auto built =
      BuildRequest(*match.route, operation->second, match.values, query, request.body, format);
  if (!built.ok()) {
    reply(built.status(), nullptr);
    return;
  }
  // The frontend may read the request until it answers, so the answer keeps it alive.
  std::shared_ptr<const Message> message = std::move(built).value();
  operation->second.call(
      frontend_, *message,
      [message, reply = std::move(reply)](const Status& status, const Message* response) {
        reply(status, response);
      });
}

}  // namespace endure::engine::server
