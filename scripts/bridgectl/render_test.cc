// Tests of table, CSV and JSON output.
#include "scripts/bridgectl/render.h"

#include "bridging/actions/v1/actions.pb.h"
#include "bridging/consent/v1/consent.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bridging::bridgectl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RenderTest, TablesAlignByCharactersNotBytes) {
  TextTable table{{"A", "B"}, {{"Zoë", "1"}, {"Robin", "22"}}};
  EXPECT_EQ(FormatTable(table), "A      B\nZoë    1\nRobin  22\n");
}

TEST(RenderTest, LongCellsAreCutAndNewlinesFlattened) {
  TextTable table{{"TEXT"}, {{"line one\nline two is long"}}};
  EXPECT_EQ(FormatTable(table, 12), "TEXT\nline one li…\n");
  EXPECT_EQ(FormatTable(TextTable{{"A"}, {}}), "(none)\n");
}

TEST(RenderTest, ListResponsesBecomeTablesWithoutEtagsOrText) {
  consent::v1::ListContributionsResponse response;
  auto* c = response.add_contributions();
  c->set_name("charities/s/participants/p/contributions/c1");
  c->set_text("private words");
  c->set_etag("e1");
  c->set_source_type(consent::v1::SOURCE_TYPE_INTERVIEW);
  const std::string table = Render(response, OutputFormat::kTable);
  EXPECT_THAT(table, HasSubstr("SOURCE TYPE"));
  EXPECT_THAT(table, HasSubstr("interview"));
  EXPECT_THAT(table, Not(HasSubstr("e1")));
  EXPECT_THAT(table, Not(HasSubstr("private words")));
  // Columns chosen by the command may include the text.
  EXPECT_THAT(Render(response, OutputFormat::kTable, {"name", "text"}), HasSubstr("private words"));
}

TEST(RenderTest, CsvUsesFieldPathsAsHeaders) {
  actions::v1::ListActionsResponse response;
  auto* a = response.add_actions();
  a->set_title("Offer longer first appointments, where asked");
  a->set_status(actions::v1::ACTION_STATUS_IN_PROGRESS);
  EXPECT_EQ(Render(response, OutputFormat::kCsv, {"title", "status"}),
            "title,status\n\"Offer longer first appointments, where asked\",in-progress\n");
}

TEST(RenderTest, JsonIsProto3JsonWithDefaults) {
  consent::v1::WithdrawalReceipt receipt;
  receipt.set_participant("charities/s/participants/p");
  const std::string json = Render(receipt, OutputFormat::kJson);
  EXPECT_THAT(json, HasSubstr("\"participant\": \"charities/s/participants/p\""));
  EXPECT_THAT(json, HasSubstr("\"analyticsApplied\": false"));  // defaults are printed
}

TEST(RenderTest, RecordsShowSetFieldsAndNestedLists) {
  actions::v1::PlanSummary summary;
  summary.set_plan("practices/r/plans/p");
  summary.set_total_actions(7);
  auto* by_status = summary.add_by_status();
  by_status->set_status(actions::v1::ACTION_STATUS_DONE);
  by_status->set_count(3);
  const std::string text = Render(summary, OutputFormat::kTable);
  EXPECT_THAT(text, HasSubstr("total_actions"));
  EXPECT_THAT(text, HasSubstr("BY STATUS"));
  EXPECT_THAT(text, HasSubstr("done    3"));
  EXPECT_THAT(text, HasSubstr("overdue              0"));  // a zero count says something
}

}  // namespace
}  // namespace bridging::bridgectl
