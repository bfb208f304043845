// Implements the CSV imports: read and check every row first, then write row by row with a
// progress bar, stopping early only when the gateway itself is unreachable or refuses the key.
#include "scripts/bridgectl/importer.h"

#include <fstream>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "bridging/actions/v1/actions.pb.h"
#include "bridging/consent/v1/consent.pb.h"
#include "libs/common/crypto.h"
#include "libs/common/status_macros.h"
#include "scripts/bridgectl/call_steps.h"
#include "scripts/bridgectl/csv.h"
#include "scripts/bridgectl/proto_text.h"

namespace bridging::bridgectl {
namespace {

constexpr size_t kMaxFileBytes = 16 * 1024 * 1024;
constexpr size_t kMaxRows = 100000;

// A CSV file as rows of named cells; header names are matched case-insensitively.
struct Sheet {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;

  std::string Cell(size_t row, const std::string& column) const {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] == column) {
        return i < rows[row].size() ? std::string(absl::StripAsciiWhitespace(rows[row][i])) : "";
      }
    }
    return "";
  }
};

absl::StatusOr<Sheet> ReadSheet(const std::string& path, const std::vector<std::string>& known,
                                const std::string& required) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read the file"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > kMaxFileBytes) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": larger than 16 MiB; split it"));
  }
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv(text);
  if (!rows.ok())
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", rows.status().message()));
  if (rows->empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": the file is empty"));
  if (rows->size() - 1 > kMaxRows) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": more than ", kMaxRows, " rows"));
  }
  Sheet sheet;
  for (const std::string& header : (*rows)[0]) {
    std::string column = absl::AsciiStrToLower(absl::StripAsciiWhitespace(header));
    if (std::find(known.begin(), known.end(), column) == known.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": unknown column \"", header, "\"; the columns are ", absl::StrJoin(known, ", ")));
    }
    sheet.columns.push_back(std::move(column));
  }
  if (std::find(sheet.columns.begin(), sheet.columns.end(), required) == sheet.columns.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": the column \"", required, "\" is required"));
  }
  sheet.rows.assign(rows->begin() + 1, rows->end());
  return sheet;
}

// Progress on stderr: a bar when it is a terminal, nothing otherwise (logs stay clean).
class Progress {
 public:
  Progress(Invocation& call, std::string what, size_t total)
      : call_(call), what_(std::move(what)), total_(total) {}
  void Step(size_t done) {
    if (!call_.interactive || total_ == 0) return;
    const size_t width = 30;
    const size_t filled = width * done / total_;
    call_.err << "\r  " << what_ << " [" << std::string(filled, '#')
              << std::string(width - filled, '.') << "] " << done << "/" << total_ << std::flush;
    if (done == total_) call_.err << "\n";
  }

 private:
  Invocation& call_;
  std::string what_;
  size_t total_;
};

// Errors after which no later row can succeed.
bool Fatal(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsUnauthenticated(status) ||
         absl::IsPermissionDenied(status) || absl::IsDeadlineExceeded(status);
}

std::string RequestId(absl::string_view scope, absl::string_view content) {
  return absl::StrCat("import-", Sha256Hex(absl::StrCat(scope, "\n", content)).substr(0, 40));
}

// The end of an import: a summary on stdout, each failed row on stderr, and an error when
// any row failed.
absl::Status Finish(Invocation& call, size_t rows, size_t created, size_t present,
                    const std::vector<std::string>& failures, bool dry_run) {
  for (const std::string& failure : failures) call.err << "  " << failure << "\n";
  if (dry_run) {
    call.out << rows << " rows checked, " << failures.size()
             << " with problems; nothing was changed\n";
  } else {
    call.out << rows << " rows: " << created << " created, " << present << " already present, "
             << failures.size() << " failed\n";
  }
  if (failures.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(failures.size(), " of ", rows, " rows ", dry_run ? "have problems" : "failed",
                   " (listed above); fix them and run the same file again"));
}

}  // namespace

