// The dev server over the network, as the SDKs and tools see it: Temporal's gRPC API with its
// error details, gRPC health and reflection, the OperatorService search-attribute calls, the
// message size limit, and the Prometheus endpoint. Workflow behaviour itself is the engine's
// tests' subject and the TypeScript compatibility suite's (tests/compat/).
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <google/protobuf/unknown_field_set.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <set>

#include "engine/server/dev_server.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "temporal/api/errordetails/v1/message.pb.h"
#include "temporal/api/operatorservice/v1/service.grpc.pb.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"
#include "tests/storage/store_test_util.h"

namespace endure::engine::server {
namespace {

namespace wsv1 = temporal::api::workflowservice::v1;
namespace osv1 = temporal::api::operatorservice::v1;

class DevServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }

  void StartServer() {
    DevServerOptions options;
    options.db_filename = dir_.path() + "/endure.db";
    options.port = 0;
    options.http_port = -1;
    options.metrics_port = 0;
    options.namespaces = {"jarvis"};
    auto server = DevServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                                   grpc::InsecureChannelCredentials());
    workflows_ = wsv1::WorkflowService::NewStub(channel_);
    operators_ = osv1::OperatorService::NewStub(channel_);
  }

  std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return context;
  }

  // GET on the metrics port; the body.
  std::string Scrape(const std::string& target) {
    namespace asio = boost::asio;
    namespace http = boost::beast::http;
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect(
        {asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(server_->metrics_port())});
    http::request<http::empty_body> request(http::verb::get, target, 11);
    request.set(http::field::host, "127.0.0.1");
    http::write(socket, request);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    last_http_status_ = response.result_int();
    return response.body();
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<DevServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<wsv1::WorkflowService::Stub> workflows_;
  std::unique_ptr<osv1::OperatorService::Stub> operators_;
  unsigned last_http_status_ = 0;
};

TEST_F(DevServerTest, AnswersGetSystemInfoAndDescribesItsNamespaces) {
  wsv1::GetSystemInfoResponse info;
  ASSERT_TRUE(workflows_->GetSystemInfo(Context().get(), {}, &info).ok());
  EXPECT_FALSE(info.server_version().empty());
  EXPECT_TRUE(info.capabilities().signal_and_query_header());

  for (const char* name : {"default", "jarvis"}) {
    wsv1::DescribeNamespaceRequest request;
    request.set_namespace_(name);
    wsv1::DescribeNamespaceResponse response;
    grpc::Status s = workflows_->DescribeNamespace(Context().get(), request, &response);
    ASSERT_TRUE(s.ok()) << name << ": " << s.error_message();
    EXPECT_EQ(response.namespace_info().name(), name);
  }
}

