// Every bridgectl command, one entry each: the public API a partner's daily work needs,
// grouped by who does it.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/common/status_macros.h"
#include "scripts/bridgectl/call_steps.h"
#include "scripts/bridgectl/command.h"
#include "scripts/bridgectl/importer.h"
#include "scripts/bridgectl/labels.h"
#include "scripts/bridgectl/presenters.h"
#include "scripts/bridgectl/proto_text.h"

namespace bridging::bridgectl {
namespace {

constexpr char kAdmin[] = "bridging.gateway.v1.AdminService/";
constexpr char kConsent[] = "bridging.consent.v1.ConsentService/";
constexpr char kContributions[] = "bridging.consent.v1.ContributionService/";
constexpr char kActions[] = "bridging.actions.v1.ActionPlanService/";
constexpr char kAnalytics[] = "bridging.analytics.v1.AnalyticsService/";

std::string M(const char* service, const char* method) { return std::string(service) + method; }

const std::map<std::string, std::string> kAllPages = {{"page_size", "100"}};

// The action fields both create and update take, as options.
std::vector<Option> ActionFieldOptions(bool for_create) {
  return {
      {"title", "action.title", "what will change, 1-200 characters", false, for_create},
      {"description", "action.description", "more detail, up to 4,000 characters"},
      {"principle", "action.principle",
       "safety, trustworthiness-transparency, peer-support, collaboration-mutuality, "
       "empowerment-voice-choice, cultural-historical-gender"},
      {"area", "action.area",
       "access-registration, appointments, reception-environment, staff-training, "
       "clinical-care, communication, partnership"},
      {"status", "action.status", "planned, in-progress, done, blocked, dropped"},
      {"owner-role", "action.owner_role", "the role that owns it, e.g. \"practice manager\""},
      {"due", "action.due_date", "due date, e.g. 2027-03-31"},
      {"completed", "action.completion_date", "when it was done (default: today when done)"},
      {"source", "action.source", "co-production-group, patient-feedback, staff, audit"},
      {"co-produced", "action.co_produced", "yes if shaped with the co-production group"},
      {"by", "actor_role", "your role, for the history (never a name)"},
  };
}

// UpdateAction: the mask is the options given; the etag is the one just read, unless given.
absl::Status PrepareActionUpdate(Invocation& call) {
  std::vector<std::string> paths;
  for (const Option& option : ActionFieldOptions(false)) {
    if (call.Has(option.name) && option.field != "actor_role") {
      paths.push_back(std::string(absl::StripPrefix(option.field, "action.")));
    }
  }
  if (paths.empty()) {
    return absl::InvalidArgumentError("give at least one field to change, e.g. --status done");
  }
  absl::Status status =
      SetField(*call.request, "update_mask", absl::StrJoin(paths, ","), "update_mask", call.now);
  if (!status.ok()) return status;
  if (call.Has("etag")) return absl::OkStatus();
  return FillEtagFromGet(call, M(kActions, "GetAction"), "action.name", "etag");
}

// --filter status=done,blocked: the dimension and its labels, enum values in full.
absl::Status PrepareQueryFilters(Invocation& call) {
  auto it = call.options.find("filter");
  if (it == call.options.end()) return absl::OkStatus();
  google::protobuf::Message& request = *call.request;
  const auto* filters = request.GetDescriptor()->FindFieldByName("filters");
  for (const std::string& filter : it->second) {
    std::pair<std::string, std::string> parts = absl::StrSplit(filter, absl::MaxSplits('=', 1));
    if (parts.second.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--filter: \"", filter, "\" is not DIMENSION=VALUE[,VALUE...]"));
    }
    google::protobuf::Message* entry = request.GetReflection()->AddMessage(&request, filters);
    RETURN_IF_ERROR(SetField(*entry, "dimension", parts.first, "--filter", call.now));
    const std::string dimension = FieldText(*entry, "dimension");
    const google::protobuf::EnumDescriptor* labels = LabelEnum(dimension);
    for (absl::string_view value : absl::StrSplit(parts.second, ',', absl::SkipWhitespace())) {
      std::string label(absl::StripAsciiWhitespace(value));
      if (labels != nullptr) {
        absl::StatusOr<const google::protobuf::EnumValueDescriptor*> parsed =
            ParseEnum(*labels, label);
        if (!parsed.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat("--filter ", dimension, ": ", parsed.status().message()));
        }
        label = (*parsed)->name();
      }
      RETURN_IF_ERROR(SetField(*entry, "values", label, "--filter", call.now));
    }
  }
  return absl::OkStatus();
}

