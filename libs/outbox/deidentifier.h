// Turns identifiable draft events (resource names in the pseudonym fields, see translator.h)
// into de-identified ones: one Pseudonymize call per domain and up to 1000 names
// (participants -> "participant", contributions -> "contribution", practices -> "practice",
// actions -> "action"), approved quotes redacted again, and a check that nothing
// identifiable is left before anything is sent.
//
//   Deidentifier deidentifier(anonymizer_client);
//   RETURN_IF_ERROR(deidentifier.Apply(&events));  // all or nothing
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "bridging/analytics/v1/analytics.pb.h"
#include "libs/outbox/clients.h"

namespace bridging::outbox {

// Anonymizer domains of the pseudonym fields.
inline constexpr char kParticipantDomain[] = "participant";
inline constexpr char kContributionDomain[] = "contribution";
inline constexpr char kPracticeDomain[] = "practice";
inline constexpr char kActionDomain[] = "action";

class Deidentifier {
 public:
  // `anonymizer` must outlive this object.
  explicit Deidentifier(const AnonymizerClient& anonymizer) : anonymizer_(anonymizer) {}

  // Replaces every name by its pseudonym and sets pseudonym_key_version on every event;
  // re-redacts ContributionEvent.redacted_text on QUOTE_APPROVED and clears it on every
  // other kind. On any error (anonymizer unreachable, key rotated between two calls of the
  // batch, a required name missing, an answer that is not a pseudonym) the events are left
  // in an unspecified state and must not be sent.
  absl::Status Apply(std::vector<analytics::v1::Event>* events) const;

 private:
  const AnonymizerClient& anonymizer_;
};

}  // namespace bridging::outbox
