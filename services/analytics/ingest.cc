// Event validation, the row changes of each event kind, and the atomic commit of a batch.
#include "services/analytics/ingest.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "libs/common/crypto.h"
#include "libs/common/errors.h"
#include "libs/common/log.h"
#include "libs/common/proto_time.h"
#include "libs/common/status_macros.h"
#include "libs/common/text.h"
#include "libs/store/atomic_write.h"
#include "libs/store/committer.h"
#include "re2/re2.h"
#include "services/analytics/dataset_schema.h"

namespace bridging::analytics {
namespace {

using consent::v1::ConsentState;
using consent::v1::Purpose;

constexpr size_t kMaxQuoteChars = 2000;

absl::Status CheckPseudonym(const std::string& field, const std::string& value, bool required) {
  if (value.empty() && !required) return absl::OkStatus();
  if (!IsPseudonym(value)) return InvalidField(field, "must be a pseudonym (64 lowercase hex)");
  return absl::OkStatus();
}

template <typename IsValid>
absl::Status CheckEnum(const std::string& field, int value, IsValid is_valid,
                       bool allow_unspecified = false) {
  if (!is_valid(value) || (value == 0 && !allow_unspecified)) {
    return InvalidField(field, "must be a defined value");
  }
  return absl::OkStatus();
}

absl::Status ValidateEvent(const v1::Event& event, const std::string& at) {
  if (!IsSource(event.source())) {
    return InvalidField(at + ".source", "must match ^[a-z][a-z0-9/_-]{0,63}$");
  }
  if (event.sequence() <= 0) return InvalidField(at + ".sequence", "must be positive");
  const auto kind = event.kind();
  switch (kind) {
    case v1::EVENT_KIND_CONSENT_GIVEN:
    case v1::EVENT_KIND_CONSENT_WITHDRAWN: {
      if (!event.has_consent()) return InvalidField(at + ".consent", "required for the kind");
      const v1::ConsentEvent& c = event.consent();
      RETURN_IF_ERROR(CheckPseudonym(at + ".consent.participant", c.participant(), true));
      if (c.purposes().empty() && !(kind == v1::EVENT_KIND_CONSENT_WITHDRAWN && c.erase())) {
        return InvalidField(at + ".consent.purposes", "required");
      }
      for (int i = 0; i < c.purposes_size(); ++i) {
        RETURN_IF_ERROR(CheckEnum(absl::StrCat(at, ".consent.purposes[", i, "]"), c.purposes(i),
                                  consent::v1::Purpose_IsValid));
      }
      const ConsentState expected = kind == v1::EVENT_KIND_CONSENT_GIVEN
                                        ? consent::v1::CONSENT_STATE_GIVEN
                                        : consent::v1::CONSENT_STATE_WITHDRAWN;
      if (c.state() != expected && c.state() != consent::v1::CONSENT_STATE_UNSPECIFIED) {
        return InvalidField(at + ".consent.state", "does not match the event kind");
      }
      return absl::OkStatus();
    }
    case v1::EVENT_KIND_CONTRIBUTION_SHARED:
    case v1::EVENT_KIND_CONTRIBUTION_RETRACTED:
    case v1::EVENT_KIND_CONTRIBUTION_ERASED:
    case v1::EVENT_KIND_QUOTE_APPROVED: {
      if (!event.has_contribution()) {
        return InvalidField(at + ".contribution", "required for the kind");
      }
      const v1::ContributionEvent& c = event.contribution();
      RETURN_IF_ERROR(CheckPseudonym(at + ".contribution.participant", c.participant(), true));
      RETURN_IF_ERROR(CheckPseudonym(at + ".contribution.contribution", c.contribution(), true));
      RETURN_IF_ERROR(CheckPseudonym(at + ".contribution.practice", c.practice(), false));
      if (kind != v1::EVENT_KIND_CONTRIBUTION_SHARED) return absl::OkStatus();
      RETURN_IF_ERROR(CheckEnum(at + ".contribution.source_type", c.source_type(),
                                consent::v1::SourceType_IsValid));
      if (c.themes_size() > 6) return InvalidField(at + ".contribution.themes", "at most 6");
      for (int i = 0; i < c.themes_size(); ++i) {
        RETURN_IF_ERROR(CheckEnum(absl::StrCat(at, ".contribution.themes[", i, "]"), c.themes(i),
                                  common::v1::Principle_IsValid));
      }
      RETURN_IF_ERROR(MonthIndex(c.month(), at + ".contribution.month").status());
      if (!c.redacted_text().empty()) {
        return InvalidField(at + ".contribution.redacted_text", "only on QUOTE_APPROVED");
      }
      return absl::OkStatus();
    }
    case v1::EVENT_KIND_ACTION_CREATED:
    case v1::EVENT_KIND_ACTION_UPDATED: {
      if (!event.has_action()) return InvalidField(at + ".action", "required for the kind");
      const v1::ActionEvent& a = event.action();
      RETURN_IF_ERROR(CheckPseudonym(at + ".action.action", a.action(), true));
      RETURN_IF_ERROR(CheckPseudonym(at + ".action.practice", a.practice(), true));
      RETURN_IF_ERROR(
          CheckEnum(at + ".action.principle", a.principle(), common::v1::Principle_IsValid));
      RETURN_IF_ERROR(CheckEnum(at + ".action.area", a.area(), common::v1::Area_IsValid, true));
      RETURN_IF_ERROR(
          CheckEnum(at + ".action.status", a.status(), actions::v1::ActionStatus_IsValid));
      RETURN_IF_ERROR(
          CheckEnum(at + ".action.source", a.source(), actions::v1::ActionSource_IsValid, true));
      RETURN_IF_ERROR(ToCivilDay(a.create_date(), at + ".action.create_date").status());
      return absl::OkStatus();
    }
    default:
      return InvalidField(at + ".kind", "must be a defined event kind");
  }
}

bool Lists(const v1::ConsentEvent& event, Purpose purpose) {
  for (int p : event.purposes()) {
    if (p == purpose) return true;
  }
  return false;
}

void SetState(internal::ParticipantRecord& record, Purpose purpose, ConsentState state) {
  for (auto& p : *record.mutable_purposes()) {
    if (p.purpose() == purpose) {
      p.set_state(state);
      return;
    }
  }
  auto* p = record.add_purposes();
  p->set_purpose(purpose);
  p->set_state(state);
}

// The batch's changes on top of the view: reads see earlier events of the same batch.
class Plan {
 public:
  Plan(const AnalyticsView& view, absl::Time now) : view_(view), now_(now) {}

