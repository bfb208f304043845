// Implements the anonymizer's RPCs over libs/privacy: validates each request (errors name the
// field as the contract spells it), calls the library, and builds the response.
#include "services/anonymizer/anonymizer.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/errors.h"
#include "libs/privacy/generalize.h"
#include "libs/privacy/k_anonymity.h"
#include "libs/privacy/redact.h"

namespace bridging::anonymizer {
namespace {

// CheckKAnonymityRequest's rows as a privacy::TableView, without copying them.
class RequestTable final : public privacy::TableView {
 public:
  explicit RequestTable(const v1::CheckKAnonymityRequest& request)
      : request_(request), columns_(request.columns().begin(), request.columns().end()) {}
  const std::vector<std::string>& columns() const override { return columns_; }
  size_t row_count() const override { return request_.rows_size(); }
  size_t row_width(size_t row) const override { return request_.rows(row).values_size(); }
  absl::string_view value(size_t row, size_t column) const override {
    return request_.rows(row).values(column);
  }

 private:
  const v1::CheckKAnonymityRequest& request_;
  std::vector<std::string> columns_;
};

}  // namespace

Anonymizer::Anonymizer(privacy::KeyRing keys, privacy::DisclosureOptions options)
    : pseudonymizer_(std::move(keys)), disclosure_options_(std::move(options)) {}

absl::StatusOr<v1::PseudonymizeResponse> Anonymizer::Pseudonymize(
    const v1::PseudonymizeRequest& request) const {
  if (absl::Status s = privacy::Pseudonymizer::CheckDomain(request.domain()); !s.ok()) return s;
  if (request.identifiers_size() < 1 || request.identifiers_size() > kMaxIdentifiers) {
    return InvalidField("identifiers",
                        absl::StrCat("must hold 1-", kMaxIdentifiers, " identifiers"));
  }
  v1::PseudonymizeResponse response;
  response.set_key_version(pseudonymizer_.newest_version());
  for (int i = 0; i < request.identifiers_size(); ++i) {
    const std::string& id = request.identifiers(i);
    if (absl::Status s =
            privacy::Pseudonymizer::CheckIdentifier(id, absl::StrCat("identifiers[", i, "]"));
        !s.ok()) {
      return s;
    }
    absl::StatusOr<privacy::Pseudonym> p = pseudonymizer_.Pseudonymize(request.domain(), id);
    if (!p.ok()) return p.status();
    response.add_pseudonyms(std::move(p->value));
  }
  return response;
}

absl::StatusOr<v1::RedactTextResponse> Anonymizer::RedactText(
    const v1::RedactTextRequest& request) const {
  privacy::RedactOptions options;
  for (int i = 0; i < request.types_size(); ++i) {
    const int t = request.types(i);
    if (t < v1::FINDING_TYPE_NAME || t > v1::FINDING_TYPE_URL) {
      return InvalidField(absl::StrCat("types[", i, "]"), "is not a finding type");
    }
    options.types.push_back(static_cast<privacy::IdentifierType>(t));
  }
  absl::StatusOr<privacy::Redaction> redaction = privacy::RedactText(request.text(), options);
  if (!redaction.ok()) return redaction.status();
  v1::RedactTextResponse response;
  response.set_redacted_text(std::move(redaction->text));
  for (const privacy::Finding& f : redaction->findings) {
    v1::Finding* out = response.add_findings();
    out->set_type(static_cast<v1::FindingType>(f.type));
    out->set_redacted_begin(static_cast<int32_t>(f.redacted_begin));
    out->set_redacted_end(static_cast<int32_t>(f.redacted_end));
    out->set_original_begin(static_cast<int32_t>(f.original_begin));
    out->set_original_end(static_cast<int32_t>(f.original_end));
    out->set_detector(std::string(f.detector));
  }
  return response;
}

absl::StatusOr<v1::GeneralizeResponse> Anonymizer::Generalize(
    const v1::GeneralizeRequest& request) const {
  const v1::RawRecord& in = request.record();
  v1::GeneralizeResponse response;
  v1::GeneralizedRecord* out = response.mutable_record();
  if (in.has_age()) {
    absl::StatusOr<std::string> band = privacy::AgeBand(in.age(), "record.age");
    if (!band.ok()) return band.status();
    out->set_age_band(*band);
  }
  if (!in.postcode().empty()) {
    if (in.postcode().size() > 16) return InvalidField("record.postcode", "is too long");
    out->set_postcode_district(privacy::PostcodeDistrict(in.postcode()).value_or(""));
  }
  if (in.has_date()) {
    absl::StatusOr<privacy::CalendarDate> month =
        privacy::MonthOf({in.date().year(), in.date().month(), in.date().day()}, "record.date");
    if (!month.ok()) return month.status();
    out->mutable_month()->set_year(month->year);
    out->mutable_month()->set_month(month->month);
    out->mutable_month()->set_day(0);
  }
  return response;
}

absl::StatusOr<v1::CheckKAnonymityResponse> Anonymizer::CheckKAnonymity(
    const v1::CheckKAnonymityRequest& request) const {
  const RequestTable table(request);
  const std::vector<std::string> qi(request.quasi_identifiers().begin(),
                                    request.quasi_identifiers().end());
  absl::StatusOr<privacy::KAnonymityReport> report =
      privacy::CheckKAnonymity(table, qi, request.k());
  if (!report.ok()) return report.status();
  v1::CheckKAnonymityResponse response;
  response.set_k_anonymous(report->k_anonymous);
  response.set_class_count(static_cast<int32_t>(report->class_count));
  response.set_min_class_size(static_cast<int32_t>(report->min_class_size));
  response.set_rows_in_classes_under_k(static_cast<int32_t>(report->rows_in_classes_under_k));
  for (privacy::EquivalenceClass& c : report->classes_under_k) {
    v1::EquivalenceClass* out = response.add_classes_under_k();
    for (std::string& v : c.values) out->add_values(std::move(v));
    out->set_size(static_cast<int32_t>(c.size));
  }
  return response;
}

absl::StatusOr<v1::ApplyDisclosureControlResponse> Anonymizer::ApplyDisclosureControl(
    const v1::ApplyDisclosureControlRequest& request) const {
  absl::StatusOr<privacy::DisclosureResult> result =
      privacy::ApplyDisclosureControl(request.table(), request.policy(), disclosure_options_);
  if (!result.ok()) return result.status();
  v1::ApplyDisclosureControlResponse response;
  *response.mutable_table() = std::move(result->table);
  *response.mutable_applied_policy() = std::move(result->applied_policy);
  response.set_cells_suppressed_primary(result->cells_suppressed_primary);
  response.set_cells_suppressed_secondary(result->cells_suppressed_secondary);
  response.set_epsilon_spent(result->epsilon_spent);
  return response;
}

}  // namespace bridging::anonymizer
