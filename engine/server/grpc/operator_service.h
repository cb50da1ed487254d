// OperatorServiceAdapter: the calls of temporal.api.operatorservice.v1.OperatorService that the
// CLI and the Web UI make for custom search attributes (Add/Remove/List), over the Frontend.
#pragma once

#include "engine/frontend/frontend.h"
#include "engine/server/metrics/server_metrics.h"
#include "temporal/api/operatorservice/v1/service.grpc.pb.h"

namespace endure::engine::server {

class OperatorServiceAdapter final : public osv1::OperatorService::CallbackService {
 public:
  OperatorServiceAdapter(Frontend* frontend, ServerMetrics* metrics)
      : frontend_(frontend), metrics_(metrics) {}

  grpc::ServerUnaryReactor* AddSearchAttributes(
      grpc::CallbackServerContext* context, const osv1::AddSearchAttributesRequest* request,
      osv1::AddSearchAttributesResponse* response) override;
  grpc::ServerUnaryReactor* RemoveSearchAttributes(
      grpc::CallbackServerContext* context, const osv1::RemoveSearchAttributesRequest* request,
      osv1::RemoveSearchAttributesResponse* response) override;
  grpc::ServerUnaryReactor* ListSearchAttributes(
      grpc::CallbackServerContext* context, const osv1::ListSearchAttributesRequest* request,
      osv1::ListSearchAttributesResponse* response) override;

 private:
  Frontend* const frontend_;
  ServerMetrics* const metrics_;
};

}  // namespace endure::engine::server