std::vector<Command> Build() {
  std::vector<Command> c;
  // --- Everyone -----------------------------------------------------------------------------
  c.push_back(
      {"whoami", "", "any", "show the organisation and role of your key", M(kAdmin, "WhoAmI")});
  c.push_back({"call",
               "",
               "any",
               "call any method with a JSON request (prints JSON)",
               "",
               {{"METHOD", "", NameKind::kName, "package.Service/Method"},
                {"JSON", "", NameKind::kName, "the request (default: read from stdin)"}}});
  c.back().run = RunRawCall;

  // --- Operators: organisations, keys, audit --------------------------------------------------
  c.push_back(
      {"orgs",
       "create",
       "operator",
       "register a partner organisation",
       M(kAdmin, "CreateOrganization"),
       {{"NAME", "organization.name", NameKind::kName,
         "charities/ID, practices/ID, researchers/ID or operators/ID"}},
       {{"display-name", "organization.display_name", "the name people see", false, true}}});
  c.push_back({"orgs",
               "get",
               "operator",
               "show one organisation",
               M(kAdmin, "GetOrganization"),
               {{"NAME", "name"}}});
  c.push_back({"orgs",
               "list",
               "operator",
               "list organisations",
               M(kAdmin, "ListOrganizations"),
               {},
               {{"role", "role", "only this kind: charity, practice, researcher, admin"}},
               kAllPages,
               {"name", "display_name", "role", "create_time"}});
  c.push_back({"keys",
               "create",
               "operator",
               "issue an API key for an organisation (the secret is shown once)",
               M(kAdmin, "CreateApiKey"),
               {{"ORG", "parent"}},
               {{"role", "api_key.role", "charity, practice, researcher or admin", false, true},
                {"display-name", "api_key.display_name",
                 "what the key is for, e.g. \"reception PC\"", false, true},
                {"expires", "api_key.expire_time",
                 "when it stops working: 30d, or 2027-06-30 (default 90d)"}},
               {{"api_key.expire_time", "90d"}}});
  c.back().present = PresentNewKey;
  c.push_back(
      {"keys",
       "list",
       "operator",
       "list an organisation's keys (never their secrets)",
       M(kAdmin, "ListApiKeys"),
       {{"ORG", "parent", NameKind::kOwnOrg}},
       {{"all", "show_inactive", "include revoked and expired keys", true}},
       kAllPages,
       {"name", "display_name", "role", "state", "key_prefix", "expire_time", "last_use_time"}});
  c.push_back({"keys",
               "revoke",
               "operator",
               "revoke a key at once",
               M(kAdmin, "RevokeApiKey"),
               {{"KEY", "name", NameKind::kName, "ORG/apiKeys/ID"}}});
  c.push_back({"audit",
               "list",
               "any",
               "who called what, when, and the outcome (operators may give -: everyone)",
               M(kAdmin, "ListAuditEvents"),
               {{"ORG", "parent", NameKind::kOwnOrg}},
               {{"method", "method", "only calls of this method"},
                {"writes", "mutating_only", "only calls that change something", true},
                {"since", "start_time", "from this time: 2026-11-01, or -24h for the last day"},
                {"until", "end_time", "up to this time"}},
               kAllPages,
               {"sequence", "event_time", "caller_organization", "caller_role", "method",
                "resource", "outcome_code", "latency"}});

  // --- The charity: participants, consent, contributions ------------------------------------
  c.push_back({"participants",
               "create",
               "charity",
               "add a participant (no names: a reference)",
               M(kConsent, "CreateParticipant"),
               {},
               {{"reference", "participant.charity_reference", "your own reference, e.g. SF-013",
                 false, true},
                {"alias", "participant.alias", "an optional first name or nickname she chose"},
                {"charity", "parent", "the charity (default: yours)"}}});
  c.back().prepare = DefaultParentToCaller;
  c.push_back({"participants",
               "list",
               "charity",
               "list participants",
               M(kConsent, "ListParticipants"),
               {{"CHARITY", "parent", NameKind::kOwnOrg}},
               {},
               kAllPages,
               {"name", "charity_reference", "alias", "create_time"}});
  c.push_back({"participants",
               "get",
               "charity",
               "show one participant",
               M(kConsent, "GetParticipant"),
               {{"PARTICIPANT", "name", NameKind::kParticipant}}});
  c.push_back(
      {"consent",
       "record",
       "charity",
       "record consent for one purpose",
       M(kConsent, "RecordConsent"),
       {{"PARTICIPANT", "participant", NameKind::kParticipant}},
       {{"purpose", "purpose",
         "group-participation, research-use, quotation, share-with-practice, contact", false, true},
        {"method", "method", "verbal, written or digital", false, true},
        {"by", "recorded_by_role", "your role, e.g. \"support worker\" (never a name)", false,
         true},
        {"review", "review_date", "when to check it again, e.g. 2027-05-01"}}});
  c.push_back(
      {"consent",
       "withdraw",
       "charity",
       "withdraw consent at once and print the receipt",
       M(kConsent, "WithdrawConsent"),
       {{"PARTICIPANT", "participant", NameKind::kParticipant}},
       {{"purpose", "purposes", "the purposes withdrawn (repeat or comma-separate)", false, true,
         true},
        {"erase", "erase_contributions", "also erase her contributions from research data", true},
        {"by", "recorded_by_role", "your role (never a name)", false, true}}});
  c.back().present = PresentWithdrawalReceipt;
  c.push_back({"consent",
               "status",
               "charity",
               "current consent for every purpose",
               M(kConsent, "GetConsentStatus"),
               {{"PARTICIPANT", "participant", NameKind::kParticipant}},
               {},
               {},
               {"purpose", "state", "record.method", "record.given_time", "record.review_date",
                "review_overdue"}});
  c.push_back(
      {"consent",
       "history",
       "charity",
       "every consent event, oldest first",
       M(kConsent, "ListConsentHistory"),
       {{"PARTICIPANT", "participant", NameKind::kParticipant}},
       {},
       kAllPages,
       {"index", "type", "purposes", "method", "recorded_by_role", "event_time", "sequence"}});
  c.push_back({"consent",
               "verify",
               "charity",
               "check the history's hash chain is intact",
               M(kConsent, "VerifyConsentHistory"),
               {{"PARTICIPANT", "participant", NameKind::kParticipant}}});
  c.back().present = PresentVerification;
  c.push_back({"consent",
               "due",
               "charity",
               "consents due for review",
               M(kConsent, "ListDueForReview"),
               {{"CHARITY", "parent", NameKind::kOwnOrg}},
               {{"before", "before", "due before this date (default: today)"}},
               kAllPages,
               {"name", "purpose", "method", "given_time", "review_date"}});
  c.push_back(
      {"contributions",
       "submit",
       "charity",
       "add a note, interview or feedback",
       M(kContributions, "SubmitContribution"),
       {{"PARTICIPANT", "parent", NameKind::kParticipant}},
       {{"source", "contribution.source_type",
         "reflective-note, interview, meeting-observation, feedback", false, true},
        {"text", "contribution.text", "what she said (redacted before it is shared)", false, true},
        {"theme", "contribution.themes", "principles it speaks to (repeat or a,b)", false, false,
         true},
        {"occurred", "contribution.occurred_on", "when, e.g. 2026-11-03"},
        {"practice", "contribution.practice", "the practice it is about, if any"}}});
  c.push_back({"contributions",
               "list",
               "charity",
               "a participant's contributions",
               M(kContributions, "ListContributions"),
               {{"PARTICIPANT", "parent", NameKind::kParticipant}},
               {},
               kAllPages,
               {"name", "source_type", "themes", "state", "occurred_on", "text"}});
  c.push_back({"contributions",
               "retract",
               "charity",
               "take a contribution back out of research",
               M(kContributions, "RetractContribution"),
               {{"CONTRIBUTION", "name"}}});
  c.push_back({"contributions",
               "approve-quote",
               "charity",
               "approve an exact quotation she agreed to",
               M(kContributions, "ApproveQuote"),
               {{"CONTRIBUTION", "name"}},
               {{"quote", "quote", "the words approved, as they will appear", false, true}}});
  c.push_back({"report",
               "",
               "charity",
               "what has been done with a participant's data",
               M(kContributions, "GetDataUseReport"),
               {{"PARTICIPANT", "participant", NameKind::kParticipant}}});

  // --- Practices: plans and actions ------------------------------------------------------------
  c.push_back({"plans",
               "create",
               "practice",
               "start an action plan",
               M(kActions, "CreatePlan"),
               {},
               {{"title", "plan.title", "e.g. \"Trauma-informed care 2027\"", false, true},
                {"description", "plan.description", "what the plan is for"},
                {"practice", "parent", "the practice (default: yours)"}}});
  c.back().prepare = DefaultParentToCaller;
  c.push_back({"plans",
               "list",
               "practice",
               "list plans (yours, or shared with your charity)",
               M(kActions, "ListPlans"),
               {{"PRACTICE", "parent", NameKind::kOwnOrg}},
               {},
               kAllPages,
               {"name", "title", "shared_with", "update_time"}});
  c.push_back({"plans",
               "get",
               "practice",
               "show a plan",
               M(kActions, "GetPlan"),
               {{"PLAN", "name", NameKind::kPlan}}});
  c.push_back({"plans",
               "summary",
               "practice",
               "actions by status and principle, overdue items",
               M(kActions, "GetPlanSummary"),
               {{"PLAN", "name", NameKind::kPlan}}});
  c.push_back({"plans",
               "share",
               "practice",
               "let a charity read the plan",
               M(kActions, "SharePlan"),
               {{"PLAN", "name", NameKind::kPlan}},
               {{"with", "charity", "the charity, e.g. charities/sunflower", false, true}}});
  c.push_back({"plans",
               "unshare",
               "practice",
               "stop sharing the plan with a charity",
               M(kActions, "UnsharePlan"),
               {{"PLAN", "name", NameKind::kPlan}},
               {{"with", "charity", "the charity", false, true}}});
  c.push_back({"actions",
               "create",
               "practice",
               "add an action to a plan",
               M(kActions, "CreateAction"),
               {{"PLAN", "parent", NameKind::kPlan}},
               ActionFieldOptions(true)});
  c.push_back(
      {"actions",
       "list",
       "practice",
       "a plan's actions",
       M(kActions, "ListActions"),
       {{"PLAN", "parent", NameKind::kPlan}},
       {{"status", "status", "only this status"},
        {"principle", "principle", "only this principle"},
        {"area", "area", "only this area"},
        {"overdue", "overdue", "only overdue actions", true}},
       kAllPages,
       {"name", "title", "principle", "area", "status", "owner_role", "due_date", "overdue"}});
  c.push_back({"actions",
               "get",
               "practice",
               "show an action with its progress notes",
               M(kActions, "GetAction"),
               {{"ACTION", "name"}}});
  {
    std::vector<Option> options = ActionFieldOptions(false);
    options.push_back({"etag", "etag", "the version you read (default: the current one)"});
    c.push_back({"actions",
                 "update",
                 "practice",
                 "change an action's fields or status",
                 M(kActions, "UpdateAction"),
                 {{"ACTION", "action.name"}},
                 options});
    c.back().prepare = PrepareActionUpdate;
  }
  c.push_back(
      {"actions",
       "note",
       "practice",
       "add a progress note",
       M(kActions, "AddProgressNote"),
       {{"ACTION", "name"}},
       {{"text", "text", "what happened, 1-2,000 characters", false, true},
        {"by", "author_role", "your role, e.g. \"reception lead\" (never a name)", false, true}}});
  c.push_back({"actions",
               "history",
               "practice",
               "every change to an action",
               M(kActions, "ListActionHistory"),
               {{"ACTION", "name"}},
               {},
               kAllPages,
               {"index", "type", "actor_role", "event_time", "changed_fields", "previous_status",
                "new_status", "summary"}});

  // --- Researchers: de-identified aggregates only ----------------------------------------------
  c.push_back(
      {"query",
       "run",
       "researcher",
       "count contributions, actions or consents by dimensions (small numbers withheld)",
       M(kAnalytics, "Query"),
       {{"TEAM", "parent", NameKind::kOwnOrg}},
       {{"dataset", "dataset", "contributions, actions or consent", false, true},
        {"group-by", "group_by",
         "theme, source-type, month, practice, principle, area, status, action-source, "
         "co-produced, purpose, consent-state",
         false, true, true},
        {"filter", "", "DIMENSION=VALUE[,VALUE], e.g. status=done or practice=practices/riverside",
         false, false, true},
        {"measure", "measure", "count (default) or median-days-to-done"},
        {"from", "from_month", "first month, e.g. 2026-01"},
        {"to", "to_month", "last month"}},
       {{"measure", "count"}}});
  c.back().prepare = PrepareQueryFilters;
  c.back().present = PresentAggregate;
  c.push_back({"query",
               "matrix",
               "researcher",
               "the framework matrix: themes by source type",
               M(kAnalytics, "GetFrameworkMatrix"),
               {{"TEAM", "parent", NameKind::kOwnOrg}},
               {{"from", "from_month", "first month"},
                {"to", "to_month", "last month"},
                {"practice", "practice", "one practice only"}}});
  c.back().present = PresentAggregate;
  c.push_back({"query",
               "quotes",
               "researcher",
               "approved quotations, by theme",
               M(kAnalytics, "ListQuotes"),
               {{"TEAM", "parent", NameKind::kOwnOrg}},
               {{"theme", "theme", "the principle (theme) the quotations speak to", false, true}},
               kAllPages,
               {"themes", "source_type", "month", "text"}});
  c.push_back({"query",
               "budget",
               "researcher",
               "the team's privacy budget (epsilon) left",
               M(kAnalytics, "GetPrivacyBudget"),
               {{"TEAM", "parent", NameKind::kOwnOrg}}});

  // --- Bulk import -----------------------------------------------------------------------------
  c.push_back({"import",
               "participants",
               "charity",
               "add participants and their consents from a CSV file (safe to re-run)",
               "",
               {{"FILE", ""}},
               {{"charity", "", "the charity (default: yours)"},
                {"dry-run", "", "check the file, change nothing", true}}});
  c.back().run = ImportParticipants;
  c.push_back({"import",
               "actions",
               "practice",
               "add actions to a plan from a CSV file (safe to re-run)",
               "",
               {{"PLAN", "", NameKind::kPlan}, {"FILE", ""}},
               {{"dry-run", "", "check the file, change nothing", true}}});
  c.back().run = ImportActions;
  return c;
}

}  // namespace

const std::vector<Command>& Commands() {
  static const std::vector<Command>* commands = new std::vector<Command>(Build());
  return *commands;
}

}  // namespace bridging::bridgectl
