// The consent service's outbox entries as analytics events (source "consent"): consent given
// and withdrawn, contributions shared, retracted and erased, quotes approved. Participant
// creation and unknown kinds produce no event. No free text is ever copied, except the
// wording a participant approved for quotation (which the publisher redacts again).
#pragma once

#include <optional>

#include "libs/outbox/translator.h"

namespace bridging::consent {

// The analytics source of the consent outbox; its sequence is the consent watermark.
inline constexpr char kAnalyticsSource[] = "consent";

class ConsentTranslator final : public outbox::Translator {
 public:
  absl::StatusOr<std::optional<analytics::v1::Event>> Translate(
      const outbox::OutboxEntry& entry) const override;
};

}  // namespace bridging::consent