  ViewChanges& changes() { return changes_; }

  int64_t AppliedSequence(const std::string& source) const {
    auto it = changes_.applied.find(source);
    return it != changes_.applied.end() ? it->second.sequence() : view_.Applied(source).sequence();
  }
  void Advance(const std::string& source, int64_t sequence) {
    if (sequence <= AppliedSequence(source)) return;
    v1::AppliedSequence& applied = changes_.applied[source];
    applied.set_source(source);
    applied.set_sequence(sequence);
    *applied.mutable_apply_time() = ToTimestamp(now_);
  }

  void Apply(const v1::Event& event) {
    switch (event.kind()) {
      case v1::EVENT_KIND_CONSENT_GIVEN:
        return ConsentGiven(event.consent());
      case v1::EVENT_KIND_CONSENT_WITHDRAWN:
        return ConsentWithdrawn(event.sequence(), event.consent());
      case v1::EVENT_KIND_CONTRIBUTION_SHARED:
        return Shared(event.contribution());
      case v1::EVENT_KIND_CONTRIBUTION_RETRACTED:
      case v1::EVENT_KIND_CONTRIBUTION_ERASED:
        return Delete(RowKey(event.contribution().contribution()));
      case v1::EVENT_KIND_QUOTE_APPROVED:
        return QuoteApproved(event.contribution());
      case v1::EVENT_KIND_ACTION_CREATED:
      case v1::EVENT_KIND_ACTION_UPDATED: {
        v1::ActionEvent row = event.action();
        row.set_action(RowKey(row.action()));
        changes_.actions[row.action()] = std::move(row);
        return;
      }
      default:
        return;
    }
  }

 private:
  internal::ParticipantRecord Participant(const std::string& participant) const {
    if (auto it = changes_.participants.find(participant); it != changes_.participants.end()) {
      return it->second;
    }
    std::optional<internal::ParticipantRecord> record = view_.Participant(participant);
    if (record.has_value()) return *record;
    internal::ParticipantRecord fresh;
    fresh.set_participant(participant);
    return fresh;
  }

