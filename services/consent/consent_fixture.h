// Test fixture for the consent service: a real redis-server on a free port, the real
// service on a loopback gRPC port, and clients that act as a given principal.
#pragma once

#include <memory>
#include <string>

#include "bridging/consent/v1/consent.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/auth/principal.h"
#include "libs/server/service_host.h"
#include "libs/store/redis_store.h"
#include "libs/testing/redis_server.h"
#include "services/consent/consent_service.h"

namespace bridging::consent {

class ConsentFixture : public ::testing::Test {
 protected:
  static constexpr char kCharity[] = "charities/sunflower";

  void SetUp() override;
  void TearDown() override;

  // A context signed for `org` acting as `role`, with a 10 s deadline.
  std::unique_ptr<grpc::ClientContext> As(const std::string& org, common::v1::Role role);
  std::unique_ptr<grpc::ClientContext> AsCharity() {
    return As(kCharity, common::v1::ROLE_CHARITY);
  }

  // Creates a participant of kCharity and returns its name.
  std::string NewParticipant(const std::string& reference);
  // Records consent for `purpose`; fails the test on error.
  v1::ConsentRecord Give(const std::string& participant, v1::Purpose purpose);

  // Called once the store exists and before the managers are made: a test of the analytics
  // link starts its peers here and sets propagation_ / analytics_usage_.
  virtual void SetUpAnalytics() {}

  // Serve /metrics (its HTTP server takes ~2 s to stop, so only tests that read it do).
  bool serve_metrics_ = false;
  WithdrawalPropagation* propagation_ = nullptr;
  AnalyticsUsage* analytics_usage_ = nullptr;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<store::RedisStore> store_;
  std::unique_ptr<auth::PrincipalCodec> codec_;
  std::unique_ptr<ConsentManager> consent_manager_;
  std::unique_ptr<ContributionManager> contribution_manager_;
  std::unique_ptr<ConsentServiceImpl> consent_service_;
  std::unique_ptr<ContributionServiceImpl> contribution_service_;
  std::unique_ptr<server::ServiceHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ConsentService::Stub> consent_;
  std::unique_ptr<v1::ContributionService::Stub> contributions_;
};

}  // namespace bridging::consent
