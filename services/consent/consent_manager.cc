// Implements ConsentService domain logic over ParticipantStore.
#include "services/consent/consent_manager.h"

#include <algorithm>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/common/crypto.h"
#include "libs/common/errors.h"
#include "libs/common/idempotency.h"
#include "libs/common/page_token.h"
#include "libs/common/proto_time.h"
#include "libs/common/resource_name.h"
#include "libs/common/status_macros.h"
#include "libs/common/text.h"
#include "services/consent/consent_history.h"

namespace bridging::consent {
namespace {

constexpr int kIdLength = 12;

TextLimits Label(bool required) {
  TextLimits limits;
  limits.max_chars = 64;
  limits.required = required;
  return limits;
}

absl::Status ValidateRole(absl::string_view field, const std::string& role, bool required) {
  RETURN_IF_ERROR(CheckText(field, role, Label(required)));
  return RejectPersonalIdentifiers(field, role);
}

std::string CharityOf(const std::string& participant) { return OwnerOf(participant); }

// Days since the Unix epoch: the score of review-date index entries.
int64_t DayNumber(absl::CivilDay day) { return day - absl::CivilDay(1970, 1, 1); }

std::string PurposeList(const std::vector<v1::Purpose>& purposes) {
  std::vector<std::string> names;
  for (auto p : purposes) names.push_back(v1::Purpose_Name(p));
  return absl::StrJoin(names, ", ");
}

}  // namespace

const std::vector<v1::Purpose>& AllPurposes() {
  static const auto* purposes = new std::vector<v1::Purpose>{
      v1::PURPOSE_GROUP_PARTICIPATION, v1::PURPOSE_RESEARCH_USE, v1::PURPOSE_QUOTATION,
      v1::PURPOSE_SHARE_WITH_PRACTICE, v1::PURPOSE_CONTACT};
  return *purposes;
}

v1::PurposeStatus* MutablePurpose(v1::ConsentStatus* status, v1::Purpose purpose) {
  for (auto& p : *status->mutable_purposes()) {
    if (p.purpose() == purpose) return &p;
  }
  auto* added = status->add_purposes();
  added->set_purpose(purpose);
  added->set_state(v1::CONSENT_STATE_NOT_GIVEN);
  return added;
}

const v1::PurposeStatus* FindPurpose(const v1::ConsentStatus& status, v1::Purpose purpose) {
  for (const auto& p : status.purposes()) {
    if (p.purpose() == purpose) return &p;
  }
  return nullptr;
}

ConsentManager::ConsentManager(store::Store& store, Clock clock, WithdrawalPropagation* propagation)
    : store_(store),
      committer_(store, keys::kSequence),
      clock_(std::move(clock)),
      propagation_(propagation) {}

absl::StatusOr<v1::Participant> ConsentManager::CreateParticipant(
    const v1::CreateParticipantRequest& request, const auth::Principal& caller) {
  RETURN_IF_ERROR(ParseName(request.parent(), "charities/{charity}", "parent").status());
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const v1::Participant& input = request.participant();
  RETURN_IF_ERROR(CheckText("participant.charity_reference", input.charity_reference(),
                            Label(/*required=*/true)));
  RETURN_IF_ERROR(
      RejectPersonalIdentifiers("participant.charity_reference", input.charity_reference()));
  RETURN_IF_ERROR(CheckText("participant.alias", input.alias(), Label(/*required=*/false)));
  RETURN_IF_ERROR(RejectPersonalIdentifiers("participant.alias", input.alias()));

  const std::string request_key =
      IdempotencyKey(keys::kPrefix, caller.organization, request.request_id());
  const std::string fingerprint = RequestFingerprint("CreateParticipant", request);
  ASSIGN_OR_RETURN(auto replay, committer_.FindReplay(request_key, fingerprint));
  if (replay.has_value()) return store::ParseStored<v1::Participant>(replay->response);

  const absl::Time now = clock_();
  const std::string id = RandomId(kIdLength);
  v1::Participant participant;
  participant.set_name(absl::StrCat(request.parent(), "/participants/", id));
  participant.set_charity_reference(input.charity_reference());
  participant.set_alias(input.alias());
  *participant.mutable_create_time() = ToTimestamp(now);
  participant.set_etag(RandomId(kIdLength));

  v1::ConsentStatus status;
  status.set_participant(participant.name());
  for (v1::Purpose purpose : AllPurposes()) MutablePurpose(&status, purpose);
  status.set_etag(RandomId(kIdLength));

  v1::ConsentHistoryEntry entry;
  entry.set_type(v1::HISTORY_EVENT_TYPE_PARTICIPANT_CREATED);
  entry.set_recorded_by_role(caller.organization);
  *entry.mutable_event_time() = ToTimestamp(now);
  entry.set_subject(participant.name());
  LinkEntry(nullptr, &entry);

  const std::string reference_key = keys::Reference(request.parent(), input.charity_reference());
  store::AtomicWrite write;
  write.ExpectAbsent(reference_key)
      .Set(keys::Participant(participant.name()), participant.SerializeAsString())
      .Set(reference_key, participant.name())
      .ZAdd(keys::ParticipantIndex(request.parent()), 0, id)
      .Set(keys::Status(participant.name()), status.SerializeAsString())
      .AppendWithSequence(keys::History(participant.name()), entry.SerializeAsString())
      .Outbox(keys::kOutbox, kinds::kParticipantCreated, participant.name(),
              entry.SerializeAsString());
  if (!request.request_id().empty()) {
    write.Idempotent(request_key, fingerprint, participant.SerializeAsString());
  }
  ASSIGN_OR_RETURN(store::Committer::Committed committed, committer_.Commit(write));
  if (committed.replayed) return store::ParseStored<v1::Participant>(committed.response);
  if (!committed.conflict_key.empty()) {
    return absl::AlreadyExistsError(
        "participant.charity_reference: a participant with this reference already exists");
  }
  return participant;
}

absl::StatusOr<v1::Participant> ConsentManager::GetParticipant(
    const v1::GetParticipantRequest& request) {
  RETURN_IF_ERROR(ParseName(request.name(), kParticipantPattern, "name").status());
  return store::GetProto<v1::Participant>(store_.raw(), keys::Participant(request.name()),
                                          request.name());
}

absl::StatusOr<v1::ListParticipantsResponse> ConsentManager::ListParticipants(
    const v1::ListParticipantsRequest& request) {
  RETURN_IF_ERROR(ParseName(request.parent(), "charities/{charity}", "parent").status());
  ASSIGN_OR_RETURN(const int page_size, ResolvePageSize(request.page_size()));
  ASSIGN_OR_RETURN(const std::string cursor,
                   DecodePageToken(request.parent(), request.page_token()));
  // Ids are listed in lexical order; the cursor is the last id returned, so inserts
  // between pages never cause skips or repeats.
  ASSIGN_OR_RETURN(store::Reply ids,
                   store_.raw().Command({"ZRANGEBYLEX", keys::ParticipantIndex(request.parent()),
                                         cursor.empty() ? "-" : absl::StrCat("(", cursor), "+",
                                         "LIMIT", "0", absl::StrCat(page_size + 1)}));
  std::vector<std::string> participant_keys;
  for (size_t i = 0; i < ids.elements.size() && static_cast<int>(i) < page_size; ++i) {
    participant_keys.push_back(
        keys::Participant(absl::StrCat(request.parent(), "/participants/", ids.elements[i].str)));
  }
  ASSIGN_OR_RETURN(auto participants,
                   store::GetProtos<v1::Participant>(store_.raw(), participant_keys));
  v1::ListParticipantsResponse response;
  for (auto& p : participants) *response.add_participants() = std::move(p);
  if (static_cast<int>(ids.elements.size()) > page_size) {
    response.set_next_page_token(
        EncodePageToken(request.parent(), ids.elements[page_size - 1].str));
  }
  return response;
}

absl::StatusOr<v1::ConsentRecord> ConsentManager::RecordConsent(
    const v1::RecordConsentRequest& request, const auth::Principal& caller) {
  RETURN_IF_ERROR(ParseName(request.participant(), kParticipantPattern, "participant").status());
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (request.purpose() == v1::PURPOSE_UNSPECIFIED || !v1::Purpose_IsValid(request.purpose())) {
    return InvalidField("purpose", "must be one of the consent purposes");
  }
  if (request.method() == v1::CONSENT_METHOD_UNSPECIFIED ||
      !v1::ConsentMethod_IsValid(request.method())) {
    return InvalidField("method", "must be VERBAL, WRITTEN or DIGITAL");
  }
  RETURN_IF_ERROR(ValidateRole("recorded_by_role", request.recorded_by_role(), true));
  const absl::Time now = clock_();
  const absl::CivilDay today = TodayUtc(now);
  absl::CivilDay review = today + 365;
  if (request.has_review_date()) {
    ASSIGN_OR_RETURN(review, ToCivilDay(request.review_date(), "review_date"));
    if (review <= today) return InvalidField("review_date", "must be in the future");
    if (review > today + 5 * 366) {
      return InvalidField("review_date", "must be within five years: consent is re-confirmed");
    }
  }
  const std::string request_key =
      IdempotencyKey(keys::kPrefix, caller.organization, request.request_id());
  const std::string fingerprint = RequestFingerprint("RecordConsent", request);
  ASSIGN_OR_RETURN(auto replay, committer_.FindReplay(request_key, fingerprint));
  if (replay.has_value()) return store::ParseStored<v1::ConsentRecord>(replay->response);
  const std::string charity = CharityOf(request.participant());

  return store::RetryOnConflict<v1::ConsentRecord>(
      [&]() -> absl::StatusOr<std::optional<v1::ConsentRecord>> {
        ASSIGN_OR_RETURN(ParticipantState state, store_.ReadState(request.participant()));
        if (!request.etag().empty() && request.etag() != state.status.etag()) {
          return StaleEtag(request.participant());
        }
        v1::ConsentRecord record;
        record.set_name(absl::StrCat(request.participant(), "/consents/", RandomId(kIdLength)));
        record.set_purpose(request.purpose());
        record.set_method(request.method());
        record.set_recorded_by_role(request.recorded_by_role());
        *record.mutable_given_time() = ToTimestamp(now);
        *record.mutable_review_date() = ToDate(review);
        record.set_state(v1::CONSENT_STATE_GIVEN);

        store::AtomicWrite write;
        write.ExpectValue(keys::Status(request.participant()), state.status_bytes);
        v1::ConsentStatus status = state.status;
        v1::PurposeStatus* purpose = MutablePurpose(&status, request.purpose());
        if (purpose->state() == v1::CONSENT_STATE_GIVEN) {
          // Re-confirmation: the earlier record is superseded, its review entry replaced.
          v1::ConsentRecord previous = purpose->record();
          previous.set_superseded_by(record.name());
          write.Set(keys::Record(previous.name()), previous.SerializeAsString())
              .ZRem(keys::Review(charity), previous.name());
        }
        purpose->set_state(v1::CONSENT_STATE_GIVEN);
        *purpose->mutable_record() = record;
        purpose->set_review_overdue(false);
        status.set_etag(RandomId(kIdLength));

        v1::ConsentHistoryEntry entry;
        entry.set_type(v1::HISTORY_EVENT_TYPE_CONSENT_GIVEN);
        entry.add_purposes(request.purpose());
        entry.set_method(request.method());
        entry.set_recorded_by_role(request.recorded_by_role());
        *entry.mutable_event_time() = ToTimestamp(now);
        entry.set_subject(record.name());
        LinkEntry(&state.head, &entry);

        write.Set(keys::Status(request.participant()), status.SerializeAsString())
            .Set(keys::Record(record.name()), record.SerializeAsString())
            .ZAdd(keys::Review(charity), static_cast<double>(DayNumber(review)), record.name())
            .AppendWithSequence(keys::History(request.participant()), entry.SerializeAsString())
            .Outbox(keys::kOutbox, kinds::kConsentGiven, record.name(), entry.SerializeAsString());
        if (!request.request_id().empty()) {
          write.Idempotent(request_key, fingerprint, record.SerializeAsString());
        }
        ASSIGN_OR_RETURN(store::Committer::Committed committed, committer_.Commit(write));
        if (committed.replayed) return store::ParseStored<v1::ConsentRecord>(committed.response);
        if (!committed.conflict_key.empty()) return std::nullopt;
        return record;
      });
}

absl::StatusOr<v1::WithdrawalReceipt> ConsentManager::WithdrawConsent(
    const v1::WithdrawConsentRequest& request, const auth::Principal& caller) {
  ASSIGN_OR_RETURN(v1::WithdrawalReceipt receipt, RecordWithdrawal(request, caller));
  // The withdrawal is recorded and in the outbox whatever happens next: analytics being
  // slow or down only leaves analytics_applied false (and analytics fails closed).
  if (propagation_ != nullptr && receipt.sequence() > 0) {
    receipt.set_analytics_applied(propagation_->AwaitApplied(receipt.sequence()));
  }
  return receipt;
}

absl::StatusOr<v1::WithdrawalReceipt> ConsentManager::RecordWithdrawal(
    const v1::WithdrawConsentRequest& request, const auth::Principal& caller) {
  RETURN_IF_ERROR(ParseName(request.participant(), kParticipantPattern, "participant").status());
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  RETURN_IF_ERROR(ValidateRole("recorded_by_role", request.recorded_by_role(), false));
  std::set<v1::Purpose> asked;
  for (int p : request.purposes()) {
    if (p == v1::PURPOSE_UNSPECIFIED || !v1::Purpose_IsValid(p)) {
      return InvalidField("purposes", "holds a value that is not a consent purpose");
    }
    asked.insert(static_cast<v1::Purpose>(p));
  }
  if (asked.empty()) asked.insert(AllPurposes().begin(), AllPurposes().end());
  const std::string request_key =
      IdempotencyKey(keys::kPrefix, caller.organization, request.request_id());
  const std::string fingerprint = RequestFingerprint("WithdrawConsent", request);
  // A replayed receipt carries the sequence of the original change.
  auto replayed_receipt =
      [](const store::Committer::Committed& c) -> absl::StatusOr<v1::WithdrawalReceipt> {
    ASSIGN_OR_RETURN(v1::WithdrawalReceipt receipt,
                     store::ParseStored<v1::WithdrawalReceipt>(c.response));
    receipt.set_sequence(c.sequence);
    return receipt;
  };
  ASSIGN_OR_RETURN(auto replay, committer_.FindReplay(request_key, fingerprint));
  if (replay.has_value()) return replayed_receipt(*replay);
  const absl::Time now = clock_();
  const std::string charity = CharityOf(request.participant());

  return store::RetryOnConflict<v1::WithdrawalReceipt>(
      [&]() -> absl::StatusOr<std::optional<v1::WithdrawalReceipt>> {
        ASSIGN_OR_RETURN(ParticipantState state, store_.ReadState(request.participant()));
        v1::WithdrawalReceipt receipt;
        receipt.set_name(absl::StrCat(request.participant(), "/withdrawals/", RandomId(kIdLength)));
        receipt.set_participant(request.participant());
        *receipt.mutable_withdraw_time() = ToTimestamp(now);
        receipt.set_erasure_requested(request.erase_contributions());

        store::AtomicWrite write;
        write.ExpectValue(keys::Status(request.participant()), state.status_bytes);
        v1::ConsentStatus status = state.status;
        std::vector<v1::Purpose> withdrawn;
        for (v1::Purpose purpose : asked) {
          v1::PurposeStatus* current = MutablePurpose(&status, purpose);
          if (current->state() != v1::CONSENT_STATE_GIVEN) {
            receipt.add_already_inactive_purposes(purpose);
            continue;
          }
          withdrawn.push_back(purpose);
          receipt.add_purposes(purpose);
          current->set_state(v1::CONSENT_STATE_WITHDRAWN);
          current->mutable_record()->set_state(v1::CONSENT_STATE_WITHDRAWN);
          *current->mutable_record()->mutable_withdraw_time() = ToTimestamp(now);
          current->set_review_overdue(false);
          write.Set(keys::Record(current->record().name()), current->record().SerializeAsString())
              .ZRem(keys::Review(charity), current->record().name());
        }
        if (withdrawn.empty() && !request.erase_contributions()) {
          return Precondition(
              request.participant(),
              absl::StrCat("has no active consent to withdraw for ",
                           PurposeList({asked.begin(), asked.end()}), "; nothing was changed"));
        }
        status.set_etag(RandomId(kIdLength));

        // Contributions follow RESEARCH_USE: erased on request, otherwise withheld from sharing.
        const bool research_ended =
            FindPurpose(status, v1::PURPOSE_RESEARCH_USE)->state() != v1::CONSENT_STATE_GIVEN;
        if (request.erase_contributions() || research_ended) {
          // A contribution added after this read changes the version and makes this retry.
          write.ExpectValue(keys::ContributionVersion(request.participant()),
                            state.contributions_version);
          ASSIGN_OR_RETURN(
              store::Reply ids,
              store_.raw().Command(
                  {"ZRANGE", keys::ContributionIndex(request.participant()), "0", "-1"}));
          std::vector<std::string> contribution_keys;
          for (const auto& id : ids.elements) {
            contribution_keys.push_back(
                keys::Contribution(absl::StrCat(request.participant(), "/contributions/", id.str)));
          }
          ASSIGN_OR_RETURN(auto contributions,
                           store::GetProtos<v1::Contribution>(store_.raw(), contribution_keys));
          for (v1::Contribution& c : contributions) {
            const std::string key = keys::Contribution(c.name());
            const std::string before = c.SerializeAsString();
            if (request.erase_contributions() && c.state() != v1::CONTRIBUTION_STATE_ERASED) {
              c.set_state(v1::CONTRIBUTION_STATE_ERASED);
              c.clear_text();
              c.clear_approved_quote();
              c.clear_themes();
            } else if (!request.erase_contributions() &&
                       c.state() == v1::CONTRIBUTION_STATE_ACTIVE) {
              c.set_state(v1::CONTRIBUTION_STATE_WITHHELD);
            } else {
              continue;
            }
            c.set_etag(RandomId(kIdLength));
            write.ExpectValue(key, before).Set(key, c.SerializeAsString());
          }
        }

        v1::ConsentHistoryEntry entry;
        entry.set_type(withdrawn.empty() ? v1::HISTORY_EVENT_TYPE_ERASURE_REQUESTED
                                         : v1::HISTORY_EVENT_TYPE_CONSENT_WITHDRAWN);
        for (auto p : withdrawn) entry.add_purposes(p);
        entry.set_recorded_by_role(request.recorded_by_role());
        *entry.mutable_event_time() = ToTimestamp(now);
        entry.set_subject(receipt.name());
        entry.set_erasure_requested(request.erase_contributions());
        LinkEntry(&state.head, &entry);
        receipt.set_digest(entry.hash());

        write.Set(keys::Status(request.participant()), status.SerializeAsString())
            .Set(keys::Withdrawal(receipt.name()), receipt.SerializeAsString())
            .AppendWithSequence(keys::History(request.participant()), entry.SerializeAsString())
            .Outbox(keys::kOutbox, kinds::kConsentWithdrawn, receipt.name(),
                    receipt.SerializeAsString());
        if (!request.request_id().empty()) {
          write.Idempotent(request_key, fingerprint, receipt.SerializeAsString());
        }
        ASSIGN_OR_RETURN(store::Committer::Committed committed, committer_.Commit(write));
        if (committed.replayed) return replayed_receipt(committed);
        if (!committed.conflict_key.empty()) return std::nullopt;
        receipt.set_sequence(committed.sequence);
        return receipt;
      });
}

absl::StatusOr<v1::ConsentStatus> ConsentManager::GetConsentStatus(
    const v1::GetConsentStatusRequest& request) {
  RETURN_IF_ERROR(ParseName(request.participant(), kParticipantPattern, "participant").status());
  ASSIGN_OR_RETURN(ParticipantState state, store_.ReadState(request.participant()));
  const absl::CivilDay today = TodayUtc(clock_());
  for (auto& purpose : *state.status.mutable_purposes()) {
    if (purpose.state() != v1::CONSENT_STATE_GIVEN) continue;
    auto review = ToCivilDay(purpose.record().review_date(), "review_date");
    purpose.set_review_overdue(review.ok() && *review <= today);
  }
  return state.status;
}

absl::StatusOr<v1::CheckConsentResponse> ConsentManager::CheckConsent(
    const v1::CheckConsentRequest& request) {
  RETURN_IF_ERROR(ParseName(request.participant(), kParticipantPattern, "participant").status());
  if (request.purpose() == v1::PURPOSE_UNSPECIFIED || !v1::Purpose_IsValid(request.purpose())) {
    return InvalidField("purpose", "must be one of the consent purposes");
  }
  // One MULTI/EXEC snapshot: the state and the sequence it reflects are read together.
  ASSIGN_OR_RETURN(auto replies,
                   store_.raw().Pipeline({{"MULTI"},
                                          {"GET", keys::Status(request.participant())},
                                          {"GET", keys::kSequence},
                                          {"EXEC"}}));
  const store::Reply& exec = replies.back();
  if (exec.type != store::Reply::Type::kArray || exec.elements.size() != 2) {
    return absl::UnavailableError("consent store did not complete the read");
  }
  if (exec.elements[0].is_nil()) return NotFound(request.participant());
  v1::ConsentStatus status;
  if (!status.ParseFromString(exec.elements[0].str)) return absl::DataLossError("corrupt status");
  v1::CheckConsentResponse response;
  const v1::PurposeStatus* purpose = FindPurpose(status, request.purpose());
  response.set_state(purpose == nullptr ? v1::CONSENT_STATE_NOT_GIVEN : purpose->state());
  response.set_granted(response.state() == v1::CONSENT_STATE_GIVEN);
  int64_t sequence = 0;
  if (!exec.elements[1].is_nil() && absl::SimpleAtoi(exec.elements[1].str, &sequence)) {
    response.set_sequence(sequence);
  }
  return response;
}

absl::StatusOr<v1::ListConsentHistoryResponse> ConsentManager::ListConsentHistory(
    const v1::ListConsentHistoryRequest& request) {
  RETURN_IF_ERROR(ParseName(request.participant(), kParticipantPattern, "participant").status());
  ASSIGN_OR_RETURN(const int page_size, ResolvePageSize(request.page_size()));
  ASSIGN_OR_RETURN(const std::string cursor,
                   DecodePageToken(request.participant(), request.page_token()));
  int64_t start = 0;
  if (!cursor.empty() && (!absl::SimpleAtoi(cursor, &start) || start < 0)) {
    return InvalidField("page_token", "is corrupt");
  }
  ASSIGN_OR_RETURN(auto entries, store_.ReadHistory(request.participant(), start, page_size + 1));
  if (entries.empty() && start == 0) return NotFound(request.participant());
  v1::ListConsentHistoryResponse response;
  for (size_t i = 0; i < entries.size() && static_cast<int>(i) < page_size; ++i) {
    *response.add_entries() = std::move(entries[i]);
  }
  if (static_cast<int>(entries.size()) > page_size) {
    response.set_next_page_token(
        EncodePageToken(request.participant(), absl::StrCat(start + page_size)));
  }
  return response;
}

absl::StatusOr<v1::VerifyConsentHistoryResponse> ConsentManager::VerifyConsentHistory(
    const v1::VerifyConsentHistoryRequest& request) {
  RETURN_IF_ERROR(ParseName(request.participant(), kParticipantPattern, "participant").status());
  ASSIGN_OR_RETURN(auto entries, store_.ReadHistory(request.participant(), 0, -1));
  if (entries.empty()) return NotFound(request.participant());
  const ChainVerification verification = VerifyChain(entries);
  v1::VerifyConsentHistoryResponse response;
  response.set_valid(verification.valid);
  response.set_entries_checked(verification.entries_checked);
  response.set_first_invalid_index(verification.first_invalid_index);
  response.set_problem(verification.problem);
  response.set_head_hash(verification.head_hash);
  return response;
}

absl::StatusOr<v1::ListDueForReviewResponse> ConsentManager::ListDueForReview(
    const v1::ListDueForReviewRequest& request) {
  RETURN_IF_ERROR(ParseName(request.parent(), "charities/{charity}", "parent").status());
  ASSIGN_OR_RETURN(const int page_size, ResolvePageSize(request.page_size()));
  absl::CivilDay before = TodayUtc(clock_()) + 1;
  if (request.has_before()) {
    ASSIGN_OR_RETURN(before, ToCivilDay(request.before(), "before"));
  }
  const std::string scope = absl::StrCat(request.parent(), "|", DayNumber(before));
  ASSIGN_OR_RETURN(const std::string cursor, DecodePageToken(scope, request.page_token()));
  // The cursor is an offset into the (score, member)-ordered index: entries leave the index
  // only when re-confirmed or withdrawn, which is what a reviewer is doing page by page.
  int64_t offset = 0;
  if (!cursor.empty() && (!absl::SimpleAtoi(cursor, &offset) || offset < 0)) {
    return InvalidField("page_token", "is corrupt");
  }
  ASSIGN_OR_RETURN(store::Reply names,
                   store_.raw().Command({"ZRANGEBYSCORE", keys::Review(request.parent()), "-inf",
                                         absl::StrCat("(", DayNumber(before)), "LIMIT",
                                         absl::StrCat(offset), absl::StrCat(page_size + 1)}));
  std::vector<std::string> record_keys;
  for (size_t i = 0; i < names.elements.size() && static_cast<int>(i) < page_size; ++i) {
    record_keys.push_back(keys::Record(names.elements[i].str));
  }
  ASSIGN_OR_RETURN(auto records, store::GetProtos<v1::ConsentRecord>(store_.raw(), record_keys));
  v1::ListDueForReviewResponse response;
  for (auto& r : records) *response.add_consents() = std::move(r);
  if (static_cast<int>(names.elements.size()) > page_size) {
    response.set_next_page_token(EncodePageToken(scope, absl::StrCat(offset + page_size)));
  }
  return response;
}

absl::StatusOr<v1::ConsentWatermark> ConsentManager::GetConsentWatermark(
    const v1::GetConsentWatermarkRequest&) {
  ASSIGN_OR_RETURN(const int64_t sequence, store_.ReadSequence());
  v1::ConsentWatermark watermark;
  watermark.set_sequence(sequence);
  *watermark.mutable_observe_time() = ToTimestamp(clock_());
  return watermark;
}

}  // namespace bridging::consent