  std::optional<v1::ContributionEvent> Contribution(const std::string& key) const {
    if (auto it = changes_.contributions.find(key); it != changes_.contributions.end()) {
      return it->second;
    }
    return view_.Contribution(key);
  }

  std::set<std::string> ContributionsOf(const std::string& participant) const {
    std::set<std::string> keys;
    for (const std::string& key : view_.ContributionsOf(participant)) keys.insert(key);
    for (const auto& [key, row] : changes_.contributions) {
      if (!row.has_value()) {
        keys.erase(key);
      } else if (row->participant() == participant) {
        keys.insert(key);
      }
    }
    return keys;
  }

  void Delete(const std::string& key) {
    if (Contribution(key).has_value()) changes_.contributions[key] = std::nullopt;
  }

  void ConsentGiven(const v1::ConsentEvent& event) {
    internal::ParticipantRecord record = Participant(event.participant());
    for (int p : event.purposes()) {
      SetState(record, static_cast<Purpose>(p), consent::v1::CONSENT_STATE_GIVEN);
    }
    changes_.participants[event.participant()] = std::move(record);
  }

  void ConsentWithdrawn(int64_t sequence, const v1::ConsentEvent& event) {
    internal::ParticipantRecord record = Participant(event.participant());
    for (int p : event.purposes()) {
      SetState(record, static_cast<Purpose>(p), consent::v1::CONSENT_STATE_WITHDRAWN);
    }
    v1::AppliedWithdrawal* withdrawal = record.add_withdrawals();
    withdrawal->set_sequence(sequence);
    *withdrawal->mutable_purposes() = event.purposes();
    *withdrawal->mutable_apply_time() = ToTimestamp(now_);
    withdrawal->set_erased(event.erase());

    const bool drop_rows = event.erase() || Lists(event, consent::v1::PURPOSE_RESEARCH_USE);
    const bool drop_quotes = Lists(event, consent::v1::PURPOSE_QUOTATION);
    for (const std::string& key : ContributionsOf(event.participant())) {
      if (drop_rows) {
        changes_.contributions[key] = std::nullopt;
      } else if (drop_quotes) {
        std::optional<v1::ContributionEvent> row = Contribution(key);
        if (row.has_value() && !row->redacted_text().empty()) {
          row->clear_redacted_text();
          changes_.contributions[key] = std::move(row);
        }
      }
    }
    changes_.participants[event.participant()] = std::move(record);
  }

  void Shared(const v1::ContributionEvent& event) {
    // Kept only while the person's research consent is active.
    if (!PurposeGiven(Participant(event.participant()), consent::v1::PURPOSE_RESEARCH_USE)) return;
    v1::ContributionEvent row = event;
    row.set_contribution(RowKey(event.contribution()));
    if (std::optional<v1::ContributionEvent> old = Contribution(row.contribution())) {
      row.set_redacted_text(old->redacted_text());
    }
    changes_.contributions[row.contribution()] = std::move(row);
  }

  void QuoteApproved(const v1::ContributionEvent& event) {
    const std::string key = RowKey(event.contribution());
    std::optional<v1::ContributionEvent> row = Contribution(key);
    if (!row.has_value()) return;  // not counted (withheld, retracted or never shared)
    const std::string& text = event.redacted_text();
    absl::Status ok = CheckText("redacted_text", text, {kMaxQuoteChars, /*required=*/true});
    if (ok.ok()) ok = RejectPersonalIdentifiers("redacted_text", text);
    if (!ok.ok()) {
      // Never stored, never logged: the wording is not safe to keep.
      Log(LogLevel::kWarning, "quote_refused", {{"reason", std::string(ok.message())}});
      return;
    }
    row->set_redacted_text(text);
    changes_.contributions[key] = std::move(row);
  }

