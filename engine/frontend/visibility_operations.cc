// The frontend's visibility operations: ListWorkflowExecutions and CountWorkflowExecutions in
// Temporal's query language (translated and run by the store), GetSearchAttributes, and the
// OperatorService calls that register custom search attributes.
#include "engine/frontend/frontend.h"
#include "engine/frontend/with_namespace.h"
#include "engine/history/durations.h"
#include "storage/time_codec.h"
#include "storage/visibility/visibility_query.h"

namespace endure::engine {
namespace {

namespace enums = temporal::api::enums::v1;

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr char kTokenPrefix[] = "offset:";

Result<int64_t> DecodePageToken(const std::string& token) {
  if (token.empty()) return int64_t{0};
  if (token.rfind(kTokenPrefix, 0) != 0) return InvalidArgument("next page token is malformed");
  try {
    return static_cast<int64_t>(std::stoll(token.substr(sizeof(kTokenPrefix) - 1)));
  } catch (...) {
    return InvalidArgument("next page token is malformed");
  }
}

std::function<std::optional<int>(const std::string&)> CustomTypes(
    const visibility::SearchAttributes& attributes, const NamespaceId& ns) {
  return [&attributes, ns](const std::string& name) -> std::optional<int> {
    if (visibility::SearchAttributes::System().contains(name)) return std::nullopt;
    auto type = attributes.TypeOf(ns, name);
    if (!type) return std::nullopt;
    return static_cast<int>(*type);
  };
}

}  // namespace

void Frontend::ListWorkflowExecutions(const wsv1::ListWorkflowExecutionsRequest& request,
                                      Callback<wsv1::ListWorkflowExecutionsResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const auto& ns) {
    auto offset = DecodePageToken(request.next_page_token());
    if (!offset.ok()) return done(offset.status());
    const int page =
        request.page_size() <= 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
    storage::VisibilityQuery q;
    q.namespace_id = ns->id;
    q.query = request.query();
    q.custom = CustomTypes(*search_attributes_, ns->id);
    q.limit = static_cast<size_t>(page);
    q.offset = *offset;
    auto rows = store_->ListVisibility(q);
    if (!rows.ok()) return done(rows.status());
    wsv1::ListWorkflowExecutionsResponse r;
    for (const auto& v : *rows) {
      auto* info = r.add_executions();
      info->mutable_execution()->set_workflow_id(v.workflow_id.value());
      info->mutable_execution()->set_run_id(v.run_id.value());
      info->mutable_type()->set_name(v.workflow_type);
      history::SetTimestamp(info->mutable_start_time(), storage::ToUnixNanos(v.start_time));
      history::SetTimestamp(info->mutable_execution_time(), storage::ToUnixNanos(v.execution_time));
      if (v.close_time) {
        history::SetTimestamp(info->mutable_close_time(), storage::ToUnixNanos(*v.close_time));
      }
      info->set_status(static_cast<enums::WorkflowExecutionStatus>(v.status));
      info->set_history_length(v.history_length);
      info->set_history_size_bytes(v.history_size_bytes);
      *info->mutable_memo() = v.memo;
      *info->mutable_search_attributes() = search_attributes_->Typed(ns->id, v.search_attributes);
      info->set_task_queue(v.task_queue);
    }
    if (static_cast<int>(rows->size()) == page) {
      r.set_next_page_token(kTokenPrefix + std::to_string(*offset + page));
    }
    done(std::move(r));
  });
}

void Frontend::CountWorkflowExecutions(const wsv1::CountWorkflowExecutionsRequest& request,
                                       Callback<wsv1::CountWorkflowExecutionsResponse> done) {
  WithNamespace(*namespaces_, request.namespace_(), done, [&](const auto& ns) {
    storage::VisibilityQuery q;
    q.namespace_id = ns->id;
    q.query = request.query();
    q.custom = CustomTypes(*search_attributes_, ns->id);
    auto count = store_->CountVisibility(q);
    if (!count.ok()) return done(count.status());
    wsv1::CountWorkflowExecutionsResponse r;
    r.set_count(count->total);
    for (const auto& [status, n] : count->by_status) {
      auto* group = r.add_groups();
      auto* value = group->add_group_values();
      (*value->mutable_metadata())["encoding"] = "json/plain";
      (*value->mutable_metadata())["type"] = "Keyword";
      value->set_data("\"" + std::string(storage::visibility::ExecutionStatusName(status)) + "\"");
      group->set_count(n);
    }
    done(std::move(r));
  });
}

Result<wsv1::GetSearchAttributesResponse> Frontend::GetSearchAttributes(
    const wsv1::GetSearchAttributesRequest&) {
  wsv1::GetSearchAttributesResponse r;
  for (const auto& [name, type] : visibility::SearchAttributes::System())
    (*r.mutable_keys())[name] = type;
  auto ns = namespaces_->Find("default");
  if (ns) {
    for (const auto& [name, type] : search_attributes_->Custom(ns->id))
      (*r.mutable_keys())[name] = type;
  }
  return r;
}

Result<osv1::AddSearchAttributesResponse> Frontend::AddSearchAttributes(
    const osv1::AddSearchAttributesRequest& request) {
  const std::string name = request.namespace_().empty() ? "default" : request.namespace_();
  auto ns = namespaces_->Find(name);
  if (!ns) return NamespaceNotFound(name);
  std::map<std::string, visibility::IndexedValueType> attributes(
      request.search_attributes().begin(), request.search_attributes().end());
  ENDURE_RETURN_IF_ERROR(search_attributes_->Add(ns->id, attributes));
  return osv1::AddSearchAttributesResponse();
}

Result<osv1::RemoveSearchAttributesResponse> Frontend::RemoveSearchAttributes(
    const osv1::RemoveSearchAttributesRequest& request) {
  const std::string name = request.namespace_().empty() ? "default" : request.namespace_();
  auto ns = namespaces_->Find(name);
  if (!ns) return NamespaceNotFound(name);
  std::vector<std::string> names(request.search_attributes().begin(),
                                 request.search_attributes().end());
  ENDURE_RETURN_IF_ERROR(search_attributes_->Remove(ns->id, names));
  return osv1::RemoveSearchAttributesResponse();
}

Result<osv1::ListSearchAttributesResponse> Frontend::ListSearchAttributes(
    const osv1::ListSearchAttributesRequest& request) {
  const std::string name = request.namespace_().empty() ? "default" : request.namespace_();
  auto ns = namespaces_->Find(name);
  if (!ns) return NamespaceNotFound(name);
  osv1::ListSearchAttributesResponse r;
  for (const auto& [attribute, type] : visibility::SearchAttributes::System()) {
    (*r.mutable_system_attributes())[attribute] = type;
  }
  for (const auto& [attribute, type] : search_attributes_->Custom(ns->id)) {
    (*r.mutable_custom_attributes())[attribute] = type;
  }
  return r;
}

}  // namespace endure::engine
