// The frontend's calls about workers rather than workflows: ShutdownWorker (its sticky queue is
// unloaded, so its runs' next tasks go to the normal queue at once) and DescribeTaskQueue
// (the pollers seen, and the backlog).
#include "engine/frontend/frontend.h"
#include "engine/history/durations.h"
#include "storage/time_codec.h"

namespace endure::engine {

Result<wsv1::ShutdownWorkerResponse> Frontend::ShutdownWorker(
    const wsv1::ShutdownWorkerRequest& request) {
  auto ns = namespaces_->Find(request.namespace_());
  if (!ns) return NamespaceNotFound(request.namespace_());
  if (!request.sticky_task_queue().empty()) {
    matching_->Unload(ns->id, request.sticky_task_queue(), storage::TaskKind::kWorkflow);
  }
  return wsv1::ShutdownWorkerResponse();
}

Result<wsv1::DescribeTaskQueueResponse> Frontend::DescribeTaskQueue(
    const wsv1::DescribeTaskQueueRequest& request) {
  auto ns = namespaces_->Find(request.namespace_());
  if (!ns) return NamespaceNotFound(request.namespace_());
  if (request.task_queue().name().empty()) return InvalidArgument("TaskQueue is not set on request.");
  const auto kind = request.task_queue_type() == temporal::api::enums::v1::TASK_QUEUE_TYPE_ACTIVITY
                        ? storage::TaskKind::kActivity
                        : storage::TaskKind::kWorkflow;
  wsv1::DescribeTaskQueueResponse r;
  for (const auto& poller : matching_->Pollers(ns->id, request.task_queue().name(), kind)) {
    auto* info = r.add_pollers();
    info->set_identity(poller.identity);
    history::SetTimestamp(info->mutable_last_access_time(), storage::ToUnixNanos(poller.last_access));
  }
  if (request.report_stats()) {
    r.mutable_stats()->set_approximate_backlog_count(static_cast<int64_t>(
        matching_->BacklogSize(ns->id, request.task_queue().name(), kind)));
  }
  return r;
}

}  // namespace endure::engine
