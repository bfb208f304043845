// For other services' tests: the real anonymizer service (fixed test keys, newest "k2") on a
// loopback gRPC port, which can be stopped and started again on the same port.
//
//   TestAnonymizer anonymizer(&codec);
//   ASSERT_TRUE(anonymizer.Start().ok());
//   ... dial anonymizer.address() ...
//   std::string p = anonymizer.PseudonymOf("participant", name);  // what the service answers
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "libs/auth/principal.h"
#include "libs/server/service_host.h"
#include "services/anonymizer/anonymizer.h"
#include "services/anonymizer/anonymizer_service.h"

namespace bridging::anonymizer {

class TestAnonymizer {
 public:
  // `codec` must outlive this object.
  explicit TestAnonymizer(const auth::PrincipalCodec* codec);
  ~TestAnonymizer() { Stop(); }

  absl::Status Start();
  void Stop();

  std::string address() const;
  // The pseudonym the service gives `identifier` in `domain` (empty on error).
  std::string PseudonymOf(const std::string& domain, const std::string& identifier) const;

 private:
  std::unique_ptr<Anonymizer> anonymizer_;
  std::unique_ptr<AnonymizerServiceImpl> service_;
  std::unique_ptr<server::ServiceHost> host_;
  int port_ = 0;
};

}  // namespace bridging::anonymizer