  const AnalyticsView& view_;
  const absl::Time now_;
  ViewChanges changes_;
};

}  // namespace

bool IsSource(const std::string& value) {
  static const re2::RE2 kSource("[a-z][a-z0-9/_-]{0,63}");
  return re2::RE2::FullMatch(value, kSource);
}

absl::Status ValidateIngest(const v1::IngestEventsRequest& request) {
  if (request.events().empty() && request.through().empty()) {
    return InvalidField("events", "at least one event or one through sequence is required");
  }
  if (request.events_size() > kMaxEventsPerBatch) {
    return InvalidField("events", absl::StrCat("at most ", kMaxEventsPerBatch, " per batch"));
  }
  std::map<std::string, int64_t> last;
  for (int i = 0; i < request.events_size(); ++i) {
    const v1::Event& event = request.events(i);
    const std::string at = absl::StrCat("events[", i, "]");
    RETURN_IF_ERROR(ValidateEvent(event, at));
    int64_t& previous = last[event.source()];
    if (event.sequence() <= previous) {
      return InvalidField(at + ".sequence", "must increase within each source");
    }
    previous = event.sequence();
  }
  for (int i = 0; i < request.through_size(); ++i) {
    const std::string at = absl::StrCat("through[", i, "]");
    if (!IsSource(request.through(i).source())) {
      return InvalidField(at + ".source", "must match ^[a-z][a-z0-9/_-]{0,63}$");
    }
    if (request.through(i).sequence() < 0) return InvalidField(at + ".sequence", "negative");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::IngestEventsResponse> Ingestor::Ingest(const v1::IngestEventsRequest& request) {
  RETURN_IF_ERROR(ValidateIngest(request));
  absl::MutexLock batch(&mu_);
  v1::IngestEventsResponse response;
  ViewChanges changes;
  auto attempt = [&]() -> absl::StatusOr<std::optional<bool>> {
    response.Clear();
    store::AtomicWrite write;
    {
      absl::ReaderMutexLock read(&view_.mutex());
      Plan plan(view_, clock_());
      std::set<std::string> sources;
      for (const v1::Event& event : request.events()) {
        sources.insert(event.source());
        if (event.sequence() <= plan.AppliedSequence(event.source())) {
          response.set_duplicate_count(response.duplicate_count() + 1);
          continue;
        }
        plan.Apply(event);
        plan.Advance(event.source(), event.sequence());
        response.set_applied_count(response.applied_count() + 1);
      }
      for (const v1::AppliedSequence& through : request.through()) {
        sources.insert(through.source());
        plan.Advance(through.source(), through.sequence());
      }
      changes = std::move(plan.changes());
      for (const std::string& source : sources) {
        auto it = changes.applied.find(source);
        *response.add_applied() = it != changes.applied.end() ? it->second : view_.Applied(source);
        if (it == changes.applied.end()) continue;
        // The applied sequence is the batch's precondition: a concurrent writer (another
        // process on the same Redis) makes this commit fail instead of double-applying.
        const v1::AppliedSequence before = view_.Applied(source);
        // Every stored record carries its apply time; without one it was never stored.
        write.ExpectValue(keys::Applied(source),
                          before.has_apply_time() ? before.SerializeAsString() : std::string());
        write.Set(keys::Applied(source), it->second.SerializeAsString());
      }
    }
    if (write.empty()) return std::optional<bool>(true);  // only duplicates
    for (const auto& [participant, record] : changes.participants) {
      write.Set(keys::Participant(participant), record.SerializeAsString());
    }
    for (const auto& [key, row] : changes.contributions) {
      if (row.has_value()) {
        write.Set(keys::Contribution(key), row->SerializeAsString());
      } else {
        write.Delete(keys::Contribution(key));
      }
    }
    for (const auto& [key, row] : changes.actions) {
      write.Set(keys::Action(key), row.SerializeAsString());
    }
    ASSIGN_OR_RETURN(store::AtomicWriteResult result, store::Commit(store_, "", write));
    if (result.outcome == store::AtomicWriteResult::Outcome::kConflict) {
      // Someone else applied events: the view is stale. Reload it and plan again.
      Log(LogLevel::kWarning, "ingest_conflict", {{"key", result.conflict_key}});
      RETURN_IF_ERROR(view_.Load(store_));
      return std::optional<bool>();
    }
    view_.Apply(changes);
    return std::optional<bool>(true);
  };
  RETURN_IF_ERROR(store::RetryOnConflict<bool>(attempt).status());
  return response;
}

}  // namespace bridging::analytics
