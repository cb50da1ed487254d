// The HTTP/JSON API over a frontend on a temporary store, called directly (no network): routes
// from the protos' bindings, request building from body, query and path, payload shorthand both
// ways, and errors as google.rpc.Status JSON with the HTTP status of their code.
#include "engine/server/http/http_api.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/frontend/frontend.h"
#include "engine/server/http/http_routes.h"
#include "engine/server/http/payload_json.h"
#include "tests/storage/store_test_util.h"

namespace endure::engine::server {
namespace {

using Json = nlohmann::ordered_json;

constexpr char kStartBody[] =
    R"({"workflowType":{"name":"T"},"taskQueue":{"name":"q"},"input":{"payloads":[{"x":1}]},)"
    R"("requestId":"r1"})";

class HttpApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::StoreOptions options;
    options.path = dir_.File("endure.db");
    auto store = storage::Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    FrontendOptions frontend_options;
    frontend_options.store = store_.get();
    frontend_options.timer_thread = false;
    auto frontend = Frontend::Open(frontend_options);
    ASSERT_TRUE(frontend.ok()) << frontend.status().ToString();
    frontend_ = std::move(frontend).value();
    api_ = std::make_unique<HttpApi>(frontend_.get(), &metrics_);
  }

  void TearDown() override {
    api_.reset();
    frontend_.reset();
    store_.reset();
  }

  // Calls Handle and waits for its answer, from whichever thread it comes.
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "") {
    // Shared: an answer arriving after a timed-out wait must not write to a dead promise.
    auto answered = std::make_shared<std::promise<HttpResponse>>();
    auto future = answered->get_future();
    api_->Handle(HttpRequest{.method = method, .target = target, .headers = {}, .body = body},
                 [answered](HttpResponse response) { answered->set_value(std::move(response)); });
    if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
      ADD_FAILURE() << method << " " << target << " got no answer";
      return {.status = 0, .content_type = "", .body = ""};
    }
    return future.get();
  }

  // The answer's JSON, checking its HTTP status.
  Json CallJson(int expected_status, const std::string& method, const std::string& target,
                const std::string& body = "") {
    const HttpResponse response = Call(method, target, body);
    EXPECT_EQ(response.status, expected_status) << method << " " << target << ": " << response.body;
    EXPECT_EQ(response.content_type, "application/json");
    Json json = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(json.is_discarded()) << response.body;
    return json.is_discarded() ? Json::object() : json;
  }

  std::string StartWorkflow(const std::string& workflow_id, const std::string& body = kStartBody) {
    Json started =
        CallJson(200, "POST", "/api/v1/namespaces/default/workflows/" + workflow_id, body);
    EXPECT_TRUE(started.contains("runId")) << started.dump();
    return started.value("runId", "");
  }

  storage::testing::TempDir dir_;
  ServerMetrics metrics_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Frontend> frontend_;
  std::unique_ptr<HttpApi> api_;
};

TEST_F(HttpApiTest, DescribesANamespaceOnBothPaths) {
  Json described = CallJson(200, "GET", "/api/v1/namespaces/default");
  EXPECT_EQ(described["namespaceInfo"]["name"], "default");
  EXPECT_EQ(described["namespaceInfo"]["state"], "NAMESPACE_STATE_REGISTERED");
  EXPECT_EQ(CallJson(200, "GET", "/cluster/namespaces/default")["namespaceInfo"]["name"],
            "default");
  EXPECT_EQ(CallJson(200, "GET", "/api/v1/namespaces/default/")["namespaceInfo"]["name"],
            "default");
  EXPECT_NE(metrics_.Render().find(R"(method="DescribeNamespace",code="OK")"), std::string::npos);
  const HttpResponse pretty = Call("GET", "/api/v1/namespaces/default?pretty");
  EXPECT_NE(pretty.body.find("\n  \"namespaceInfo\""), std::string::npos) << pretty.body;
}

TEST_F(HttpApiTest, QueryParametersTakeEnumsByNameOrNumber) {
  for (const char* type : {"TASK_QUEUE_TYPE_WORKFLOW", "1"}) {
    const HttpResponse response =
        Call("GET", std::string("/api/v1/namespaces/default/task-queues/q?taskQueueType=") + type);
    EXPECT_EQ(response.status, 200) << response.body;
  }
}

