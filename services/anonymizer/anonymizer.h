// The anonymizer's domain: each RPC of bridging.anonymizer.v1 as a plain function from the
// request message to the response (or an absl::Status naming the bad field), over
// libs/privacy. No gRPC types; nothing is stored between calls.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "bridging/anonymizer/v1/anonymizer.pb.h"
#include "libs/privacy/disclosure_control.h"
#include "libs/privacy/pseudonymizer.h"

namespace bridging::anonymizer {

inline constexpr int kMaxIdentifiers = 1000;

class Anonymizer {
 public:
  // `options` is passed to every ApplyDisclosureControl (tests give a seeded random source).
  explicit Anonymizer(privacy::KeyRing keys, privacy::DisclosureOptions options = {});

  const std::string& key_version() const { return pseudonymizer_.newest_version(); }

  absl::StatusOr<v1::PseudonymizeResponse> Pseudonymize(
      const v1::PseudonymizeRequest& request) const;
  absl::StatusOr<v1::RedactTextResponse> RedactText(const v1::RedactTextRequest& request) const;
  absl::StatusOr<v1::GeneralizeResponse> Generalize(const v1::GeneralizeRequest& request) const;
  absl::StatusOr<v1::CheckKAnonymityResponse> CheckKAnonymity(
      const v1::CheckKAnonymityRequest& request) const;
  absl::StatusOr<v1::ApplyDisclosureControlResponse> ApplyDisclosureControl(
      const v1::ApplyDisclosureControlRequest& request) const;

 private:
  privacy::Pseudonymizer pseudonymizer_;
  privacy::DisclosureOptions disclosure_options_;
};

}  // namespace bridging::anonymizer
