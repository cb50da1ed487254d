// HttpApi: Temporal's HTTP/JSON API (the grpc-gateway routes of WorkflowService and
// OperatorService, under `/api/v1/...` and their primary paths) over the Frontend.
//
// Routes come from the `google.api.http` options in Temporal's service protos, read from the
// descriptors at start-up, so they match the real server's. Bodies and answers use the proto3
// JSON mapping with Temporal's payload shorthand (a `json/plain` payload is its JSON value;
// `?noPayloadShorthand` turns it off); errors are google.rpc.Status JSON with the HTTP status of
// their gRPC code. Worker-only calls (polls, task completions) have no route, as in Temporal.
//
// Thread-safety: Handle may be called from any thread.
#pragma once

#include <functional>
#include <memory>

#include "engine/frontend/frontend.h"
#include "engine/server/http/http_server.h"
#include "engine/server/metrics/server_metrics.h"

namespace endure::engine::server {

class HttpApi {
 public:
  HttpApi(Frontend* frontend, ServerMetrics* metrics);
  ~HttpApi();
  HttpApi(const HttpApi&) = delete;
  HttpApi& operator=(const HttpApi&) = delete;

  void Handle(HttpRequest request, std::function<void(HttpResponse)> respond);

 private:
  struct Routes;
  Frontend* const frontend_;
  ServerMetrics* const metrics_;
  std::unique_ptr<Routes> routes_;
};

}  // namespace endure::engine::server
