// Implements TestAnonymizer.
#include "services/anonymizer/test_anonymizer.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace bridging::anonymizer {

TestAnonymizer::TestAnonymizer(const auth::PrincipalCodec* codec) {
  const std::string keys = absl::StrCat("k1:", absl::Base64Escape(std::string(32, '1')),
                                        "\nk2:", absl::Base64Escape(std::string(40, '2')), "\n");
  anonymizer_ = std::make_unique<Anonymizer>(*privacy::KeyRing::Parse(keys));
  service_ = std::make_unique<AnonymizerServiceImpl>(anonymizer_.get(), codec);
}

absl::Status TestAnonymizer::Start() {
  if (host_) return absl::OkStatus();
  server::ServiceHostOptions options;
  options.service_name = "anonymizer";
  options.listen_address = absl::StrCat("127.0.0.1:", port_);
  options.readiness_interval = absl::Milliseconds(50);
  options.shutdown_grace = absl::Milliseconds(200);
  host_ = std::make_unique<server::ServiceHost>(options);
  host_->AddService(service_.get());
  if (absl::Status started = host_->Start(); !started.ok()) {
    host_.reset();
    return started;
  }
  port_ = host_->port();
  return absl::OkStatus();
}

void TestAnonymizer::Stop() {
  if (!host_) return;
  host_->Shutdown();
  host_.reset();
}

std::string TestAnonymizer::address() const { return absl::StrCat("127.0.0.1:", port_); }

std::string TestAnonymizer::PseudonymOf(const std::string& domain,
                                        const std::string& identifier) const {
  v1::PseudonymizeRequest request;
  request.set_domain(domain);
  request.add_identifiers(identifier);
  absl::StatusOr<v1::PseudonymizeResponse> response = anonymizer_->Pseudonymize(request);
  return response.ok() && response->pseudonyms_size() == 1 ? response->pseudonyms(0) : "";
}

}  // namespace bridging::anonymizer
