// Tests of the special presentations: aggregates with withheld cells, receipts, new keys.
#include "scripts/bridgectl/presenters.h"

#include <sstream>

#include "bridging/analytics/v1/analytics.pb.h"
#include "bridging/consent/v1/consent.pb.h"
#include "bridging/gateway/v1/admin.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bridging::bridgectl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PresentersTest : public ::testing::Test {
 protected:
  std::string Present(absl::Status (*present)(Invocation&, const google::protobuf::Message&),
                      const google::protobuf::Message& message, OutputFormat format,
                      absl::Status* status = nullptr) {
    Invocation call(command_, client_, out_, err_);
    call.format = format;
    absl::Status result = present(call, message);
    if (status != nullptr) *status = result;
    return out_.str();
  }

  Command command_;
  GatewayClient client_{ClientOptions{}};
  std::ostringstream out_, err_;
};

analytics::v1::QueryResponse Matrix() {
  analytics::v1::QueryResponse answer;
  common::v1::Table& table = *answer.mutable_table();
  table.add_row_dimensions("theme");
  table.add_columns("SOURCE_TYPE_INTERVIEW");
  table.add_columns("SOURCE_TYPE_FEEDBACK");
  auto* row = table.add_rows();
  row->add_labels("PRINCIPLE_SAFETY");
  row->add_cells()->set_value(10);
  auto* small = row->add_cells();
  small->set_suppressed(true);
  small->set_reason(common::v1::SUPPRESSION_REASON_BELOW_THRESHOLD);
  auto* other = table.add_rows();
  other->add_labels("practices/riverside");
  auto* secondary = other->add_cells();
  secondary->set_suppressed(true);
  secondary->set_reason(common::v1::SUPPRESSION_REASON_SECONDARY);
  other->add_cells()->set_value(15);
  answer.mutable_stamp()->set_query_id("q1");
  answer.mutable_stamp()->set_consent_watermark(42);
  answer.mutable_stamp()->set_cells_suppressed(2);
  return answer;
}

TEST_F(PresentersTest, AggregateTablesMarkAndExplainWithheldCells) {
  const std::string text = Present(PresentAggregate, Matrix(), OutputFormat::kTable);
  EXPECT_THAT(text, HasSubstr("theme                interview  feedback"));
  EXPECT_THAT(text, HasSubstr("safety               10         *"));
  EXPECT_THAT(text, HasSubstr("practices/riverside  **         15"));
  EXPECT_THAT(text, HasSubstr("fewer than 7 people"));
  EXPECT_THAT(text, HasSubstr("a total cannot reveal"));
  EXPECT_THAT(text, Not(HasSubstr("differencing")));  // no such cell: no such legend line
  EXPECT_THAT(text, HasSubstr("consent sequence 42"));
}

TEST_F(PresentersTest, AggregateCsvIsLongFormWithWithheldValuesEmpty) {
  const std::string csv = Present(PresentAggregate, Matrix(), OutputFormat::kCsv);
  EXPECT_THAT(csv, HasSubstr("theme,column,value,status\n"));
  EXPECT_THAT(csv, HasSubstr("safety,interview,10,published\n"));
  EXPECT_THAT(csv, HasSubstr("safety,feedback,,withheld:below-threshold\n"));
  EXPECT_THAT(csv, HasSubstr("practices/riverside,interview,,withheld:secondary\n"));
}

TEST_F(PresentersTest, ReceiptSaysWhetherAnalyticsHasAppliedIt) {
  consent::v1::WithdrawalReceipt receipt;
  receipt.set_participant("charities/s/participants/p");
  receipt.add_purposes(consent::v1::PURPOSE_RESEARCH_USE);
  receipt.set_digest("abc123");
  const std::string pending = Present(PresentWithdrawalReceipt, receipt, OutputFormat::kTable);
  EXPECT_THAT(pending, HasSubstr("research-use"));
  EXPECT_THAT(pending, HasSubstr("pending"));
  EXPECT_THAT(pending, HasSubstr("abc123"));
  out_.str("");
  receipt.set_analytics_applied(true);
  EXPECT_THAT(Present(PresentWithdrawalReceipt, receipt, OutputFormat::kTable),
              HasSubstr("no longer counted"));
}

TEST_F(PresentersTest, NewKeySecretGoesToStdoutAndTheWarningToStderr) {
  gateway::v1::CreateApiKeyResponse created;
  created.set_secret("s3cr3tvalue");
  created.mutable_api_key()->set_role(common::v1::ROLE_PRACTICE);
  EXPECT_THAT(Present(PresentNewKey, created, OutputFormat::kTable), HasSubstr("s3cr3tvalue"));
  EXPECT_THAT(err_.str(), HasSubstr("shown once"));
  EXPECT_THAT(err_.str(), Not(HasSubstr("s3cr3tvalue")));
}

TEST_F(PresentersTest, BrokenHistoryIsDataLoss) {
  consent::v1::VerifyConsentHistoryResponse result;
  result.set_valid(false);
  result.set_first_invalid_index(3);
  result.set_problem("hash mismatch");
  absl::Status status;
  Present(PresentVerification, result, OutputFormat::kTable, &status);
  EXPECT_TRUE(absl::IsDataLoss(status));
  EXPECT_THAT(std::string(status.message()), HasSubstr("entry 3"));
}

}  // namespace
}  // namespace bridging::bridgectl
