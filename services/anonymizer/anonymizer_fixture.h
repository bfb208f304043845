// Test fixture for the anonymizer service: the real service on a loopback gRPC port with a
// known key ring, and clients that act as a given principal.
#pragma once

#include <memory>
#include <string>

#include "bridging/anonymizer/v1/anonymizer.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/auth/principal.h"
#include "libs/privacy/noise.h"
#include "libs/server/service_host.h"
#include "services/anonymizer/anonymizer_service.h"

namespace bridging::anonymizer {

class AnonymizerFixture : public ::testing::Test {
 protected:
  // The keys the service holds: k1 (retired) and k2 (signing).
  static const std::string& Key1();
  static const std::string& Key2();
  static std::string KeyFileContents();

  void SetUp() override;
  void TearDown() override;

  // A context signed for `org` acting as `role`, with a 10 s deadline.
  std::unique_ptr<grpc::ClientContext> As(const std::string& org, common::v1::Role role);
  std::unique_ptr<grpc::ClientContext> AsService() {
    return As("services/consent", common::v1::ROLE_SERVICE);
  }

  privacy::SeededRandom random_{99};
  std::unique_ptr<auth::PrincipalCodec> codec_;
  std::unique_ptr<Anonymizer> anonymizer_;
  std::unique_ptr<AnonymizerServiceImpl> service_;
  std::unique_ptr<server::ServiceHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AnonymizerService::Stub> stub_;
};

}  // namespace bridging::anonymizer
