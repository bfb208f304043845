// Implements the special presentations.
#include "scripts/bridgectl/presenters.h"

#include <ostream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "bridging/analytics/v1/analytics.pb.h"
#include "bridging/consent/v1/consent.pb.h"
#include "bridging/gateway/v1/admin.pb.h"
#include "scripts/bridgectl/labels.h"
#include "scripts/bridgectl/proto_text.h"

namespace bridging::bridgectl {
namespace {

using common::v1::Cell;
using common::v1::SuppressionReason;

const char* Mark(SuppressionReason reason) {
  switch (reason) {
    case common::v1::SUPPRESSION_REASON_BELOW_THRESHOLD:
      return "*";
    case common::v1::SUPPRESSION_REASON_SECONDARY:
      return "**";
    case common::v1::SUPPRESSION_REASON_DIFFERENCING:
      return "***";
    default:
      return "?";
  }
}

std::string CellText(const Cell& cell) {
  if (cell.suppressed()) return Mark(cell.reason());
  std::string text = absl::StrFormat("%g", cell.value());
  if (cell.noised()) text += "~";
  return text;
}

std::string CellStatus(const Cell& cell) {
  if (cell.suppressed()) {
    switch (cell.reason()) {
      case common::v1::SUPPRESSION_REASON_BELOW_THRESHOLD:
        return "withheld:below-threshold";
      case common::v1::SUPPRESSION_REASON_SECONDARY:
        return "withheld:secondary";
      case common::v1::SUPPRESSION_REASON_DIFFERENCING:
        return "withheld:differencing";
      default:
        return "withheld";
    }
  }
  return cell.noised() ? "noised" : "published";
}

}  // namespace

absl::Status PresentWithdrawalReceipt(Invocation& call, const google::protobuf::Message& message) {
  if (call.format != OutputFormat::kTable) {
    call.out << Render(message, call.format);
    return absl::OkStatus();
  }
  consent::v1::WithdrawalReceipt receipt;
  receipt.CopyFrom(message);
  std::ostream& out = call.out;
  out << "Withdrawal recorded. Keep this receipt.\n\n";
  out << "  participant        " << receipt.participant() << "\n";
  out << "  withdrawn          " << FieldText(receipt, "purposes") << "\n";
  if (receipt.already_inactive_purposes_size() > 0) {
    out << "  already inactive   " << FieldText(receipt, "already_inactive_purposes") << "\n";
  }
  out << "  at                 " << FieldText(receipt, "withdraw_time") << "\n";
  out << "  contributions      "
      << (receipt.erasure_requested() ? "to be erased from research data" : "kept (not erased)")
      << "\n";
  out << "  research data      "
      << (receipt.analytics_applied()
              ? "already applied: she is no longer counted in any answer"
              : "pending: analytics will apply it when it answers; until then it refuses "
                "queries that could count her")
      << "\n";
  out << "  receipt            " << receipt.name() << "\n";
  out << "  sequence           " << receipt.sequence() << "\n";
  out << "  digest             " << receipt.digest() << "\n";
  return absl::OkStatus();
}

absl::Status PresentNewKey(Invocation& call, const google::protobuf::Message& message) {
  if (call.format != OutputFormat::kTable) {
    call.out << Render(message, call.format);
    return absl::OkStatus();
  }
  gateway::v1::CreateApiKeyResponse created;
  created.CopyFrom(message);
  call.out << "API key " << created.api_key().name() << " (" << FieldText(created.api_key(), "role")
           << ", expires " << FieldText(created.api_key(), "expire_time") << ")\n\n"
           << "  " << created.secret() << "\n\n";
  call.err << "This secret is shown once and cannot be recovered: store it now "
              "(e.g. in a password manager). Use it as: Authorization: Bearer <secret>\n";
  return absl::OkStatus();
}

absl::Status PresentVerification(Invocation& call, const google::protobuf::Message& message) {
  consent::v1::VerifyConsentHistoryResponse result;
  result.CopyFrom(message);
  if (call.format != OutputFormat::kTable) {
    call.out << Render(message, call.format);
  } else if (result.valid()) {
    call.out << "The consent history is intact: " << result.entries_checked()
             << " entries verified, head " << result.head_hash() << "\n";
  }
  if (result.valid()) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat("the consent history does NOT verify at entry ",
                                          result.first_invalid_index(), ": ", result.problem()));
}

