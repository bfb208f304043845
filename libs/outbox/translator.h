// What a service plugs into the outbox publisher: the translation of its own outbox entries
// into analytics events. A translator is pure (no I/O), so each service's mapping is unit
// tested on its own; the publisher de-identifies what it returns (see deidentifier.h).
//
//   class ConsentTranslator final : public outbox::Translator {
//     absl::StatusOr<std::optional<analytics::v1::Event>> Translate(
//         const outbox::OutboxEntry& entry) const override;
//   };
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "bridging/analytics/v1/analytics.pb.h"

namespace bridging::outbox {

// One entry of a service's outbox stream, as AtomicWrite::Outbox wrote it.
struct OutboxEntry {
  std::string id;        // the stream entry id, "<ms>-<n>"
  int64_t sequence = 0;  // the service-wide sequence number of the change
  std::string kind;      // e.g. "consent.given"
  std::string subject;   // the resource the change is about (a name: never sent as is)
  std::string payload;   // the serialised record of the change
};

class Translator {
 public:
  virtual ~Translator() = default;

  // The event an entry produces, or nullopt when it produces none (the publisher's
  // `through` still covers its sequence).
  //
  // The event is an *identifiable draft*: its pseudonym fields (ConsentEvent.participant,
  // ContributionEvent.participant/contribution/practice, ActionEvent.action/practice) hold
  // resource names, and ContributionEvent.redacted_text holds the approved wording on
  // QUOTE_APPROVED only. The publisher replaces every name by its pseudonym, passes the
  // wording through the anonymizer's redactor again and refuses to send a draft it cannot
  // fully de-identify. A translator never copies any other free text into an event. It need
  // not set source, sequence or pseudonym_key_version; event_time is its own to set.
  //
  // An error means the entry cannot be read: the publisher retries and never skips it, so
  // analytics stays (visibly) behind rather than silently missing a change.
  virtual absl::StatusOr<std::optional<analytics::v1::Event>> Translate(
      const OutboxEntry& entry) const = 0;
};

}  // namespace bridging::outbox
