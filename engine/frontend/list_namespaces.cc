#include "engine/frontend/operations.h"

namespace endure::engine::operations {
namespace {

constexpr int kDefaultPageSize = 100;

}  // namespace

// Pages are in name order; the page token is the last name of the previous page, so a token
// stays valid whatever is registered meanwhile.
Result<wsv1::ListNamespacesResponse> ListNamespaces(const NamespaceRegistry& namespaces,
                                                    const wsv1::ListNamespacesRequest& r) {
  if (r.page_size() < 0) return InvalidArgument("page_size is negative");
  const int page_size = r.page_size() == 0 ? kDefaultPageSize : r.page_size();
  const std::string& after = r.next_page_token();
  wsv1::ListNamespacesResponse out;
  const auto all = namespaces.All();
  for (const auto& record : all) {
    if (!after.empty() && record.info.name() <= after) continue;
    if (out.namespaces_size() == page_size) {
      out.set_next_page_token(out.namespaces(page_size - 1).namespace_info().name());
      break;
    }
    *out.add_namespaces() = DescribeRecord(record);
  }
  return out;
}

}  // namespace endure::engine::operations