TEST_F(DevServerTest, UnknownNamespaceIsNotFoundWithTemporalsDetail) {
  wsv1::StartWorkflowExecutionRequest request;
  request.set_namespace_("nope");
  request.set_workflow_id("w");
  request.mutable_workflow_type()->set_name("T");
  request.mutable_task_queue()->set_name("q");
  wsv1::StartWorkflowExecutionResponse response;
  grpc::Status s = workflows_->StartWorkflowExecution(Context().get(), request, &response);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(s.error_message().find("nope"), std::string::npos) << s.error_message();
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(s.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  temporal::api::errordetails::v1::NamespaceNotFoundFailure failure;
  ASSERT_TRUE(details.details(0).UnpackTo(&failure));
  EXPECT_EQ(failure.namespace_(), "nope");
}

TEST_F(DevServerTest, MissingNamespaceIsInvalidArgument) {
  wsv1::SignalWorkflowExecutionRequest request;
  request.mutable_workflow_execution()->set_workflow_id("w");
  wsv1::SignalWorkflowExecutionResponse response;
  EXPECT_EQ(workflows_->SignalWorkflowExecution(Context().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(DevServerTest, SecondStartOfARunningWorkflowIsAlreadyExistsWithTheRunningRun) {
  wsv1::StartWorkflowExecutionRequest request;
  request.set_namespace_("default");
  request.set_workflow_id("dup");
  request.mutable_workflow_type()->set_name("T");
  request.mutable_task_queue()->set_name("q");
  request.set_request_id("first");
  wsv1::StartWorkflowExecutionResponse first;
  ASSERT_TRUE(workflows_->StartWorkflowExecution(Context().get(), request, &first).ok());
  request.set_request_id("second");
  wsv1::StartWorkflowExecutionResponse second;
  grpc::Status s = workflows_->StartWorkflowExecution(Context().get(), request, &second);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(s.error_details()));
  temporal::api::errordetails::v1::WorkflowExecutionAlreadyStartedFailure failure;
  ASSERT_EQ(details.details_size(), 1);
  ASSERT_TRUE(details.details(0).UnpackTo(&failure));
  EXPECT_EQ(failure.run_id(), first.run_id());
}

TEST_F(DevServerTest, AcceptsMessagesLargerThanGrpcsDefaultLimit) {
  // gRPC's default receive limit is 4 MiB; Temporal's is far above. A 6 MiB signal reaches the
  // engine, whose own limit on a signal's input then answers with its reason, not gRPC's.
  wsv1::SignalWorkflowExecutionRequest request;
  request.set_namespace_("default");
  request.mutable_workflow_execution()->set_workflow_id("absent");
  request.set_signal_name("s");
  for (int i = 0; i < 3; ++i) {
    auto* p = request.mutable_input()->add_payloads();
    (*p->mutable_metadata())["encoding"] = "binary/plain";
    p->set_data(std::string(2 << 20, 'x'));
  }
  wsv1::SignalWorkflowExecutionResponse response;
  grpc::Status s = workflows_->SignalWorkflowExecution(Context().get(), request, &response);
  EXPECT_NE(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_NE(s.error_message().find("size limit"), std::string::npos) << s.error_message();
}

TEST_F(DevServerTest, ServesHealthAndReflection) {
  grpc::GenericStub generic(channel_);
  // grpc.health.v1.Health/Check with an empty request (the whole server) answers SERVING = 1,
  // encoded as field 1 varint 1.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::ByteBuffer request;  // Empty HealthCheckRequest.
  grpc::Slice empty("");
  request = grpc::ByteBuffer(&empty, 1);
  grpc::ByteBuffer response;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  generic.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request,
                    &response, [&](grpc::Status s) {
                      std::lock_guard lock(mu);
                      status = s;
                      done = true;
                      cv.notify_one();
                    });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done; });
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const auto& slice : slices)
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  EXPECT_EQ(bytes, std::string("\x08\x01", 2));
}

// Reads the one length-delimited field `number` of each message in `bytes`, or of the message.
std::vector<std::string> Fields(const std::string& bytes, int number) {
  google::protobuf::UnknownFieldSet fields;
  std::vector<std::string> out;
  if (!fields.ParseFromString(bytes)) return out;
  for (int i = 0; i < fields.field_count(); ++i) {
    const auto& field = fields.field(i);
    if (field.number() == number &&
        field.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      out.push_back(field.length_delimited());
    }
  }
  return out;
}

TEST_F(DevServerTest, ListsItsServicesThroughReflection) {
  // grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo with {list_services: "*"}
  // (field 7), as grpcurl sends it; the answer's field 6 lists the services (field 1, name 1).
  grpc::GenericStub generic(channel_);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::CompletionQueue cq;
  auto call = generic.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag = nullptr;
  bool ok = false;
  auto step = [&](int expected) {
    ASSERT_TRUE(cq.Next(&tag, &ok));
    ASSERT_EQ(tag, reinterpret_cast<void*>(static_cast<intptr_t>(expected)));
  };
  call->StartCall(reinterpret_cast<void*>(1));
  step(1);
  const std::string request("\x3a\x01*", 3);
  grpc::Slice slice(request);
  grpc::ByteBuffer out(&slice, 1);
  call->Write(out, reinterpret_cast<void*>(2));
  step(2);
  grpc::ByteBuffer in;
  call->Read(&in, reinterpret_cast<void*>(3));
  step(3);
  ASSERT_TRUE(ok);
  call->WritesDone(reinterpret_cast<void*>(4));
  step(4);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  step(5);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(in.Dump(&slices).ok());
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  std::set<std::string> names;
  for (const auto& list : Fields(bytes, 6)) {
    for (const auto& service : Fields(list, 1)) {
      for (const auto& name : Fields(service, 1)) names.insert(name);
    }
  }
  EXPECT_TRUE(names.contains("temporal.api.workflowservice.v1.WorkflowService"));
  EXPECT_TRUE(names.contains("temporal.api.operatorservice.v1.OperatorService"));
  EXPECT_TRUE(names.contains("grpc.health.v1.Health"));
}

