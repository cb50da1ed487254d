// ListWorkflowExecutions and CountWorkflowExecutions over a few hundred workflows in Temporal's
// query language, custom search attributes registered and returned with their types, and bad
// queries refused with the position of the error. Also with the engine reopened in between.
#include <gtest/gtest.h>

#include "tests/engine/engine_harness.h"

namespace endure::engine::testing {
namespace {

namespace enums = temporal::api::enums::v1;

class VisibilityScenarios : public ::testing::TestWithParam<bool> {
 protected:
  Result<wsv1::ListWorkflowExecutionsResponse> List(const std::string& query, int page_size = 0,
                                                    const std::string& token = "") {
    wsv1::ListWorkflowExecutionsRequest r;
    r.set_namespace_("default");
    r.set_query(query);
    r.set_page_size(page_size);
    r.set_next_page_token(token);
    return Await<wsv1::ListWorkflowExecutionsResponse>(
        [&](auto done) { h.frontend().ListWorkflowExecutions(r, done); });
  }
  Result<wsv1::CountWorkflowExecutionsResponse> Count(const std::string& query) {
    wsv1::CountWorkflowExecutionsRequest r;
    r.set_namespace_("default");
    r.set_query(query);
    return Await<wsv1::CountWorkflowExecutionsResponse>(
        [&](auto done) { h.frontend().CountWorkflowExecutions(r, done); });
  }
  int64_t CountOf(const std::string& query) {
    auto c = Count(query);
    EXPECT_TRUE(c.ok()) << query << ": " << c.status().ToString();
    return c.ok() ? c->count() : -1;
  }

  // 300 workflows: 100 of each type; every third completed, every fifth terminated; a Keyword,
  // an Int and a KeywordList search attribute.
  void StartMany() {
    osv1::AddSearchAttributesRequest add;
    add.set_namespace_("default");
    (*add.mutable_search_attributes())["Customer"] = enums::INDEXED_VALUE_TYPE_KEYWORD;
    (*add.mutable_search_attributes())["Priority"] = enums::INDEXED_VALUE_TYPE_INT;
    (*add.mutable_search_attributes())["Tags"] = enums::INDEXED_VALUE_TYPE_KEYWORD_LIST;
    ASSERT_TRUE(h.frontend().AddSearchAttributes(add).ok());
    const char* types[] = {"Analyze", "Train", "Migrate"};
    for (int i = 0; i < 300; ++i) {
      auto r = h.StartRequest("wf-" + std::to_string(1000 + i));
      r.mutable_workflow_type()->set_name(types[i % 3]);
      auto& fields = *r.mutable_search_attributes()->mutable_indexed_fields();
      fields["Customer"] = JsonPayloads("\"c" + std::to_string(i % 10) + "\"").payloads(0);
      fields["Priority"] = JsonPayloads(std::to_string(i % 7)).payloads(0);
      fields["Tags"] = JsonPayloads(i % 2 ? R"(["gpu","long"])" : R"(["cpu"])").payloads(0);
      ASSERT_TRUE(h.Start(r).ok());
      h.env().Advance(std::chrono::seconds(1));
    }
    for (int i = 0; i < 300; i += 5) {
      ASSERT_TRUE(h.Terminate("wf-" + std::to_string(1000 + i), "cleanup").ok());
    }
  }

