// Tests of the anonymizer service over real gRPC on loopback: every RPC of the contract,
// the service-only policy, and errors that name the field.
#include <string>

#include "gmock/gmock.h"
#include "libs/common/crypto.h"
#include "libs/testing/probes.h"
#include "services/anonymizer/anonymizer_fixture.h"

namespace bridging::anonymizer {
namespace {

using grpc::StatusCode;
using grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

class AnonymizerServiceTest : public AnonymizerFixture {};

TEST_F(AnonymizerServiceTest, ServingAtOnce) {
  EXPECT_TRUE(testing::WaitForHealth(channel_, HealthCheckResponse::SERVING, absl::Seconds(10)));
}

TEST_F(AnonymizerServiceTest, OnlyServicesMayCallIt) {
  v1::GeneralizeRequest request;
  v1::GeneralizeResponse response;
  for (auto [org, role] : std::vector<std::pair<std::string, common::v1::Role>>{
           {"charities/sunflower", common::v1::ROLE_CHARITY},
           {"practices/p1", common::v1::ROLE_PRACTICE},
           {"researchers/team-a", common::v1::ROLE_RESEARCHER},
           {"operators/ops", common::v1::ROLE_ADMIN}}) {
    EXPECT_EQ(stub_->Generalize(As(org, role).get(), request, &response).error_code(),
              StatusCode::PERMISSION_DENIED)
        << org;
  }
  grpc::ClientContext anonymous;
  EXPECT_EQ(stub_->Generalize(&anonymous, request, &response).error_code(),
            StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(stub_->Generalize(AsService().get(), request, &response).ok());
}

TEST_F(AnonymizerServiceTest, PseudonymizeIsTheContractsHmacUnderTheNewestKey) {
  v1::PseudonymizeRequest request;
  request.set_domain("participant");
  request.add_identifiers("charities/sunflower/participants/p1");
  request.add_identifiers("charities/sunflower/participants/p2");
  request.add_identifiers("charities/sunflower/participants/p1");
  v1::PseudonymizeResponse response;
  const grpc::Status status = stub_->Pseudonymize(AsService().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.key_version(), "k2");
  ASSERT_EQ(response.pseudonyms_size(), 3);
  EXPECT_EQ(response.pseudonyms(0),
            HmacSha256Hex(
                Key2(), std::string("participant") + '\0' + "charities/sunflower/participants/p1"));
  EXPECT_EQ(response.pseudonyms(0), response.pseudonyms(2));
  EXPECT_NE(response.pseudonyms(0), response.pseudonyms(1));

  request.set_domain("practice");
  v1::PseudonymizeResponse other;
  ASSERT_TRUE(stub_->Pseudonymize(AsService().get(), request, &other).ok());
  EXPECT_NE(other.pseudonyms(0), response.pseudonyms(0));

  request.set_domain("Bad-Domain");
  const grpc::Status bad = stub_->Pseudonymize(AsService().get(), request, &other);
  EXPECT_EQ(bad.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("domain"));
}

TEST_F(AnonymizerServiceTest, RedactTextReturnsPlaceholdersAndFindingsNeverValues) {
  v1::RedactTextRequest request;
  request.set_text(
      "My name is Precious, I live at 14 Harehills Lane, LS8 5QR. Ring 07700 900123 or email "
      "precious.okafor@example.com. NHS 943 476 5919. Seen 3rd March 2024, see www.nhs.uk.");
  v1::RedactTextResponse response;
  const grpc::Status status = stub_->RedactText(AsService().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.redacted_text(),
            "My name is [NAME], I live at [ADDRESS], [POSTCODE]. Ring [PHONE] or email [EMAIL]. "
            "NHS [NHS_NUMBER]. Seen [DATE], see [URL].");
  ASSERT_EQ(response.findings_size(), 8);
  for (const v1::Finding& f : response.findings()) {
    EXPECT_FALSE(f.detector().empty());
    EXPECT_EQ(response.redacted_text()[f.redacted_begin()], '[');
    EXPECT_EQ(response.redacted_text()[f.redacted_end() - 1], ']');
  }
  EXPECT_EQ(response.findings(0).type(), v1::FINDING_TYPE_NAME);
  EXPECT_EQ(request.text().substr(
                response.findings(3).original_begin(),
                response.findings(3).original_end() - response.findings(3).original_begin()),
            "07700 900123");
  // The response holds none of the values.
  std::string wire;
  response.SerializeToString(&wire);
  for (const std::string secret : {"Precious", "Harehills", "900123", "okafor", "5919"}) {
    EXPECT_EQ(wire.find(secret), std::string::npos) << secret;
  }

  request.add_types(v1::FINDING_TYPE_EMAIL);
  ASSERT_TRUE(stub_->RedactText(AsService().get(), request, &response).ok());
  EXPECT_EQ(response.findings_size(), 1);
  EXPECT_EQ(response.findings(0).type(), v1::FINDING_TYPE_EMAIL);

  request.clear_types();
  request.set_text(std::string(70000, 'a'));
  const grpc::Status too_big = stub_->RedactText(AsService().get(), request, &response);
  EXPECT_EQ(too_big.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(too_big.error_message(), HasSubstr("text:"));
}

TEST_F(AnonymizerServiceTest, Generalize) {
  v1::GeneralizeRequest request;
  request.mutable_record()->set_age(37);
  request.mutable_record()->set_postcode("ls6 2ab");
  request.mutable_record()->mutable_date()->set_year(2024);
  request.mutable_record()->mutable_date()->set_month(3);
  request.mutable_record()->mutable_date()->set_day(17);
  v1::GeneralizeResponse response;
  ASSERT_TRUE(stub_->Generalize(AsService().get(), request, &response).ok());
  EXPECT_EQ(response.record().age_band(), "35-44");
  EXPECT_EQ(response.record().postcode_district(), "LS6");
  EXPECT_EQ(response.record().month().year(), 2024);
  EXPECT_EQ(response.record().month().month(), 3);
  EXPECT_EQ(response.record().month().day(), 0);

  request.mutable_record()->set_age(140);
  const grpc::Status bad = stub_->Generalize(AsService().get(), request, &response);
  EXPECT_EQ(bad.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("record.age"));
}

TEST_F(AnonymizerServiceTest, CheckKAnonymity) {
  v1::CheckKAnonymityRequest request;
  request.add_columns("age_band");
  request.add_columns("district");
  for (const auto& [age, district] : std::vector<std::pair<std::string, std::string>>{
           {"25-34", "LS6"}, {"25-34", "LS6"}, {"25-34", "LS6"}, {"35-44", "BD3"}}) {
    auto* row = request.add_rows();
    row->add_values(age);
    row->add_values(district);
  }
  request.add_quasi_identifiers("age_band");
  request.add_quasi_identifiers("district");
  request.set_k(3);
  v1::CheckKAnonymityResponse response;
  ASSERT_TRUE(stub_->CheckKAnonymity(AsService().get(), request, &response).ok());
  EXPECT_FALSE(response.k_anonymous());
  EXPECT_EQ(response.class_count(), 2);
  EXPECT_EQ(response.min_class_size(), 1);
  ASSERT_EQ(response.classes_under_k_size(), 1);
  EXPECT_EQ(response.classes_under_k(0).values(1), "BD3");
  EXPECT_EQ(response.rows_in_classes_under_k(), 1);

  request.set_k(1);
  const grpc::Status bad = stub_->CheckKAnonymity(AsService().get(), request, &response);
  EXPECT_EQ(bad.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("k:"));
}

TEST_F(AnonymizerServiceTest, ApplyDisclosureControl) {
  v1::ApplyDisclosureControlRequest request;
  common::v1::Table* table = request.mutable_table();
  table->add_row_dimensions("theme");
  table->add_columns("count");
  int total = 0;
  for (int v : {3, 21, 34, 48}) {
    auto* row = table->add_rows();
    row->add_labels("PRINCIPLE_SAFETY");
    row->add_cells()->set_value(v);
    row->mutable_total()->set_value(v);
    total += v;
  }
  table->add_column_totals()->set_value(total);
  table->mutable_grand_total()->set_value(total);
  table->set_has_totals(true);
  v1::ApplyDisclosureControlResponse response;
  const grpc::Status status = stub_->ApplyDisclosureControl(AsService().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.table().rows(0).cells(0).suppressed());
  EXPECT_TRUE(response.table().rows(1).cells(0).suppressed());  // secondary
  EXPECT_EQ(response.table().rows(2).cells(0).value(), 35);
  EXPECT_EQ(response.table().rows(3).cells(0).value(), 50);
  EXPECT_EQ(response.table().column_totals(0).value(), 105);
  EXPECT_EQ(response.cells_suppressed_primary(), 2);  // the cell and its row total
  EXPECT_EQ(response.cells_suppressed_secondary(), 2);
  EXPECT_EQ(response.applied_policy().threshold(), 7);
  EXPECT_EQ(response.epsilon_spent(), 0);

  request.mutable_policy()->set_epsilon(1.0);
  ASSERT_TRUE(stub_->ApplyDisclosureControl(AsService().get(), request, &response).ok());
  EXPECT_EQ(response.epsilon_spent(), 1.0);
  EXPECT_TRUE(response.table().rows(3).cells(0).noised());

  request.mutable_policy()->set_threshold(1);
  const grpc::Status bad = stub_->ApplyDisclosureControl(AsService().get(), request, &response);
  EXPECT_EQ(bad.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("policy.threshold"));
}

}  // namespace
}  // namespace bridging::anonymizer
