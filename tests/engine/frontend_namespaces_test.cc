// The frontend's namespace and system operations, each also across a reopen of the store.
#include <gtest/gtest.h>

#include "engine/frontend/frontend.h"
#include "temporal/api/errordetails/v1/message.pb.h"
#include "tests/storage/store_test_util.h"

namespace endure::engine {
namespace {

using storage::testing::TempDir;

class FrontendNamespacesTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen(std::vector<std::string> extra = {}) {
    frontend_.reset();
    store_.reset();
    storage::StoreOptions options;
    options.path = dir_.File("endure.db");
    auto store = storage::Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    FrontendOptions frontend_options;
    frontend_options.store = store_.get();
    frontend_options.namespaces = std::move(extra);
    auto frontend = Frontend::Open(frontend_options);
    ASSERT_TRUE(frontend.ok()) << frontend.status().ToString();
    frontend_ = std::move(frontend).value();
  }

  Status Register(const std::string& name, int64_t retention_seconds = 0) {
    wsv1::RegisterNamespaceRequest r;
    r.set_namespace_(name);
    r.set_description("about " + name);
    r.set_owner_email("owner@example.com");
    (*r.mutable_data())["team"] = "jarvis";
    if (retention_seconds != 0) {
      r.mutable_workflow_execution_retention_period()->set_seconds(retention_seconds);
    }
    return frontend_->RegisterNamespace(r).status();
  }

  Result<wsv1::DescribeNamespaceResponse> Describe(const std::string& name) {
    wsv1::DescribeNamespaceRequest r;
    r.set_namespace_(name);
    return frontend_->DescribeNamespace(r);
  }

  TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Frontend> frontend_;
};

TEST_F(FrontendNamespacesTest, DefaultExistsFromTheStartAndKeepsItsIdAcrossReopens) {
  auto described = Describe("default");
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  const auto& info = described->namespace_info();
  EXPECT_EQ(info.name(), "default");
  EXPECT_EQ(info.state(), temporal::api::enums::v1::NAMESPACE_STATE_REGISTERED);
  EXPECT_EQ(info.id().size(), 36u);
  EXPECT_EQ(described->config().workflow_execution_retention_ttl().seconds(), 72 * 3600);
  EXPECT_TRUE(info.has_capabilities());
  EXPECT_FALSE(info.capabilities().worker_poll_complete_on_shutdown());
  EXPECT_EQ(info.limits().blob_size_limit_error(), 2 * 1024 * 1024);
  EXPECT_EQ(described->replication_config().active_cluster_name(), "active");

  const std::string id = info.id();
  Reopen({"jarvis-prod"});
  EXPECT_EQ(Describe("default")->namespace_info().id(), id);
  EXPECT_TRUE(Describe("jarvis-prod").ok());
}

TEST_F(FrontendNamespacesTest, RegisterStoresEverythingDurably) {
  ASSERT_TRUE(Register("jarvis", 86400).ok());
  Reopen();
  auto described = Describe("jarvis");
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_EQ(described->namespace_info().description(), "about jarvis");
  EXPECT_EQ(described->namespace_info().owner_email(), "owner@example.com");
  EXPECT_EQ(described->namespace_info().data().at("team"), "jarvis");
  EXPECT_EQ(described->config().workflow_execution_retention_ttl().seconds(), 86400);
  EXPECT_EQ(described->config().history_archival_state(),
            temporal::api::enums::v1::ARCHIVAL_STATE_DISABLED);

  wsv1::DescribeNamespaceRequest by_id;
  by_id.set_id(described->namespace_info().id());
  EXPECT_EQ(frontend_->DescribeNamespace(by_id)->namespace_info().name(), "jarvis");
}

TEST_F(FrontendNamespacesTest, BadRegistrationsAreRefusedAndChangeNothing) {
  ASSERT_TRUE(Register("jarvis").ok());
  EXPECT_EQ(Register("jarvis").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Register("").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Register("has space").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Register(std::string(1001, 'n')).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Register("negative", -1).code(), StatusCode::kInvalidArgument);

  wsv1::RegisterNamespaceRequest global;
  global.set_namespace_("global");
  global.set_is_global_namespace(true);
  EXPECT_EQ(frontend_->RegisterNamespace(global).status().code(), StatusCode::kInvalidArgument);
  wsv1::RegisterNamespaceRequest archived;
  archived.set_namespace_("archived");
  archived.set_history_archival_state(temporal::api::enums::v1::ARCHIVAL_STATE_ENABLED);
  EXPECT_EQ(frontend_->RegisterNamespace(archived).status().code(), StatusCode::kInvalidArgument);

  Reopen();
  auto all = frontend_->ListNamespaces({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->namespaces_size(), 2);  // default and jarvis, nothing else.
}

TEST_F(FrontendNamespacesTest, UnknownNamespaceCarriesTheDetailSdksDecode) {
  auto missing = Describe("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "namespace nope not found");
  ASSERT_NE(missing.status().detail(), nullptr);
  temporal::api::errordetails::v1::NamespaceNotFoundFailure detail;
  ASSERT_TRUE(missing.status().detail()->UnpackTo(&detail));
  EXPECT_EQ(detail.namespace_(), "nope");

  EXPECT_EQ(frontend_->DescribeNamespace({}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(FrontendNamespacesTest, ListPagesInNameOrder) {
  for (const char* name : {"e", "b", "d", "a", "c"}) ASSERT_TRUE(Register(name).ok());
  std::vector<std::string> names;
  wsv1::ListNamespacesRequest r;
  r.set_page_size(2);
  int pages = 0;
  do {
    auto page = frontend_->ListNamespaces(r);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ASSERT_LE(page->namespaces_size(), 2);
    for (const auto& ns : page->namespaces()) names.push_back(ns.namespace_info().name());
    r.set_next_page_token(page->next_page_token());
    ++pages;
  } while (!r.next_page_token().empty());
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c", "d", "default", "e"}));
  EXPECT_EQ(pages, 3);

  wsv1::ListNamespacesRequest negative;
  negative.set_page_size(-1);
  EXPECT_EQ(frontend_->ListNamespaces(negative).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(FrontendNamespacesTest, SystemInfoAdvertisesWhatTheSdksNeed) {
  auto info = frontend_->GetSystemInfo({});
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->server_version(), "1.29.0");
  EXPECT_TRUE(info->capabilities().sdk_metadata());
  EXPECT_TRUE(info->capabilities().signal_and_query_header());
  EXPECT_TRUE(info->capabilities().activity_failure_include_heartbeat());
  EXPECT_TRUE(info->capabilities().eager_workflow_start());
}

}  // namespace
}  // namespace endure::engine

namespace endure::engine {
namespace {

TEST_F(FrontendNamespacesTest, ClusterInfoKeepsItsIdAcrossReopens) {
  auto info = frontend_->GetClusterInfo({});
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->server_version(), "1.29.0");
  EXPECT_EQ(info->cluster_id().size(), 36u);
  EXPECT_EQ(info->history_shard_count(), 1);
  EXPECT_EQ(info->visibility_store(), "sqlite");
  EXPECT_TRUE(info->supported_clients().contains("temporal-typescript"));
  const std::string id = info->cluster_id();
  Reopen();
  EXPECT_EQ(frontend_->GetClusterInfo({})->cluster_id(), id);
}

}  // namespace
}  // namespace endure::engine
