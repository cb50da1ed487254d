#include "engine/server/dev_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include "engine/frontend/await.h"
#include "engine/server/grpc/operator_service.h"
#include "engine/server/grpc/workflow_service.h"
#include "engine/server/http/http_api.h"
#include "engine/server/http/http_server.h"

namespace endure::engine::server {
namespace {

// Temporal's limit for a request or response (a workflow task with a long history, a large
// payload): the SDKs accept 128 MiB answers, and a smaller limit here would turn a large but
// valid message into RESOURCE_EXHAUSTED.
constexpr int kMaxMessageBytes = 128 << 20;

const char* QueueKindName(storage::TaskKind kind) {
  switch (kind) {
    case storage::TaskKind::kWorkflow:
      return "workflow";
    case storage::TaskKind::kActivity:
      return "activity";
    case storage::TaskKind::kQuery:
      return "query";
  }
  return "unknown";
}

std::string HostPort(const std::string& ip, int port) {
  const bool v6 = ip.find(':') != std::string::npos;
  return (v6 ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}

}  // namespace

Result<std::unique_ptr<DevServer>> DevServer::Start(DevServerOptions options) {
  std::unique_ptr<DevServer> server(new DevServer());
  server->options_ = options;
  server->metrics_ = std::make_unique<ServerMetrics>();

  storage::StoreOptions store_options;
  store_options.path = options.db_filename;
  store_options.durability = options.durability;
  store_options.on_commit = [metrics = server->metrics_.get()](size_t n, auto latency) {
    metrics->RecordCommit(n, latency);
  };
  ENDURE_ASSIGN_OR_RETURN(server->store_, storage::Store::Open(store_options));

  FrontendOptions frontend_options;
  frontend_options.store = server->store_.get();
  frontend_options.namespaces = options.namespaces;
  ENDURE_ASSIGN_OR_RETURN(server->frontend_, Frontend::Open(frontend_options));
  Frontend* frontend = server->frontend_.get();

  server->workflow_service_ =
      std::make_unique<WorkflowServiceAdapter>(frontend, server->metrics_.get());
  server->operator_service_ =
      std::make_unique<OperatorServiceAdapter>(frontend, server->metrics_.get());
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(HostPort(options.ip, options.port), grpc::InsecureServerCredentials(),
                           &server->port_);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  // Workers keep connections open for hours with long polls in flight and ping them (sdk-core
  // every 30 s). gRPC's default would call that abuse and close the connection.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 5'000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.RegisterService(server->workflow_service_.get());
  builder.RegisterService(server->operator_service_.get());
  server->grpc_server_ = builder.BuildAndStart();
  if (server->grpc_server_ == nullptr || server->port_ <= 0) {
    server->port_ = -1;
    return Unavailable("cannot listen for gRPC on " + HostPort(options.ip, options.port) +
                       " (is the port in use?)");
  }
  grpc::HealthCheckServiceInterface* health = server->grpc_server_->GetHealthCheckService();
  health->SetServingStatus("temporal.api.workflowservice.v1.WorkflowService", true);
  health->SetServingStatus("temporal.api.operatorservice.v1.OperatorService", true);

  if (options.http_port >= 0) {
    auto api = std::make_shared<HttpApi>(frontend, server->metrics_.get());
    ENDURE_ASSIGN_OR_RETURN(
        server->http_server_,
        HttpServer::Start(options.ip, options.http_port,
                          [api](HttpRequest request, std::function<void(HttpResponse)> respond) {
                            api->Handle(std::move(request), std::move(respond));
                          }));
    server->http_port_ = server->http_server_->port();
  }
  if (options.metrics_port >= 0) {
    server->RegisterGauges();
    ENDURE_ASSIGN_OR_RETURN(
        server->metrics_server_,
        HttpServer::Start(
            options.ip, options.metrics_port,
            [metrics = server->metrics_.get()](HttpRequest request,
                                               std::function<void(HttpResponse)> respond) {
              const std::string path = request.target.substr(0, request.target.find('?'));
              if (path != "/metrics") {
                return respond({404, "text/plain", "not found; metrics are at /metrics\n"});
              }
              respond({200, "text/plain; version=0.0.4", metrics->Render()});
            },
            1));
    server->metrics_port_ = server->metrics_server_->port();
  }
  return server;
}

void DevServer::RegisterGauges() {
  Frontend* frontend = frontend_.get();
  auto namespace_names = [frontend] {
    std::map<std::string, std::string> names;  // Id -> name.
    auto all = frontend->ListNamespaces(wsv1::ListNamespacesRequest());
    if (!all.ok()) return names;
    for (const auto& ns : all->namespaces()) {
      names[ns.namespace_info().id()] = ns.namespace_info().name();
    }
    return names;
  };
  metrics_->AddGauge(
      "endure_task_queue_backlog", "Tasks waiting in a task queue for a poller.",
      [frontend, namespace_names] {
        const auto names = namespace_names();
        std::vector<GaugeSample> samples;
        for (const auto& q : frontend->matching()->Stats()) {
          auto ns = names.find(q.namespace_id);
          samples.push_back({"namespace=\"" +
                                 EscapeLabel(ns == names.end() ? q.namespace_id : ns->second) +
                                 "\",task_queue=\"" + EscapeLabel(q.name) + "\",kind=\"" +
                                 QueueKindName(q.kind) + "\"",
                             static_cast<double>(q.backlog)});
        }
        return samples;
      });
  metrics_->AddGauge("endure_long_polls_waiting", "Task polls waiting for a task, by kind.",
                     [frontend] {
                       std::map<std::string, size_t> by_kind;
                       for (const auto& q : frontend->matching()->Stats()) {
                         by_kind[QueueKindName(q.kind)] += q.waiting_polls;
                       }
                       std::vector<GaugeSample> samples;
                       for (const auto& [kind, n] : by_kind) {
                         samples.push_back({"kind=\"" + kind + "\"", static_cast<double>(n)});
                       }
                       return samples;
                     });
  // From the visibility store, so the figures count every run the database holds, across
  // restarts: each run started once, and those closed by how they closed.
  metrics_->AddGauge(
      "endure_workflows", "Workflow runs in the database, by namespace and execution status.",
      [frontend, namespace_names] {
        std::vector<GaugeSample> samples;
        for (const auto& [id, name] : namespace_names()) {
          wsv1::CountWorkflowExecutionsRequest request;
          request.set_namespace_(name);
          request.set_query("GROUP BY ExecutionStatus");
          auto count = Await<wsv1::CountWorkflowExecutionsResponse>(
              [&](auto done) { frontend->CountWorkflowExecutions(request, std::move(done)); });
          if (!count.ok()) continue;
          for (const auto& group : count->groups()) {
            std::string status = group.group_values_size() > 0 ? group.group_values(0).data() : "";
            if (status.size() >= 2) status = status.substr(1, status.size() - 2);  // JSON string.
            samples.push_back(
                {"namespace=\"" + EscapeLabel(name) + "\",status=\"" + EscapeLabel(status) + "\"",
                 static_cast<double>(group.count())});
          }
        }
        return samples;
      });
}

void DevServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  // Waiting polls end empty first, so that the gRPC server's drain below waits only for calls
  // that are doing work; those finish (their writes durable) before the deadline cancels any.
  if (frontend_) frontend_->Shutdown();
  if (grpc_server_) {
    grpc_server_->Shutdown(std::chrono::system_clock::now() + options_.drain_timeout);
    grpc_server_->Wait();
  }
  // The frontend goes before the HTTP servers: its callbacks answer their requests.
  frontend_.reset();
  store_.reset();
  http_server_.reset();
  metrics_server_.reset();
}

DevServer::~DevServer() { Shutdown(); }

}  // namespace endure::engine::server
