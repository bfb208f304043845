// A GoogleTest fixture base for black-box tests of the whole suite: one LocalSuite shared by
// every test of the binary, partner organisations each with an API key, logs dumped when a
// test fails, and the gateway's bearer header on calls.
//
//   class MyTest : public testing::SuiteTest {
//    protected:
//     static void SetUpTestSuite() { StartSuite({}, {{"charities/hope", "Hope"}}); }
//   };
//   ... Authorize(&context, keys_["charities/hope"]);
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "bridging/consent/v1/consent.grpc.pb.h"
#include "integration-tests/local_suite.h"

namespace bridging::testing {

class SuiteTest : public ::testing::Test {
 protected:
  // Starts the suite and registers `organisations` (name -> display name) with a key each.
  static void StartSuite(LocalSuiteOptions options,
                         const std::map<std::string, std::string>& organisations) {
    auto suite = LocalSuite::Start(std::move(options));
    ASSERT_TRUE(suite.ok()) << suite.status();
    suite_ = suite->release();
    for (const auto& [name, display] : organisations) {
      absl::StatusOr<std::string> key = suite_->AddOrganization(name, display);
      ASSERT_TRUE(key.ok()) << name << ": " << key.status();
      keys_[name] = *key;
    }
  }

  static void TearDownTestSuite() {
    delete suite_;
    suite_ = nullptr;
    keys_.clear();
  }

  void TearDown() override {
    if (HasFailure() && suite_ != nullptr) suite_->DumpLogs();
  }

  // Adds the bearer header and a deadline.
  static void Authorize(grpc::ClientContext* context, const std::string& key,
                        int deadline_seconds = 10) {
    context->AddMetadata("authorization", "Bearer " + key);
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(deadline_seconds));
  }

  // Through the gateway with `charity`'s key: a participant with `reference` (and `alias`)
  // who consents in writing to each of `purposes`. Returns her resource name.
  static absl::StatusOr<std::string> AddParticipant(
      const std::string& charity, const std::string& reference,
      const std::vector<consent::v1::Purpose>& purposes, const std::string& alias = "") {
    auto consent = consent::v1::ConsentService::NewStub(suite_->GatewayChannel());
    consent::v1::CreateParticipantRequest create;
    create.set_parent(charity);
    create.mutable_participant()->set_charity_reference(reference);
    create.mutable_participant()->set_alias(alias);
    consent::v1::Participant participant;
    {
      grpc::ClientContext context;
      Authorize(&context, keys_.at(charity));
      const grpc::Status status = consent->CreateParticipant(&context, create, &participant);
      if (!status.ok())
        return absl::InternalError(absl::StrCat(reference, ": ", status.error_message()));
    }
    for (consent::v1::Purpose purpose : purposes) {
      consent::v1::RecordConsentRequest record;
      record.set_participant(participant.name());
      record.set_purpose(purpose);
      record.set_method(consent::v1::CONSENT_METHOD_WRITTEN);
      record.set_recorded_by_role("support worker");
      consent::v1::ConsentRecord out;
      grpc::ClientContext context;
      Authorize(&context, keys_.at(charity));
      const grpc::Status status = consent->RecordConsent(&context, record, &out);
      if (!status.ok())
        return absl::InternalError(absl::StrCat(reference, ": ", status.error_message()));
    }
    return participant.name();
  }

  static inline LocalSuite* suite_ = nullptr;
  static inline std::map<std::string, std::string> keys_;
};

}  // namespace bridging::testing
