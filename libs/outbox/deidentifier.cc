// Implements Deidentifier: collect names per domain, pseudonymise them in batches, replace,
// re-redact approved quotes, then verify that only pseudonyms are left.
#include "libs/outbox/deidentifier.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "libs/common/crypto.h"

namespace bridging::outbox {
namespace {

using analytics::v1::Event;

// The anonymizer takes at most this many identifiers per call.
constexpr size_t kMaxIdentifiersPerCall = 1000;

// One pseudonym field of one event.
struct Field {
  const char* domain;
  std::string* value;
  bool required;  // an empty value is a translator bug (only a practice may be absent)
  const char* path;
};

std::vector<Field> FieldsOf(Event& event) {
  switch (event.payload_case()) {
    case Event::kConsent:
      return {{kParticipantDomain, event.mutable_consent()->mutable_participant(), true,
               "consent.participant"}};
    case Event::kContribution: {
      auto* c = event.mutable_contribution();
      return {{kParticipantDomain, c->mutable_participant(), true, "contribution.participant"},
              {kContributionDomain, c->mutable_contribution(), true, "contribution.contribution"},
              {kPracticeDomain, c->mutable_practice(), false, "contribution.practice"}};
    }
    case Event::kAction: {
      auto* a = event.mutable_action();
      return {{kActionDomain, a->mutable_action(), true, "action.action"},
              {kPracticeDomain, a->mutable_practice(), true, "action.practice"}};
    }
    default:
      return {};
  }
}

}  // namespace

absl::Status Deidentifier::Apply(std::vector<Event>* events) const {
  // Unique names per domain, then their pseudonyms.
  std::map<std::string, std::map<std::string, std::string>> pseudonyms;
  for (size_t i = 0; i < events->size(); ++i) {
    Event& event = (*events)[i];
    if (event.payload_case() == Event::PAYLOAD_NOT_SET) {
      return absl::InternalError(
          absl::StrCat("event of sequence ", event.sequence(), " has no payload"));
    }
    for (const Field& field : FieldsOf(event)) {
      if (field.value->empty()) {
        if (field.required) {
          return absl::InternalError(
              absl::StrCat("event of sequence ", event.sequence(), " has no ", field.path));
        }
        continue;
      }
      pseudonyms[field.domain].emplace(*field.value, "");
    }
  }

  std::string key_version;
  for (auto& [domain, names] : pseudonyms) {
    std::vector<std::string> batch;
    auto flush = [&]() -> absl::Status {
      if (batch.empty()) return absl::OkStatus();
      absl::StatusOr<anonymizer::v1::PseudonymizeResponse> response =
          anonymizer_.Pseudonymize(domain, batch);
      if (!response.ok()) return response.status();
      if (response->pseudonyms_size() != static_cast<int>(batch.size())) {
        return absl::InternalError("anonymizer: answered a different number of pseudonyms");
      }
      // Pseudonyms are comparable only within one key version: a batch never mixes two.
      if (key_version.empty()) key_version = response->key_version();
      if (response->key_version() != key_version || key_version.empty()) {
        return absl::UnavailableError(
            "anonymizer: the pseudonym key version changed during the batch; retrying");
      }
      for (size_t i = 0; i < batch.size(); ++i) names[batch[i]] = response->pseudonyms(i);
      batch.clear();
      return absl::OkStatus();
    };
    for (const auto& entry : names) {
      batch.push_back(entry.first);
      if (batch.size() == kMaxIdentifiersPerCall) {
        if (absl::Status s = flush(); !s.ok()) return s;
      }
    }
    if (absl::Status s = flush(); !s.ok()) return s;
  }

  for (Event& event : *events) {
    for (const Field& field : FieldsOf(event)) {
      if (field.value->empty()) continue;
      *field.value = pseudonyms[field.domain][*field.value];
      if (!IsPseudonym(*field.value)) {
        return absl::InternalError(absl::StrCat("anonymizer: no pseudonym for ", field.path,
                                                " of sequence ", event.sequence()));
      }
    }
    if (event.has_contribution()) {
      auto* contribution = event.mutable_contribution();
      if (event.kind() != analytics::v1::EVENT_KIND_QUOTE_APPROVED) {
        contribution->clear_redacted_text();
      } else if (!contribution->redacted_text().empty()) {
        // The participant approved wording that was redacted already; redact it again so a
        // detail the approval missed never reaches analytics.
        absl::StatusOr<std::string> redacted =
            anonymizer_.RedactText(contribution->redacted_text());
        if (!redacted.ok()) return redacted.status();
        contribution->set_redacted_text(*std::move(redacted));
      }
    }
    event.set_pseudonym_key_version(key_version);
  }
  return absl::OkStatus();
}

}  // namespace bridging::outbox