  EngineHarness h{GetParam()};
};

TEST_P(VisibilityScenarios, ListAndCountWithEveryOperator) {
  StartMany();
  h.Step();
  EXPECT_EQ(CountOf(""), 300);
  EXPECT_EQ(CountOf("WorkflowType = 'Train'"), 100);
  EXPECT_EQ(CountOf("WorkflowType != 'Train'"), 200);
  EXPECT_EQ(CountOf("ExecutionStatus = 'Terminated'"), 60);
  EXPECT_EQ(CountOf("ExecutionStatus = 'Running' AND WorkflowType = 'Analyze'"), 80);
  EXPECT_EQ(CountOf("WorkflowType = 'Train' OR WorkflowType = 'Migrate'"), 200);
  EXPECT_EQ(CountOf("NOT (WorkflowType = 'Train' OR WorkflowType = 'Migrate')"), 100);
  EXPECT_EQ(CountOf("WorkflowType IN ('Train', 'Migrate')"), 200);
  EXPECT_EQ(CountOf("WorkflowId STARTS_WITH 'wf-10'"), 100);
  EXPECT_EQ(CountOf("WorkflowId BETWEEN 'wf-1000' AND 'wf-1009'"), 10);
  EXPECT_EQ(CountOf("Priority >= 5"), 85);
  EXPECT_EQ(CountOf("Priority < 1"), 43);
  EXPECT_EQ(CountOf("Priority > 2 AND Priority <= 3"), 43);
  EXPECT_EQ(CountOf("Customer = 'c3'"), 30);
  EXPECT_EQ(CountOf("Tags = 'gpu'"), 150);
  EXPECT_EQ(CountOf("CloseTime IS NULL"), 240);
  EXPECT_EQ(CountOf("CloseTime IS NOT NULL"), 60);
  EXPECT_EQ(CountOf("StartTime >= '2023-11-14T22:13:20Z'"), 300);
  EXPECT_EQ(CountOf("HistoryLength > 2"), 60);  // The terminated ones have 3 events.

  auto grouped = Count("GROUP BY ExecutionStatus");
  ASSERT_TRUE(grouped.ok()) << grouped.status().ToString();
  ASSERT_EQ(grouped->groups_size(), 2);
  EXPECT_EQ(grouped->groups(0).group_values(0).data(), "\"Running\"");
  EXPECT_EQ(grouped->groups(0).count(), 240);
  EXPECT_EQ(grouped->groups(1).group_values(0).data(), "\"Terminated\"");
  EXPECT_EQ(grouped->groups(1).count(), 60);
}

TEST_P(VisibilityScenarios, OrderingPagingAndTypedValues) {
  StartMany();
  h.Step();
  // Newest first by default, in pages.
  std::vector<std::string> ids;
  std::string token;
  do {
    auto page = List("WorkflowType = 'Analyze'", 30, token);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const auto& e : page->executions()) ids.push_back(e.execution().workflow_id());
    token = page->next_page_token();
  } while (!token.empty());
  ASSERT_EQ(ids.size(), 100u);
  EXPECT_EQ(ids.front(), "wf-1297");
  EXPECT_EQ(ids.back(), "wf-1000");
  auto ordered = List("WorkflowType = 'Train' ORDER BY WorkflowId ASC", 5);
  ASSERT_TRUE(ordered.ok());
  ASSERT_EQ(ordered->executions_size(), 5);
  EXPECT_EQ(ordered->executions(0).execution().workflow_id(), "wf-1001");
  const auto& info = ordered->executions(0);
  EXPECT_EQ(info.type().name(), "Train");
  EXPECT_EQ(info.task_queue(), kTaskQueue);
  const auto& priority = info.search_attributes().indexed_fields().at("Priority");
  EXPECT_EQ(priority.metadata().at("type"), "Int");
  EXPECT_EQ(priority.data(), "1");
}

TEST_P(VisibilityScenarios, BadQueriesAreRefusedWithTheirPosition) {
  h.Start("only");
  auto malformed = List("WorkflowType = ");
  EXPECT_EQ(malformed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(malformed.status().message().find("position"), std::string::npos)
      << malformed.status().message();
  auto injection = List("WorkflowId = 'x'; DROP TABLE executions");
  EXPECT_EQ(injection.status().code(), StatusCode::kInvalidArgument);
  auto unknown = Count("NoSuchAttribute = 1");
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CountOf(""), 1);  // Nothing changed.
  // A workflow may only set attributes that exist, with values of their type.
  auto r = h.StartRequest("typed");
  (*r.mutable_search_attributes()->mutable_indexed_fields())["Undefined"] =
      JsonPayloads("1").payloads(0);
  EXPECT_EQ(h.Start(r).status().code(), StatusCode::kInvalidArgument);
  r.mutable_search_attributes()->clear_indexed_fields();
  (*r.mutable_search_attributes()->mutable_indexed_fields())["CustomIntField"] =
      JsonPayloads("\"not a number\"").payloads(0);
  EXPECT_EQ(h.Start(r).status().code(), StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Engine, VisibilityScenarios, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "Reopened" : "InProcess"; });

}  // namespace
}  // namespace endure::engine::testing