TEST_F(HttpApiTest, StartsAWorkflowAndShowsItsHistoryWithAndWithoutShorthand) {
  const std::string run_id = StartWorkflow("wf-1");
  ASSERT_FALSE(run_id.empty());

  Json history = CallJson(200, "GET", "/api/v1/namespaces/default/workflows/wf-1/history");
  ASSERT_TRUE(history["history"]["events"].is_array()) << history.dump();
  Json& first = history["history"]["events"][0];
  EXPECT_EQ(first["eventId"], "1");  // int64 as a string.
  EXPECT_EQ(first["eventType"], "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED");
  Json& attributes = first["workflowExecutionStartedEventAttributes"];
  // Temporal's shorthand: a Payloads is the array of its values.
  EXPECT_EQ(attributes["input"], Json::parse(R"([{"x":1}])"));
  EXPECT_EQ(attributes["workflowType"]["name"], "T");

  Json full =
      CallJson(200, "GET", "/api/v1/namespaces/default/workflows/wf-1/history?noPayloadShorthand");
  Json& payload = full["history"]["events"][0]["workflowExecutionStartedEventAttributes"]["input"]
                      ["payloads"][0];
  EXPECT_EQ(payload["metadata"]["encoding"], "anNvbi9wbGFpbg==");  // json/plain
  EXPECT_EQ(payload["data"], "eyJ4IjoxfQ==");                      // {"x":1}

  // Query parameters reach nested fields by their JSON names.
  Json described =
      CallJson(200, "GET", "/api/v1/namespaces/default/workflows/wf-1?execution.runId=" + run_id);
  EXPECT_EQ(described["workflowExecutionInfo"]["execution"]["runId"], run_id);
  EXPECT_EQ(described["workflowExecutionInfo"]["status"], "WORKFLOW_EXECUTION_STATUS_RUNNING");
}

TEST_F(HttpApiTest, SignalTakesPathVariablesAndTemporalsArrayShorthand) {
  StartWorkflow("wf-1");
  CallJson(200, "POST", "/api/v1/namespaces/default/workflows/wf-1/signal/go",
           R"({"input":[{"a":"b"}, null, "s"]})");
  Json history =
      CallJson(200, "GET", "/namespaces/default/workflows/wf-1/history?maximumPageSize=100");
  Json* signaled = nullptr;
  for (Json& event : history["history"]["events"]) {
    if (event.contains("workflowExecutionSignaledEventAttributes")) signaled = &event;
  }
  ASSERT_NE(signaled, nullptr) << history.dump();
  Json& attributes = (*signaled)["workflowExecutionSignaledEventAttributes"];
  EXPECT_EQ(attributes["signalName"], "go");
  EXPECT_EQ(attributes["input"], Json::parse(R"([{"a":"b"}, null, "s"])"));
}

TEST_F(HttpApiTest, DecodesWorkflowIdsAndKeepsMemoShorthand) {
  StartWorkflow("order%2F7", R"({"workflowType":{"name":"T"},"taskQueue":{"name":"q"},)"
                             R"("memo":{"fields":{"team":"jarvis","n":[1,2]}}})");
  Json described = CallJson(200, "GET", "/api/v1/namespaces/default/workflows/order%2F7");
  Json& info = described["workflowExecutionInfo"];
  EXPECT_EQ(info["execution"]["workflowId"], "order/7");
  EXPECT_EQ(info["memo"]["fields"]["team"], "jarvis");
  EXPECT_EQ(info["memo"]["fields"]["n"], Json::parse("[1,2]"));
}

TEST_F(HttpApiTest, CountsWorkflowsWithInt64AsString) {
  StartWorkflow("wf-1");
  Json counted = CallJson(200, "GET", "/api/v1/namespaces/default/workflow-count");
  EXPECT_EQ(counted["count"], "1");
  Json listed = CallJson(200, "GET", "/api/v1/namespaces/default/workflows?pageSize=5");
  ASSERT_EQ(listed["executions"].size(), 1u) << listed.dump();
  EXPECT_EQ(listed["executions"][0]["execution"]["workflowId"], "wf-1");
}

TEST_F(HttpApiTest, UnknownNamespaceIsNotFoundWithTemporalsDetail) {
  Json error = CallJson(404, "GET", "/api/v1/namespaces/nope");
  EXPECT_EQ(error["code"], 5);
  ASSERT_EQ(error["details"].size(), 1u) << error.dump();
  EXPECT_NE(error["details"][0]["@type"].get<std::string>().find("NamespaceNotFoundFailure"),
            std::string::npos);
  EXPECT_NE(metrics_.Render().find(R"(method="DescribeNamespace",code="NOT_FOUND")"),
            std::string::npos);
}

