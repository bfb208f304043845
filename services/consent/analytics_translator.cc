// Implements ConsentTranslator: one event per consent or contribution change.
#include "services/consent/analytics_translator.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "bridging/consent/v1/consent.pb.h"
#include "libs/common/proto_time.h"
#include "services/consent/participant_store.h"

namespace bridging::consent {
namespace {

using analytics::v1::Event;

template <typename T>
absl::StatusOr<T> ParsePayload(const outbox::OutboxEntry& entry) {
  T message;
  if (!message.ParseFromString(entry.payload)) {
    return absl::DataLossError(absl::StrCat("payload is not a ", T::descriptor()->name()));
  }
  return message;
}

// The part of `name` before `/<collection>/`: the participant of a record, receipt or
// contribution.
absl::StatusOr<std::string> ParticipantOf(const std::string& name, absl::string_view collection) {
  const size_t at = name.find(absl::StrCat("/", collection, "/"));
  if (at == std::string::npos || at == 0) {
    return absl::DataLossError(absl::StrCat("subject is not under a participant's ", collection));
  }
  return name.substr(0, at);
}

// The month of a point in time (UTC), day 0.
common::v1::Date MonthOf(const google::protobuf::Timestamp& time) {
  const absl::CivilDay day = TodayUtc(FromTimestamp(time));
  common::v1::Date month;
  month.set_year(static_cast<int32_t>(day.year()));
  month.set_month(day.month());
  return month;
}

common::v1::Date MonthOf(const common::v1::Date& date) {
  common::v1::Date month;
  month.set_year(date.year());
  month.set_month(date.month());
  return month;
}

absl::StatusOr<std::optional<Event>> ConsentGiven(const outbox::OutboxEntry& entry) {
  absl::StatusOr<v1::ConsentHistoryEntry> history = ParsePayload<v1::ConsentHistoryEntry>(entry);
  if (!history.ok()) return history.status();
  absl::StatusOr<std::string> participant = ParticipantOf(history->subject(), "consents");
  if (!participant.ok()) return participant.status();
  if (history->purposes().empty()) return absl::DataLossError("consent given for no purpose");
  Event event;
  event.set_kind(analytics::v1::EVENT_KIND_CONSENT_GIVEN);
  *event.mutable_event_time() = history->event_time();
  auto* consent = event.mutable_consent();
  consent->set_participant(*std::move(participant));
  for (int purpose : history->purposes()) {
    consent->add_purposes(static_cast<v1::Purpose>(purpose));
  }
  consent->set_state(v1::CONSENT_STATE_GIVEN);
  *consent->mutable_month() = MonthOf(history->event_time());
  return event;
}

absl::StatusOr<std::optional<Event>> ConsentWithdrawn(const outbox::OutboxEntry& entry) {
  absl::StatusOr<v1::WithdrawalReceipt> receipt = ParsePayload<v1::WithdrawalReceipt>(entry);
  if (!receipt.ok()) return receipt.status();
  std::string participant = receipt->participant();
  if (participant.empty()) {
    absl::StatusOr<std::string> parent = ParticipantOf(receipt->name(), "withdrawals");
    if (!parent.ok()) return parent.status();
    participant = *std::move(parent);
  }
  Event event;
  event.set_kind(analytics::v1::EVENT_KIND_CONSENT_WITHDRAWN);
  *event.mutable_event_time() = receipt->withdraw_time();
  auto* consent = event.mutable_consent();
  consent->set_participant(std::move(participant));
  // Empty for an erasure-only request (every purpose was already inactive).
  for (int purpose : receipt->purposes()) {
    consent->add_purposes(static_cast<v1::Purpose>(purpose));
  }
  consent->set_state(v1::CONSENT_STATE_WITHDRAWN);
  consent->set_erase(receipt->erasure_requested());
  *consent->mutable_month() = MonthOf(receipt->withdraw_time());
  return event;
}

absl::StatusOr<std::optional<Event>> ContributionChanged(const outbox::OutboxEntry& entry) {
  absl::StatusOr<v1::Contribution> contribution = ParsePayload<v1::Contribution>(entry);
  if (!contribution.ok()) return contribution.status();
  Event event;
  if (contribution->state() == v1::CONTRIBUTION_STATE_ERASED) {
    // Whatever the change was called, an erased contribution's row must go.
    event.set_kind(analytics::v1::EVENT_KIND_CONTRIBUTION_ERASED);
  } else if (entry.kind == kinds::kContributionSubmitted) {
    event.set_kind(analytics::v1::EVENT_KIND_CONTRIBUTION_SHARED);
    *event.mutable_event_time() =
        contribution->has_share_time() ? contribution->share_time() : contribution->create_time();
  } else if (entry.kind == kinds::kContributionRetracted) {
    event.set_kind(analytics::v1::EVENT_KIND_CONTRIBUTION_RETRACTED);
  } else if (entry.kind == kinds::kQuoteApproved) {
    if (contribution->approved_quote().empty()) {
      return absl::DataLossError("quote approval without an approved quote");
    }
    event.set_kind(analytics::v1::EVENT_KIND_QUOTE_APPROVED);
    *event.mutable_event_time() = contribution->quote_approve_time();
  } else {
    return std::nullopt;  // a contribution change analytics does not count
  }
  absl::StatusOr<std::string> participant = ParticipantOf(contribution->name(), "contributions");
  if (!participant.ok()) return participant.status();
  auto* out = event.mutable_contribution();
  out->set_participant(*std::move(participant));
  out->set_contribution(contribution->name());
  out->set_practice(contribution->practice());
  out->set_source_type(contribution->source_type());
  for (int theme : contribution->themes())
    out->add_themes(static_cast<common::v1::Principle>(theme));
  if (contribution->has_occurred_on()) {
    *out->mutable_month() = MonthOf(contribution->occurred_on());
  } else if (contribution->has_create_time()) {
    *out->mutable_month() = MonthOf(contribution->create_time());
  }
  if (event.kind() == analytics::v1::EVENT_KIND_QUOTE_APPROVED) {
    out->set_redacted_text(contribution->approved_quote());
  }
  return event;
}

bool IsContributionKind(const std::string& kind) {
  return kind == kinds::kContributionSubmitted || kind == kinds::kContributionRetracted ||
         kind == kinds::kQuoteApproved || kind.rfind("contribution.", 0) == 0;
}

}  // namespace

absl::StatusOr<std::optional<Event>> ConsentTranslator::Translate(
    const outbox::OutboxEntry& entry) const {
  if (entry.kind == kinds::kConsentGiven) return ConsentGiven(entry);
  if (entry.kind == kinds::kConsentWithdrawn) return ConsentWithdrawn(entry);
  if (IsContributionKind(entry.kind)) return ContributionChanged(entry);
  // participant.created and kinds this version does not know: nothing analytics counts.
  return std::nullopt;
}

}  // namespace bridging::consent
