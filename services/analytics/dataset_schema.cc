// Dataset dimensions and the label <-> code mapping of each dimension.
#include "services/analytics/dataset_schema.h"

#include <cctype>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bridging/actions/v1/actions.pb.h"
#include "bridging/consent/v1/consent.pb.h"
#include "google/protobuf/descriptor.h"
#include "libs/common/errors.h"
#include "libs/common/status_macros.h"

namespace bridging::analytics {
namespace {

using v1::Dimension;

const google::protobuf::EnumDescriptor* EnumOf(Dimension dimension) {
  switch (dimension) {
    case v1::DIMENSION_THEME:
    case v1::DIMENSION_PRINCIPLE:
      return common::v1::Principle_descriptor();
    case v1::DIMENSION_SOURCE_TYPE:
      return consent::v1::SourceType_descriptor();
    case v1::DIMENSION_AREA:
      return common::v1::Area_descriptor();
    case v1::DIMENSION_STATUS:
      return actions::v1::ActionStatus_descriptor();
    case v1::DIMENSION_ACTION_SOURCE:
      return actions::v1::ActionSource_descriptor();
    case v1::DIMENSION_PURPOSE:
      return consent::v1::Purpose_descriptor();
    case v1::DIMENSION_CONSENT_STATE:
      return consent::v1::ConsentState_descriptor();
    default:
      return nullptr;
  }
}

const DatasetSchema kContributions = {
    v1::DATASET_CONTRIBUTIONS,
    {v1::DIMENSION_THEME, v1::DIMENSION_SOURCE_TYPE, v1::DIMENSION_MONTH, v1::DIMENSION_PRACTICE},
    /*multi_valued=*/0,
    /*has_people=*/true,
    /*count_people=*/false,
    /*has_days=*/false};
const DatasetSchema kActions = {
    v1::DATASET_ACTIONS,
    {v1::DIMENSION_PRINCIPLE, v1::DIMENSION_AREA, v1::DIMENSION_STATUS, v1::DIMENSION_ACTION_SOURCE,
     v1::DIMENSION_CO_PRODUCED, v1::DIMENSION_PRACTICE, v1::DIMENSION_MONTH},
    /*multi_valued=*/-1,
    /*has_people=*/false,
    /*count_people=*/false,
    /*has_days=*/true};
const DatasetSchema kConsent = {
    v1::DATASET_CONSENT,   {v1::DIMENSION_PURPOSE, v1::DIMENSION_CONSENT_STATE},
    /*multi_valued=*/-1,   /*has_people=*/true,
    /*count_people=*/true, /*has_days=*/false};

}  // namespace

int DatasetSchema::PositionOf(Dimension dimension) const {
  for (size_t i = 0; i < dimensions.size(); ++i) {
    if (dimensions[i] == dimension) return static_cast<int>(i);
  }
  return -1;
}

absl::StatusOr<const DatasetSchema*> SchemaOf(v1::Dataset dataset) {
  switch (dataset) {
    case v1::DATASET_CONTRIBUTIONS:
      return &kContributions;
    case v1::DATASET_ACTIONS:
      return &kActions;
    case v1::DATASET_CONSENT:
      return &kConsent;
    default:
      return InvalidField("dataset", "must be CONTRIBUTIONS, ACTIONS or CONSENT");
  }
}

std::string DimensionColumn(Dimension dimension) {
  std::string name = v1::Dimension_Name(dimension);
  constexpr absl::string_view kPrefix = "DIMENSION_";
  if (absl::StartsWith(name, kPrefix)) name = name.substr(kPrefix.size());
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

absl::StatusOr<int32_t> MonthIndex(const common::v1::Date& date, absl::string_view field) {
  if (date.year() < 1900 || date.year() > 9999 || date.month() < 1 || date.month() > 12) {
    return InvalidField(field, "must be a month: year 1900-9999 and month 1-12");
  }
  return date.year() * 12 + date.month() - 1;
}

std::string MonthLabel(int32_t month_index) {
  return absl::StrFormat("%04d-%02d", month_index / 12, month_index % 12 + 1);
}

common::v1::Date MonthDate(int32_t month_index) {
  common::v1::Date date;
  date.set_year(month_index / 12);
  date.set_month(month_index % 12 + 1);
  return date;
}

absl::StatusOr<uint32_t> FixedCode(Dimension dimension, absl::string_view label,
                                   absl::string_view field) {
  if (const auto* e = EnumOf(dimension)) {
    const auto* value = e->FindValueByName(std::string(label));
    if (value == nullptr || value->number() == 0) {
      return InvalidField(
          field, absl::StrCat("\"", label.substr(0, 64), "\" is not a value of ", e->name()));
    }
    return static_cast<uint32_t>(value->number());
  }
  switch (dimension) {
    case v1::DIMENSION_CO_PRODUCED:
      if (label == "true") return 1u;
      if (label == "false") return 0u;
      return InvalidField(field, "must be \"true\" or \"false\"");
    case v1::DIMENSION_MONTH: {
      int year = 0, month = 0;
      if (label.size() != 7 || label[4] != '-' || !absl::SimpleAtoi(label.substr(0, 4), &year) ||
          !absl::SimpleAtoi(label.substr(5, 2), &month)) {
        return InvalidField(field, "must be a month \"YYYY-MM\"");
      }
      common::v1::Date date;
      date.set_year(year);
      date.set_month(month);
      ASSIGN_OR_RETURN(int32_t index, MonthIndex(date, field));
      return static_cast<uint32_t>(index);
    }
    default:
      return InvalidField(field, "the dimension has no fixed values");
  }
}

std::string FixedLabel(Dimension dimension, uint32_t code) {
  if (const auto* e = EnumOf(dimension)) {
    const auto* value = e->FindValueByNumber(static_cast<int>(code));
    return value == nullptr ? absl::StrCat(code) : value->name();
  }
  if (dimension == v1::DIMENSION_CO_PRODUCED) return code ? "true" : "false";
  if (dimension == v1::DIMENSION_MONTH) return MonthLabel(static_cast<int32_t>(code));
  return absl::StrCat(code);
}

}  // namespace bridging::analytics