absl::Status PresentAggregate(Invocation& call, const google::protobuf::Message& message) {
  if (call.format == OutputFormat::kJson) {
    call.out << ToJson(message);
    return absl::OkStatus();
  }
  // QueryResponse and FrameworkMatrix share the shape {table, stamp}.
  analytics::v1::QueryResponse answer;
  if (!answer.ParseFromString(message.SerializeAsString())) {
    return absl::InternalError("unexpected answer shape");
  }
  const common::v1::Table& table = answer.table();
  TextTable text;
  if (call.format == OutputFormat::kCsv) {
    // Long form for scripts: one line per cell, withheld values empty.
    text.headers.assign(table.row_dimensions().begin(), table.row_dimensions().end());
    for (const char* h : {"column", "value", "status"}) text.headers.push_back(h);
    for (const auto& row : table.rows()) {
      for (int i = 0; i < row.cells_size(); ++i) {
        std::vector<std::string> line;
        for (const std::string& label : row.labels()) line.push_back(LabelText(label));
        line.push_back(i < table.columns_size() ? LabelText(table.columns(i)) : "");
        line.push_back(row.cells(i).suppressed() ? ""
                                                 : absl::StrFormat("%g", row.cells(i).value()));
        line.push_back(CellStatus(row.cells(i)));
        text.rows.push_back(std::move(line));
      }
    }
    call.out << FormatCsv(text);
    return absl::OkStatus();
  }
  std::set<SuppressionReason> reasons;
  bool noised = false;
  auto note = [&](const Cell& cell) {
    if (cell.suppressed()) reasons.insert(cell.reason());
    noised = noised || cell.noised();
    return CellText(cell);
  };
  text.headers.assign(table.row_dimensions().begin(), table.row_dimensions().end());
  for (const std::string& column : table.columns()) text.headers.push_back(LabelText(column));
  if (table.has_totals()) text.headers.push_back("total");
  for (const auto& row : table.rows()) {
    std::vector<std::string> line;
    for (const std::string& label : row.labels()) line.push_back(LabelText(label));
    for (const Cell& cell : row.cells()) line.push_back(note(cell));
    if (table.has_totals()) line.push_back(note(row.total()));
    text.rows.push_back(std::move(line));
  }
  if (table.has_totals()) {
    std::vector<std::string> line(table.row_dimensions_size(), "");
    if (!line.empty()) line[0] = "total";
    for (const Cell& cell : table.column_totals()) line.push_back(note(cell));
    line.push_back(note(table.grand_total()));
    text.rows.push_back(std::move(line));
  }
  call.out << FormatTable(text);
  const int threshold =
      answer.stamp().policy().threshold() > 0 ? answer.stamp().policy().threshold() : 7;
  const int rounding =
      answer.stamp().policy().rounding_base() > 0 ? answer.stamp().policy().rounding_base() : 5;
  call.out << "\nCounts are rounded to the nearest " << rounding << ".";
  if (reasons.count(common::v1::SUPPRESSION_REASON_BELOW_THRESHOLD)) {
    call.out << "\n*   withheld: fewer than " << threshold
             << " people (or items) stand behind it, so they could be recognised";
  }
  if (reasons.count(common::v1::SUPPRESSION_REASON_SECONDARY)) {
    call.out << "\n**  withheld so that a total cannot reveal another withheld cell";
  }
  if (reasons.count(common::v1::SUPPRESSION_REASON_DIFFERENCING)) {
    call.out << "\n*** withheld: set against an earlier answer to your team it would expose a "
                "small group";
  }
  if (noised) call.out << "\n~   random noise added (differential privacy)";
  call.out << "\nAnswer " << answer.stamp().query_id() << ", computed at consent sequence "
           << answer.stamp().consent_watermark() << "; " << answer.stamp().cells_suppressed()
           << " cell(s) withheld";
  if (answer.stamp().coarsened()) call.out << "; coarsened by the differencing guard";
  if (answer.stamp().epsilon_spent() > 0) {
    call.out << "; epsilon spent " << answer.stamp().epsilon_spent();
  }
  call.out << ".\n";
  return absl::OkStatus();
}

}  // namespace bridging::bridgectl
