// The actions service's outbox entries as analytics events (source "actions"): an action's
// creation and every later change, each with the action's full analysable state (never its
// title, description, owner or notes). Plan changes and unknown kinds produce no event.
#pragma once

#include <optional>

#include "libs/outbox/translator.h"

namespace bridging::actions {

// The analytics source of the actions outbox.
inline constexpr char kAnalyticsSource[] = "actions";

class ActionsTranslator final : public outbox::Translator {
 public:
  absl::StatusOr<std::optional<analytics::v1::Event>> Translate(
      const outbox::OutboxEntry& entry) const override;
};

}  // namespace bridging::actions
