// Implements the consent service test fixture.
#include "services/consent/consent_fixture.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/testing/probes.h"
#include "libs/testing/test_store.h"

namespace bridging::consent {

void ConsentFixture::SetUp() {
  auto redis = testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  redis_ = std::move(*redis);
  store_ = testing::ConnectTestStore(*redis_);
  codec_ = std::make_unique<auth::PrincipalCodec>(std::string(48, 'k'));
  SetUpAnalytics();
  if (HasFatalFailure()) return;
  consent_manager_ = std::make_unique<ConsentManager>(
      *store_, [] { return absl::Now(); }, propagation_);
  contribution_manager_ = std::make_unique<ContributionManager>(
      *store_, [] { return absl::Now(); }, analytics_usage_);
  consent_service_ = std::make_unique<ConsentServiceImpl>(consent_manager_.get(), codec_.get());
  contribution_service_ =
      std::make_unique<ContributionServiceImpl>(contribution_manager_.get(), codec_.get());
  server::ServiceHostOptions host_options;
  host_options.service_name = "consent";
  if (serve_metrics_) host_options.metrics_address = "127.0.0.1:0";
  host_options.readiness_interval = absl::Milliseconds(50);
  host_options.shutdown_grace = absl::Seconds(2);
  host_ = std::make_unique<server::ServiceHost>(host_options);
  host_->AddService(consent_service_.get());
  host_->AddService(contribution_service_.get());
  host_->AddReadinessCheck("redis", [this] { return store_->Ping(); });
  ASSERT_TRUE(host_->Start().ok());
  channel_ = testing::LoopbackChannel(host_->port());
  consent_ = v1::ConsentService::NewStub(channel_);
  contributions_ = v1::ContributionService::NewStub(channel_);
}

void ConsentFixture::TearDown() {
  if (host_) host_->Shutdown();
}

std::unique_ptr<grpc::ClientContext> ConsentFixture::As(const std::string& org,
                                                        common::v1::Role role) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  codec_->Attach({org, role}, context.get());
  return context;
}

std::string ConsentFixture::NewParticipant(const std::string& reference) {
  v1::CreateParticipantRequest request;
  request.set_parent(kCharity);
  request.mutable_participant()->set_charity_reference(reference);
  v1::Participant participant;
  const grpc::Status status = consent_->CreateParticipant(AsCharity().get(), request, &participant);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return participant.name();
}

v1::ConsentRecord ConsentFixture::Give(const std::string& participant, v1::Purpose purpose) {
  v1::RecordConsentRequest request;
  request.set_participant(participant);
  request.set_purpose(purpose);
  request.set_method(v1::CONSENT_METHOD_WRITTEN);
  request.set_recorded_by_role("support worker");
  v1::ConsentRecord record;
  const grpc::Status status = consent_->RecordConsent(AsCharity().get(), request, &record);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return record;
}

}  // namespace bridging::consent
