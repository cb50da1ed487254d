#include "engine/server/grpc/operator_service.h"

#include "engine/server/grpc/unary_call.h"

namespace endure::engine::server {

grpc::ServerUnaryReactor* OperatorServiceAdapter::AddSearchAttributes(
    grpc::CallbackServerContext* context, const osv1::AddSearchAttributesRequest* request,
    osv1::AddSearchAttributesResponse* response) {
  auto* call = new UnaryCall(context, "AddSearchAttributes", metrics_);
  call->Done(response)(frontend_->AddSearchAttributes(*request));
  return call;
}

grpc::ServerUnaryReactor* OperatorServiceAdapter::RemoveSearchAttributes(
    grpc::CallbackServerContext* context, const osv1::RemoveSearchAttributesRequest* request,
    osv1::RemoveSearchAttributesResponse* response) {
  auto* call = new UnaryCall(context, "RemoveSearchAttributes", metrics_);
  call->Done(response)(frontend_->RemoveSearchAttributes(*request));
  return call;
}

grpc::ServerUnaryReactor* OperatorServiceAdapter::ListSearchAttributes(
    grpc::CallbackServerContext* context, const osv1::ListSearchAttributesRequest* request,
    osv1::ListSearchAttributesResponse* response) {
  auto* call = new UnaryCall(context, "ListSearchAttributes", metrics_);
  call->Done(response)(frontend_->ListSearchAttributes(*request));
  return call;
}

}  // namespace endure::engine::server