absl::Status ImportParticipants(Invocation& call) {
  if (call.positional.size() != 1) return absl::InvalidArgumentError("FILE is required");
  ASSIGN_OR_RETURN(Sheet sheet, ReadSheet(call.positional[0],
                                          {"reference", "alias", "consents", "method",
                                           "recorded_by", "review_date"},
                                          "reference"));
  const bool dry_run = call.Has("dry-run");
  ASSIGN_OR_RETURN(std::string charity, ExpandName(call, NameKind::kOwnOrg, call.Value("charity")));

  struct Row {
    consent::v1::CreateParticipantRequest create;
    std::vector<consent::v1::RecordConsentRequest> consents;
  };
  std::vector<Row> rows(sheet.rows.size());
  std::vector<std::string> failures;
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < sheet.rows.size(); ++i) {
    const std::string line = absl::StrCat("row ", i + 2);
    auto check = [&]() -> absl::Status {
      const std::string reference = sheet.Cell(i, "reference");
      if (reference.empty()) return absl::InvalidArgumentError("reference: is empty");
      if (auto [it, fresh] = seen.emplace(reference, i + 2); !fresh) {
        return absl::InvalidArgumentError(
            absl::StrCat("reference: \"", reference, "\" is also on row ", it->second));
      }
      Row& row = rows[i];
      row.create.set_parent(charity);
      row.create.mutable_participant()->set_charity_reference(reference);
      row.create.mutable_participant()->set_alias(sheet.Cell(i, "alias"));
      row.create.set_request_id(RequestId(charity, reference));
      for (absl::string_view purpose : absl::StrSplit(
               sheet.Cell(i, "consents"), absl::ByAnyChar(";|"), absl::SkipWhitespace())) {
        consent::v1::RecordConsentRequest record;
        RETURN_IF_ERROR(
            SetField(record, "purpose", absl::StripAsciiWhitespace(purpose), "consents", call.now));
        if (sheet.Cell(i, "method").empty() || sheet.Cell(i, "recorded_by").empty()) {
          return absl::InvalidArgumentError("method and recorded_by: needed to record consent");
        }
        RETURN_IF_ERROR(SetField(record, "method", sheet.Cell(i, "method"), "method", call.now));
        record.set_recorded_by_role(sheet.Cell(i, "recorded_by"));
        if (!sheet.Cell(i, "review_date").empty()) {
          RETURN_IF_ERROR(SetField(record, "review_date", sheet.Cell(i, "review_date"),
                                   "review_date", call.now));
        }
        row.consents.push_back(std::move(record));
      }
      return absl::OkStatus();
    };
    if (absl::Status status = check(); !status.ok()) {
      failures.push_back(absl::StrCat(line, ": ", status.message()));
    }
  }
  if (dry_run || !failures.empty()) return Finish(call, rows.size(), 0, 0, failures, true);

  ASSIGN_OR_RETURN(
      const auto* create_method,
      GatewayClient::FindMethod("bridging.consent.v1.ConsentService/CreateParticipant"));
  ASSIGN_OR_RETURN(const auto* record_method,
                   GatewayClient::FindMethod("bridging.consent.v1.ConsentService/RecordConsent"));
  // Participants already there (by reference) are not created again.
  ASSIGN_OR_RETURN(auto by_reference, ParticipantsByReference(call, charity));

  Progress progress(call, "participants", rows.size());
  size_t created = 0, present = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    Row& row = rows[i];
    const std::string& reference = row.create.participant().charity_reference();
    absl::Status status;
    std::string name;
    if (auto it = by_reference.find(reference); it != by_reference.end()) {
      name = it->second;
      ++present;
    } else {
      consent::v1::Participant participant;
      status = call.client.Call(*create_method, row.create, participant);
      if (status.ok()) {
        name = participant.name();
        ++created;
      }
    }
    for (auto& record : row.consents) {
      if (!status.ok()) break;
      record.set_participant(name);
      record.set_request_id(RequestId(
          name, absl::StrCat(record.purpose(), "|", record.method(), "|", record.recorded_by_role(),
                             "|", record.review_date().ShortDebugString())));
      consent::v1::ConsentRecord out;
      status = call.client.Call(*record_method, record, out);
    }
    if (!status.ok()) {
      failures.push_back(absl::StrCat("row ", i + 2, " (", reference, "): ", status.message()));
      if (Fatal(status)) {
        progress.Step(rows.size());
        return status;
      }
    }
    progress.Step(i + 1);
  }
  return Finish(call, rows.size(), created, present, failures, false);
}