TEST_F(HttpApiTest, MalformedBodyIsInvalidArgument) {
  Json error =
      CallJson(400, "POST", "/api/v1/namespaces/default/workflows/wf-1", R"({"workflowType":)");
  EXPECT_EQ(error["code"], 3);
  EXPECT_NE(error["message"].get<std::string>().find("malformed JSON"), std::string::npos);
  // Well-formed JSON of the wrong shape is refused by protobuf's parser, also as 400.
  EXPECT_EQ(CallJson(400, "POST", "/api/v1/namespaces/default/workflows/wf-1",
                     R"({"workflowType":"T"})")["code"],
            3);
}

TEST_F(HttpApiTest, UnknownPathsMethodsAndOperations) {
  Json missing = CallJson(404, "GET", "/api/v1/nothing/here");
  EXPECT_EQ(missing["code"], 5);
  EXPECT_NE(missing["message"].get<std::string>().find("/api/v1/nothing/here"), std::string::npos);
  EXPECT_EQ(CallJson(405, "PATCH", "/api/v1/namespaces/default")["code"], 12);
  Json unimplemented = CallJson(501, "GET", "/api/v1/namespaces/default/schedules");
  EXPECT_EQ(unimplemented["code"], 12);
  EXPECT_EQ(unimplemented["message"], "ListSchedules is not implemented by Endure");
}

TEST(HttpRoutesTest, ReadsBothBindingsOfEachMethod) {
  const HttpRoutes routes({"temporal.api.workflowservice.v1.WorkflowService"});
  int start_routes = 0;
  for (const HttpRoute& route : routes.routes()) {
    if (route.method->name() == "StartWorkflowExecution") ++start_routes;
  }
  EXPECT_EQ(start_routes, 2);
  const RouteMatch update =
      routes.Match("POST", "/api/v1/namespaces/default/workflows/wf/update/set%20price");
  ASSERT_NE(update.route, nullptr);
  EXPECT_EQ(update.route->method->name(), "UpdateWorkflowExecution");
  EXPECT_EQ(update.values, (std::vector<std::string>{"default", "wf", "set price"}));
  ASSERT_EQ(update.route->variables[2].size(), 3u);  // request.input.name
  EXPECT_EQ(update.route->variables[2][2]->name(), "name");
}

TEST(HttpRoutesTest, ParsesWildcardsAndVerbs) {
  const auto* method = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
      "temporal.api.workflowservice.v1.WorkflowService.DescribeNamespace");
  ASSERT_NE(method, nullptr);
  auto rest = ParseHttpRoute(method, "GET", "/v1/{namespace=ns/**}", "");
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  auto verb = ParseHttpRoute(method, "POST", "/v1/{namespace}:describe", "*");
  ASSERT_TRUE(verb.ok()) << verb.status().ToString();
  EXPECT_EQ(verb->verb, "describe");
  EXPECT_FALSE(ParseHttpRoute(method, "GET", "/v1/{no_such_field}", "").ok());
  EXPECT_FALSE(ParseHttpRoute(method, "GET", "/v1/**/x", "").ok());
}

TEST(PayloadJsonTest, ShorthandRoundTrips) {
  const auto* type = temporal::api::common::v1::Payloads::descriptor();
  Json json =
      Json::parse(R"({"payloads":[{"z":1,"a":[true]},null,{"_protoMessageType":"M","k":2}]})");
  PayloadsFromShorthand(type, json);
  Json& payloads = json["payloads"];
  EXPECT_EQ(payloads[0]["metadata"]["encoding"], "anNvbi9wbGFpbg==");
  EXPECT_EQ(payloads[1]["metadata"]["encoding"], "YmluYXJ5L251bGw=");  // binary/null
  EXPECT_FALSE(payloads[1].contains("data"));
  EXPECT_EQ(payloads[2]["metadata"]["encoding"], "anNvbi9wcm90b2J1Zg==");  // json/protobuf
  // Full forms stay as they are.
  Json full = json;
  PayloadsFromShorthand(type, full);
  EXPECT_EQ(full, json);

  PayloadsToShorthand(type, json);
  EXPECT_EQ(json, Json::parse(R"([{"z":1,"a":[true]},null,{"_protoMessageType":"M","k":2}])"));
}

}  // namespace
}  // namespace endure::engine::server
