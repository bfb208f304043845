// Implements ContributionService domain logic over ParticipantStore.
#include "services/consent/contribution_manager.h"

#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/common/crypto.h"
#include "libs/common/errors.h"
#include "libs/common/idempotency.h"
#include "libs/common/page_token.h"
#include "libs/common/proto_time.h"
#include "libs/common/resource_name.h"
#include "libs/common/status_macros.h"
#include "libs/common/text.h"
#include "services/consent/consent_manager.h"

namespace bridging::consent {
namespace {

constexpr int kIdLength = 12;
constexpr size_t kMaxTextChars = 20000;
constexpr size_t kMaxQuoteChars = 2000;
constexpr char kContributionPattern[] =
    "charities/{charity}/participants/{participant}/contributions/{contribution}";

bool Active(const v1::ConsentStatus& status, v1::Purpose purpose) {
  const v1::PurposeStatus* p = FindPurpose(status, purpose);
  return p != nullptr && p->state() == v1::CONSENT_STATE_GIVEN;
}

std::string ParticipantOf(const std::string& contribution) {
  return contribution.substr(0, contribution.find("/contributions/"));
}

std::string Day(const google::protobuf::Timestamp& ts) {
  return absl::FormatTime("%e %B %Y", FromTimestamp(ts), absl::UTCTimeZone());
}

std::string PurposeInWords(v1::Purpose purpose) {
  switch (purpose) {
    case v1::PURPOSE_GROUP_PARTICIPATION:
      return "taking part in the co-production group";
    case v1::PURPOSE_RESEARCH_USE:
      return "your notes and interviews being used in research";
    case v1::PURPOSE_QUOTATION:
      return "being quoted anonymously";
    case v1::PURPOSE_SHARE_WITH_PRACTICE:
      return "sharing with your GP practice";
    case v1::PURPOSE_CONTACT:
      return "being contacted by the charity";
    default:
      return "an unknown purpose";
  }
}

}  // namespace

ContributionManager::ContributionManager(store::Store& store, Clock clock,
                                         AnalyticsUsage* analytics)
    : store_(store),
      committer_(store, keys::kSequence),
      clock_(std::move(clock)),
      analytics_(analytics) {}

absl::StatusOr<v1::Contribution> ContributionManager::SubmitContribution(
    const v1::SubmitContributionRequest& request, const auth::Principal& caller) {
  RETURN_IF_ERROR(ParseName(request.parent(), kParticipantPattern, "parent").status());
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const v1::Contribution& input = request.contribution();
  if (input.source_type() == v1::SOURCE_TYPE_UNSPECIFIED ||
      !v1::SourceType_IsValid(input.source_type())) {
    return InvalidField("contribution.source_type", "must be one of the source types");
  }
  TextLimits text_limits;
  text_limits.max_chars = kMaxTextChars;
  text_limits.required = true;
  text_limits.allow_newlines = true;
  RETURN_IF_ERROR(CheckText("contribution.text", input.text(), text_limits));
  std::set<int> themes;
  for (int theme : input.themes()) {
    if (theme == common::v1::PRINCIPLE_UNSPECIFIED || !common::v1::Principle_IsValid(theme)) {
      return InvalidField("contribution.themes", "holds a value that is not a principle");
    }
    themes.insert(theme);
  }
  const absl::Time now = clock_();
  if (input.has_occurred_on()) {
    ASSIGN_OR_RETURN(absl::CivilDay day,
                     ToCivilDay(input.occurred_on(), "contribution.occurred_on"));
    if (day > TodayUtc(now)) return InvalidField("contribution.occurred_on", "is in the future");
  }
  if (!input.practice().empty()) {
    RETURN_IF_ERROR(
        ParseName(input.practice(), "practices/{practice}", "contribution.practice").status());
  }

  const std::string request_key =
      IdempotencyKey(keys::kPrefix, caller.organization, request.request_id());
  const std::string fingerprint = RequestFingerprint("SubmitContribution", request);
  ASSIGN_OR_RETURN(auto replay, committer_.FindReplay(request_key, fingerprint));
  if (replay.has_value()) return store::ParseStored<v1::Contribution>(replay->response);

  return store::RetryOnConflict<v1::Contribution>(
      [&]() -> absl::StatusOr<std::optional<v1::Contribution>> {
        ASSIGN_OR_RETURN(ParticipantState state, store_.ReadState(request.parent()));
        if (!Active(state.status, v1::PURPOSE_RESEARCH_USE)) {
          return Precondition(request.parent(),
                              "has no active RESEARCH_USE consent; contributions are accepted only "
                              "while it is given");
        }
        const std::string id = RandomId(kIdLength);
        v1::Contribution contribution;
        contribution.set_name(absl::StrCat(request.parent(), "/contributions/", id));
        contribution.set_source_type(input.source_type());
        contribution.set_text(input.text());
        for (int theme : themes) contribution.add_themes(static_cast<common::v1::Principle>(theme));
        if (input.has_occurred_on()) *contribution.mutable_occurred_on() = input.occurred_on();
        contribution.set_practice(input.practice());
        contribution.set_state(v1::CONTRIBUTION_STATE_ACTIVE);
        *contribution.mutable_create_time() = ToTimestamp(now);
        // Released to the outbox now, for de-identified sharing onward.
        *contribution.mutable_share_time() = ToTimestamp(now);
        contribution.set_etag(RandomId(kIdLength));

        store::AtomicWrite write;
        // The consent state is a precondition: a withdrawal that lands first makes this retry
        // and then refuse, so nothing is ever shared after a withdrawal.
        write.ExpectValue(keys::Status(request.parent()), state.status_bytes)
            .ExpectValue(keys::ContributionVersion(request.parent()), state.contributions_version)
            .Set(keys::ContributionVersion(request.parent()), RandomId(kIdLength))
            .Set(keys::Contribution(contribution.name()), contribution.SerializeAsString())
            .ZAdd(keys::ContributionIndex(request.parent()), 0, id)
            .Outbox(keys::kOutbox, kinds::kContributionSubmitted, contribution.name(),
                    contribution.SerializeAsString());
        if (!request.request_id().empty()) {
          write.Idempotent(request_key, fingerprint, contribution.SerializeAsString());
        }
        ASSIGN_OR_RETURN(store::Committer::Committed committed, committer_.Commit(write));
        if (committed.replayed) return store::ParseStored<v1::Contribution>(committed.response);
        if (!committed.conflict_key.empty()) return std::nullopt;
        return contribution;
      });
}

absl::StatusOr<v1::ListContributionsResponse> ContributionManager::ListContributions(
    const v1::ListContributionsRequest& request) {
  RETURN_IF_ERROR(ParseName(request.parent(), kParticipantPattern, "parent").status());
  ASSIGN_OR_RETURN(const int page_size, ResolvePageSize(request.page_size()));
  ASSIGN_OR_RETURN(const std::string cursor,
                   DecodePageToken(request.parent(), request.page_token()));
  RETURN_IF_ERROR(store_.ReadState(request.parent()).status());  // NOT_FOUND for unknown people
  ASSIGN_OR_RETURN(store::Reply ids,
                   store_.raw().Command({"ZRANGEBYLEX", keys::ContributionIndex(request.parent()),
                                         cursor.empty() ? "-" : absl::StrCat("(", cursor), "+",
                                         "LIMIT", "0", absl::StrCat(page_size + 1)}));
  std::vector<std::string> contribution_keys;
  for (size_t i = 0; i < ids.elements.size() && static_cast<int>(i) < page_size; ++i) {
    contribution_keys.push_back(
        keys::Contribution(absl::StrCat(request.parent(), "/contributions/", ids.elements[i].str)));
  }
  ASSIGN_OR_RETURN(auto contributions,
                   store::GetProtos<v1::Contribution>(store_.raw(), contribution_keys));
  v1::ListContributionsResponse response;
  for (auto& c : contributions) *response.add_contributions() = std::move(c);
  if (static_cast<int>(ids.elements.size()) > page_size) {
    response.set_next_page_token(
        EncodePageToken(request.parent(), ids.elements[page_size - 1].str));
  }
  return response;
}

absl::StatusOr<v1::Contribution> ContributionManager::ChangeContribution(
    const std::string& name, const std::string& etag, const std::string& request_id,
    const std::string& method, const google::protobuf::Message& request,
    const auth::Principal& caller, const std::string& outbox_kind,
    const std::function<absl::Status(const v1::ConsentStatus&, v1::Contribution*)>& change) {
  RETURN_IF_ERROR(ParseName(name, kContributionPattern, "name").status());
  RETURN_IF_ERROR(ValidateRequestId(request_id));
  const std::string participant = ParticipantOf(name);
  const std::string request_key = IdempotencyKey(keys::kPrefix, caller.organization, request_id);
  const std::string fingerprint = RequestFingerprint(method, request);
  ASSIGN_OR_RETURN(auto replay, committer_.FindReplay(request_key, fingerprint));
  if (replay.has_value()) return store::ParseStored<v1::Contribution>(replay->response);
  return store::RetryOnConflict<v1::Contribution>(
      [&]() -> absl::StatusOr<std::optional<v1::Contribution>> {
        ASSIGN_OR_RETURN(ParticipantState state, store_.ReadState(participant));
        ASSIGN_OR_RETURN(
            v1::Contribution contribution,
            store::GetProto<v1::Contribution>(store_.raw(), keys::Contribution(name), name));
        const std::string before = contribution.SerializeAsString();
        if (!etag.empty() && etag != contribution.etag()) return StaleEtag(name);
        RETURN_IF_ERROR(change(state.status, &contribution));
        contribution.set_etag(RandomId(kIdLength));
        store::AtomicWrite write;
        write.ExpectValue(keys::Status(participant), state.status_bytes)
            .ExpectValue(keys::Contribution(name), before)
            .Set(keys::Contribution(name), contribution.SerializeAsString())
            .Outbox(keys::kOutbox, outbox_kind, name, contribution.SerializeAsString());
        if (!request_id.empty()) {
          write.Idempotent(request_key, fingerprint, contribution.SerializeAsString());
        }
        ASSIGN_OR_RETURN(store::Committer::Committed committed, committer_.Commit(write));
        if (committed.replayed) return store::ParseStored<v1::Contribution>(committed.response);
        if (!committed.conflict_key.empty()) {
          // A concurrent change to the contribution itself defeats a caller-supplied etag.
          if (!etag.empty() && committed.conflict_key == keys::Contribution(name)) {
            return StaleEtag(name);
          }
          return std::nullopt;
        }
        return contribution;
      });
}

absl::StatusOr<v1::Contribution> ContributionManager::RetractContribution(
    const v1::RetractContributionRequest& request, const auth::Principal& caller) {
  return ChangeContribution(request.name(), request.etag(), request.request_id(),
                            "RetractContribution", request, caller, kinds::kContributionRetracted,
                            [&](const v1::ConsentStatus&, v1::Contribution* c) -> absl::Status {
                              if (c->state() == v1::CONTRIBUTION_STATE_RETRACTED) {
                                return Precondition(request.name(), "is already retracted");
                              }
                              if (c->state() == v1::CONTRIBUTION_STATE_ERASED) {
                                return Precondition(request.name(),
                                                    "was erased; there is nothing left to retract");
                              }
                              c->set_state(v1::CONTRIBUTION_STATE_RETRACTED);
                              c->clear_approved_quote();
                              c->clear_quote_approve_time();
                              return absl::OkStatus();
                            });
}

absl::StatusOr<v1::Contribution> ContributionManager::ApproveQuote(
    const v1::ApproveQuoteRequest& request, const auth::Principal& caller) {
  TextLimits limits;
  limits.max_chars = kMaxQuoteChars;
  limits.required = true;
  limits.allow_newlines = true;
  RETURN_IF_ERROR(CheckText("quote", request.quote(), limits));
  RETURN_IF_ERROR(RejectPersonalIdentifiers("quote", request.quote()));
  const absl::Time now = clock_();
  return ChangeContribution(
      request.name(), request.etag(), request.request_id(), "ApproveQuote", request, caller,
      kinds::kQuoteApproved,
      [&](const v1::ConsentStatus& status, v1::Contribution* c) -> absl::Status {
        if (c->state() != v1::CONTRIBUTION_STATE_ACTIVE) {
          return Precondition(request.name(), "is not active, so it cannot be quoted");
        }
        if (!Active(status, v1::PURPOSE_QUOTATION)) {
          return Precondition(request.name(),
                              "the participant has no active QUOTATION consent; record it first");
        }
        c->set_approved_quote(request.quote());
        *c->mutable_quote_approve_time() = ToTimestamp(now);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::DataUseReport> ContributionManager::GetDataUseReport(
    const v1::GetDataUseReportRequest& request) {
  RETURN_IF_ERROR(ParseName(request.participant(), kParticipantPattern, "participant").status());
  ASSIGN_OR_RETURN(auto history, store_.ReadHistory(request.participant(), 0, -1));
  if (history.empty()) return NotFound(request.participant());
  std::vector<std::string> record_keys, receipt_keys;
  // A stored receipt predates its sequence number; the history entry carries it.
  std::map<std::string, int64_t> receipt_sequences;
  for (const auto& entry : history) {
    if (entry.type() == v1::HISTORY_EVENT_TYPE_CONSENT_GIVEN) {
      record_keys.push_back(keys::Record(entry.subject()));
    } else if (entry.type() == v1::HISTORY_EVENT_TYPE_CONSENT_WITHDRAWN ||
               entry.type() == v1::HISTORY_EVENT_TYPE_ERASURE_REQUESTED) {
      receipt_keys.push_back(keys::Withdrawal(entry.subject()));
      receipt_sequences[entry.subject()] = entry.sequence();
    }
  }
  ASSIGN_OR_RETURN(auto records, store::GetProtos<v1::ConsentRecord>(store_.raw(), record_keys));
  ASSIGN_OR_RETURN(auto receipts,
                   store::GetProtos<v1::WithdrawalReceipt>(store_.raw(), receipt_keys));
  v1::ListContributionsRequest list;
  list.set_parent(request.participant());
  list.set_page_size(1000);
  v1::DataUseReport report;
  report.set_participant(request.participant());
  *report.mutable_generate_time() = ToTimestamp(clock_());
  report.set_research_queries_counted(-1);
  do {
    ASSIGN_OR_RETURN(v1::ListContributionsResponse page, ListContributions(list));
    for (const auto& c : page.contributions()) {
      report.set_contributions_total(report.contributions_total() + 1);
      if (c.has_share_time()) report.set_contributions_shared(report.contributions_shared() + 1);
      if (c.state() == v1::CONTRIBUTION_STATE_ERASED) {
        report.set_contributions_erased(report.contributions_erased() + 1);
      }
    }
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());

  auto& summary = *report.mutable_summary();
  for (auto& record : records) {
    std::string line = absl::StrCat("On ", Day(record.given_time()), " you agreed to ",
                                    PurposeInWords(record.purpose()), ".");
    if (record.state() == v1::CONSENT_STATE_WITHDRAWN) {
      absl::StrAppend(&line, " You withdrew this on ", Day(record.withdraw_time()), ".");
    } else if (!record.superseded_by().empty()) {
      absl::StrAppend(&line, " You later confirmed it again.");
    }
    summary.Add(std::move(line));
    *report.add_consents() = std::move(record);
  }
  summary.Add(absl::StrCat(
      "You have shared ", report.contributions_total(),
      " note(s) or interview(s) with the charity. ", report.contributions_shared(),
      " were released, with names and details removed, for research.",
      report.contributions_erased() > 0
          ? absl::StrCat(" ", report.contributions_erased(), " were erased at your request.")
          : ""));
  // What analytics says. Unknown while it (or the anonymizer, which makes the pseudonym it
  // is asked about) cannot be reached: the report then says so rather than guessing.
  std::optional<analytics::v1::ParticipantUsage> usage;
  std::optional<int64_t> applied_sequence;
  if (analytics_ != nullptr) {
    absl::StatusOr<analytics::v1::ParticipantUsage> asked =
        analytics_->ParticipantUsage(request.participant());
    if (asked.ok()) usage = *std::move(asked);
    if (!receipts.empty()) {
      absl::StatusOr<int64_t> applied = analytics_->AppliedConsentSequence();
      if (applied.ok()) applied_sequence = *applied;
    }
  }
  if (usage.has_value()) report.set_research_queries_counted(usage->queries_counted());

  for (auto& receipt : receipts) {
    receipt.set_sequence(receipt_sequences[receipt.name()]);
    v1::WithdrawalApplication consent_applied;
    consent_applied.set_service("consent");
    consent_applied.set_applied(true);
    *consent_applied.mutable_apply_time() = receipt.withdraw_time();
    *report.add_applications() = consent_applied;

    v1::WithdrawalApplication analytics_applied;
    analytics_applied.set_service("analytics");
    if (usage.has_value()) {
      for (const auto& applied : usage->withdrawals()) {
        if (applied.sequence() != receipt.sequence() || receipt.sequence() <= 0) continue;
        analytics_applied.set_applied(true);
        *analytics_applied.mutable_apply_time() = applied.apply_time();
      }
    }
    if (applied_sequence.has_value() && receipt.sequence() > 0 &&
        *applied_sequence >= receipt.sequence()) {
      analytics_applied.set_applied(true);
    }
    receipt.set_analytics_applied(analytics_applied.applied());
    *report.add_applications() = analytics_applied;

    summary.Add(absl::StrCat("On ", Day(receipt.withdraw_time()),
                             " the charity recorded your withdrawal straight away",
                             receipt.erasure_requested() ? ", and your request to erase what "
                                                           "you shared"
                                                         : "",
                             ". Receipt: ", receipt.digest().substr(0, 16), "."));
    if (analytics_applied.applied()) {
      summary.Add(absl::StrCat("The research service has applied this withdrawal",
                               analytics_applied.has_apply_time()
                                   ? absl::StrCat(" (on ", Day(analytics_applied.apply_time()), ")")
                                   : "",
                               ": no research answer counts you for it any more."));
    } else if (applied_sequence.has_value()) {
      summary.Add(
          "The research service has not confirmed this withdrawal yet; until it does, it "
          "answers no research questions at all.");
    } else {
      summary.Add(
          "The research service could not be reached just now to confirm this withdrawal; "
          "until it confirms it, it answers no research questions at all.");
    }
    *report.add_withdrawals() = std::move(receipt);
  }
  if (!usage.has_value()) {
    summary.Add(
        "The research service could not be reached just now, so we cannot say how many "
        "research questions counted you; researchers only ever see totals of more than seven "
        "people, never anything about you alone.");
  } else if (usage->queries_counted() == 0) {
    summary.Add(
        "No research question has counted you so far; researchers only ever see totals of "
        "more than seven people, never anything about you alone.");
  } else {
    summary.Add(absl::StrCat(
        "Research questions have counted you ", usage->queries_counted(),
        " time(s), always inside totals of more than seven people, never anything about you "
        "alone."));
  }
  return report;
}

}  // namespace bridging::consent