TEST_F(DevServerTest, OperatorServiceAddsListsAndRemovesSearchAttributes) {
  osv1::AddSearchAttributesRequest add;
  add.set_namespace_("default");
  (*add.mutable_search_attributes())["Project"] =
      temporal::api::enums::v1::INDEXED_VALUE_TYPE_KEYWORD;
  osv1::AddSearchAttributesResponse added;
  ASSERT_TRUE(operators_->AddSearchAttributes(Context().get(), add, &added).ok());
  osv1::ListSearchAttributesRequest list;
  list.set_namespace_("default");
  osv1::ListSearchAttributesResponse listed;
  ASSERT_TRUE(operators_->ListSearchAttributes(Context().get(), list, &listed).ok());
  EXPECT_EQ(listed.custom_attributes().at("Project"),
            temporal::api::enums::v1::INDEXED_VALUE_TYPE_KEYWORD);
  EXPECT_TRUE(listed.system_attributes().contains("WorkflowId"));
  osv1::RemoveSearchAttributesRequest remove;
  remove.set_namespace_("default");
  remove.add_search_attributes("Project");
  osv1::RemoveSearchAttributesResponse removed;
  ASSERT_TRUE(operators_->RemoveSearchAttributes(Context().get(), remove, &removed).ok());
  ASSERT_TRUE(operators_->ListSearchAttributes(Context().get(), list, &listed).ok());
  EXPECT_FALSE(listed.custom_attributes().contains("Project"));
}

TEST_F(DevServerTest, AWaitingPollEndsWhenTheServerShutsDown) {
  wsv1::PollActivityTaskQueueRequest request;
  request.set_namespace_("default");
  request.mutable_task_queue()->set_name("idle");
  wsv1::PollActivityTaskQueueResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(70));
  std::thread shutdown([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server_->Shutdown();
  });
  const auto began = std::chrono::steady_clock::now();
  grpc::Status s = workflows_->PollActivityTaskQueue(&context, request, &response);
  shutdown.join();
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(20));
  if (s.ok()) {
    EXPECT_TRUE(response.task_token().empty());
  }
}

TEST_F(DevServerTest, ReportsRequestsAndStateOnTheMetricsEndpoint) {
  wsv1::GetSystemInfoResponse info;
  ASSERT_TRUE(workflows_->GetSystemInfo(Context().get(), {}, &info).ok());
  wsv1::StartWorkflowExecutionRequest start;
  start.set_namespace_("default");
  start.set_workflow_id("metered");
  start.mutable_workflow_type()->set_name("T");
  start.mutable_task_queue()->set_name("metered-queue");
  wsv1::StartWorkflowExecutionResponse started;
  ASSERT_TRUE(workflows_->StartWorkflowExecution(Context().get(), start, &started).ok());

  // Matching learns of the new task just after the start is answered: scrape until it has.
  const std::string backlog =
      "endure_task_queue_backlog{namespace=\"default\",task_queue=\"metered-queue\","
      "kind=\"workflow\"} 1";
  std::string text = Scrape("/metrics");
  for (int i = 0; i < 100 && text.find(backlog) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    text = Scrape("/metrics");
  }
  EXPECT_EQ(last_http_status_, 200u);
  EXPECT_NE(text.find("endure_requests_total{method=\"GetSystemInfo\",code=\"OK\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("endure_request_latency_seconds_bucket{method=\"StartWorkflowExecution\""),
            std::string::npos);
  EXPECT_NE(text.find(backlog), std::string::npos) << text;
  EXPECT_NE(text.find("endure_workflows{namespace=\"default\",status=\"Running\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("endure_sqlite_commit_batch_transitions_count "), std::string::npos);
  Scrape("/other");
  EXPECT_EQ(last_http_status_, 404u);
}

TEST_F(DevServerTest, KeepsWhatItAcknowledgedAcrossARestart) {
  wsv1::StartWorkflowExecutionRequest start;
  start.set_namespace_("jarvis");
  start.set_workflow_id("kept");
  start.mutable_workflow_type()->set_name("T");
  start.mutable_task_queue()->set_name("q");
  wsv1::StartWorkflowExecutionResponse started;
  ASSERT_TRUE(workflows_->StartWorkflowExecution(Context().get(), start, &started).ok());
  server_->Shutdown();
  server_.reset();
  StartServer();
  wsv1::DescribeWorkflowExecutionRequest describe;
  describe.set_namespace_("jarvis");
  describe.mutable_execution()->set_workflow_id("kept");
  wsv1::DescribeWorkflowExecutionResponse described;
  grpc::Status s = workflows_->DescribeWorkflowExecution(Context().get(), describe, &described);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(described.workflow_execution_info().execution().run_id(), started.run_id());
}

}  // namespace
}  // namespace endure::engine::server
