// Implements the anonymizer service test fixture.
#include "services/anonymizer/anonymizer_fixture.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/testing/probes.h"

namespace bridging::anonymizer {

const std::string& AnonymizerFixture::Key1() {
  static const std::string* const k = new std::string(32, '1');
  return *k;
}

const std::string& AnonymizerFixture::Key2() {
  static const std::string* const k = new std::string("the-second-key-is-forty-bytes-long!!!!!!");
  return *k;
}

std::string AnonymizerFixture::KeyFileContents() {
  return absl::StrCat("k1:", absl::Base64Escape(Key1()), "\nk2:", absl::Base64Escape(Key2()), "\n");
}

void AnonymizerFixture::SetUp() {
  codec_ = std::make_unique<auth::PrincipalCodec>(std::string(48, 'k'));
  auto keys = privacy::KeyRing::Parse(KeyFileContents());
  ASSERT_TRUE(keys.ok()) << keys.status();
  privacy::DisclosureOptions options;
  options.random = &random_;
  anonymizer_ = std::make_unique<Anonymizer>(std::move(*keys), options);
  service_ = std::make_unique<AnonymizerServiceImpl>(anonymizer_.get(), codec_.get());
  server::ServiceHostOptions host_options;
  host_options.service_name = "anonymizer";
  host_options.readiness_interval = absl::Milliseconds(50);
  host_options.shutdown_grace = absl::Seconds(2);
  host_ = std::make_unique<server::ServiceHost>(host_options);
  host_->AddService(service_.get());
  ASSERT_TRUE(host_->Start().ok());
  channel_ = testing::LoopbackChannel(host_->port());
  stub_ = v1::AnonymizerService::NewStub(channel_);
}

void AnonymizerFixture::TearDown() {
  if (host_) host_->Shutdown();
}

std::unique_ptr<grpc::ClientContext> AnonymizerFixture::As(const std::string& org,
                                                           common::v1::Role role) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  codec_->Attach({org, role}, context.get());
  return context;
}

}  // namespace bridging::anonymizer