absl::Status ImportActions(Invocation& call) {
  if (call.positional.size() != 2) return absl::InvalidArgumentError("PLAN and FILE are required");
  ASSIGN_OR_RETURN(std::string plan, ExpandName(call, NameKind::kPlan, call.positional[0]));
  static const std::vector<std::string> kColumns = {
      "title",    "description",     "principle", "area",        "status",    "owner_role",
      "due_date", "completion_date", "source",    "co_produced", "actor_role"};
  ASSIGN_OR_RETURN(Sheet sheet, ReadSheet(call.positional[1], kColumns, "title"));
  const bool dry_run = call.Has("dry-run");

  std::vector<actions::v1::CreateActionRequest> rows(sheet.rows.size());
  std::vector<std::string> failures;
  for (size_t i = 0; i < sheet.rows.size(); ++i) {
    auto check = [&]() -> absl::Status {
      actions::v1::CreateActionRequest& request = rows[i];
      request.set_parent(plan);
      for (const std::string& column : sheet.columns) {
        const std::string value = sheet.Cell(i, column);
        if (value.empty()) continue;
        const std::string field = column == "actor_role" ? column : "action." + column;
        RETURN_IF_ERROR(SetField(request, field, value, column, call.now));
      }
      if (request.action().title().empty()) return absl::InvalidArgumentError("title: is empty");
      // The same row imported again is the same action; a changed row is a new one.
      request.set_request_id(RequestId(plan, absl::StrJoin(sheet.rows[i], "\x1f")));
      return absl::OkStatus();
    };
    if (absl::Status status = check(); !status.ok()) {
      failures.push_back(absl::StrCat("row ", i + 2, ": ", status.message()));
    }
  }
  if (dry_run || !failures.empty()) return Finish(call, rows.size(), 0, 0, failures, true);

  ASSIGN_OR_RETURN(const auto* list_method,
                   GatewayClient::FindMethod("bridging.actions.v1.ActionPlanService/ListActions"));
  ASSIGN_OR_RETURN(const auto* create_method,
                   GatewayClient::FindMethod("bridging.actions.v1.ActionPlanService/CreateAction"));
  // A replayed row answers with the action it created before; knowing the plan's actions
  // beforehand tells "already present" from "created".
  actions::v1::ListActionsRequest list;
  list.set_parent(plan);
  list.set_page_size(100);
  actions::v1::ListActionsResponse existing;
  RETURN_IF_ERROR(call.client.CallAllPages(*list_method, list, existing));
  std::set<std::string> before;
  for (const auto& action : existing.actions()) before.insert(action.name());

  Progress progress(call, "actions", rows.size());
  size_t created = 0, present = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    actions::v1::Action action;
    absl::Status status = call.client.Call(*create_method, rows[i], action);
    if (status.ok()) {
      ++(before.count(action.name()) ? present : created);
    } else {
      failures.push_back(
          absl::StrCat("row ", i + 2, " (", rows[i].action().title(), "): ", status.message()));
      if (Fatal(status)) {
        progress.Step(rows.size());
        return status;
      }
    }
    progress.Step(i + 1);
  }
  return Finish(call, rows.size(), created, present, failures, false);
}

}  // namespace bridging::bridgectl
