// Implements the conversions between protobuf fields and people's text.
#include "scripts/bridgectl/proto_text.h"

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "bridging/common/v1/types.pb.h"
#include "libs/common/proto_time.h"

namespace bridging::bridgectl {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// "ApiKeyState" -> "API_KEY_STATE_": the prefix every value of a well-named enum carries.
std::string EnumPrefix(const EnumDescriptor& type) {
  std::string prefix;
  for (char c : type.name()) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c)) && !prefix.empty()) prefix += '_';
    prefix += absl::ascii_toupper(static_cast<unsigned char>(c));
  }
  return prefix + "_";
}

std::string Normalise(absl::string_view text) {
  std::string out = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  for (char& c : out) {
    if (c == '-' || c == ' ') c = '_';
  }
  return out;
}

absl::Status Invalid(absl::string_view what, absl::string_view text, absl::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat(what, ": \"", text, "\" is not ", expected));
}

absl::StatusOr<absl::Time> ParseTime(absl::string_view text, absl::string_view what,
                                     absl::Time now) {
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return time;
  absl::CivilDay day;
  if (absl::ParseCivilTime(text, &day)) return absl::FromCivil(day, absl::UTCTimeZone());
  // Relative: "90d" or "+90d" from now, "-24h" before now.
  absl::string_view relative = text;
  const int sign = absl::ConsumePrefix(&relative, "-") ? -1 : 1;
  if (sign > 0) absl::ConsumePrefix(&relative, "+");
  int64_t amount = 0;
  if (relative.size() >= 2 && absl::SimpleAtoi(relative.substr(0, relative.size() - 1), &amount) &&
      amount >= 0 && amount <= 100 * 366 * 24 * 60) {
    switch (relative.back()) {
      case 'd':
        return now + sign * absl::Hours(24 * amount);
      case 'h':
        return now + sign * absl::Hours(amount);
      case 'm':
        return now + sign * absl::Minutes(amount);
    }
  }
  return Invalid(what, text,
                 "a time (2026-12-31, 2026-12-31T09:00:00Z, 90d or 12h from now, -24h ago)");
}

absl::StatusOr<common::v1::Date> ParseDate(absl::string_view text, absl::string_view what,
                                           absl::Time now) {
  absl::CivilDay day;
  absl::CivilMonth month;
  if (Normalise(text) == "TODAY") return ToDate(TodayUtc(now));
  // "+30d" / "-5d": days from today.
  int days = 0;
  if (text.size() >= 3 && (text[0] == '+' || text[0] == '-') && text.back() == 'd' &&
      absl::SimpleAtoi(text.substr(1, text.size() - 2), &days) && days >= 0 && days <= 36600) {
    return ToDate(TodayUtc(now) + (text[0] == '-' ? -days : days));
  }
  // Strict: ParseCivilTime also takes "2026-02-30" and normalises it; refuse that.
  if (absl::ParseCivilTime(text, &day) && absl::FormatCivilTime(day) == text) return ToDate(day);
  if (absl::ParseCivilTime(text, &month) && absl::FormatCivilTime(month) == text) {
    common::v1::Date date;
    date.set_year(static_cast<int32_t>(month.year()));
    date.set_month(month.month());
    return date;
  }
  return Invalid(what, text, "a date (2026-12-31, 2026-12, today, or +30d / -5d from today)");
}

absl::Status SetOne(Message& message, const FieldDescriptor& field, absl::string_view text,
                    absl::string_view what, absl::Time now) {
  const Reflection& reflection = *message.GetReflection();
  const bool repeated = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      repeated ? reflection.AddString(&message, &field, std::string(text))
               : reflection.SetString(&message, &field, std::string(text));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t value;
      if (!absl::SimpleAtoi(text, &value)) return Invalid(what, text, "a whole number");
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
        if (value < INT32_MIN || value > INT32_MAX) return Invalid(what, text, "in range");
        repeated ? reflection.AddInt32(&message, &field, static_cast<int32_t>(value))
                 : reflection.SetInt32(&message, &field, static_cast<int32_t>(value));
      } else {
        repeated ? reflection.AddInt64(&message, &field, value)
                 : reflection.SetInt64(&message, &field, value);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double value;
      if (!absl::SimpleAtod(text, &value)) return Invalid(what, text, "a number");
      repeated ? reflection.AddDouble(&message, &field, value)
               : reflection.SetDouble(&message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool value;
      if (!absl::SimpleAtob(text, &value)) return Invalid(what, text, "true or false");
      repeated ? reflection.AddBool(&message, &field, value)
               : reflection.SetBool(&message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      absl::StatusOr<const EnumValueDescriptor*> value = ParseEnum(*field.enum_type(), text);
      if (!value.ok())
        return absl::InvalidArgumentError(absl::StrCat(what, ": ", value.status().message()));
      repeated ? reflection.AddEnum(&message, &field, *value)
               : reflection.SetEnum(&message, &field, *value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      Message* target = repeated ? reflection.AddMessage(&message, &field)
                                 : reflection.MutableMessage(&message, &field);
      const std::string& type = field.message_type()->full_name();
      if (type == google::protobuf::Timestamp::descriptor()->full_name()) {
        absl::StatusOr<absl::Time> time = ParseTime(text, what, now);
        if (!time.ok()) return time.status();
        target->CopyFrom(ToTimestamp(*time));
        return absl::OkStatus();
      }
      if (type == common::v1::Date::descriptor()->full_name()) {
        absl::StatusOr<common::v1::Date> date = ParseDate(text, what, now);
        if (!date.ok()) return date.status();
        target->CopyFrom(*date);
        return absl::OkStatus();
      }
      if (type == google::protobuf::FieldMask::descriptor()->full_name()) {
        google::protobuf::FieldMask mask;
        for (absl::string_view path : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
          mask.add_paths(std::string(absl::StripAsciiWhitespace(path)));
        }
        target->CopyFrom(mask);
        return absl::OkStatus();
      }
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": a ", type, " cannot be given as text; use `bridgectl call`"));
    }
    default:
      return absl::InvalidArgumentError(absl::StrCat(what, ": unsupported field type"));
  }
}

}  // namespace

std::string EnumShortName(const EnumValueDescriptor& value) {
  std::string name = value.name();
  const std::string prefix = EnumPrefix(*value.type());
  if (absl::StartsWith(name, prefix) && name.size() > prefix.size()) name.erase(0, prefix.size());
  absl::AsciiStrToLower(&name);
  for (char& c : name) {
    if (c == '_') c = '-';
  }
  return name;
}

absl::StatusOr<const EnumValueDescriptor*> ParseEnum(const EnumDescriptor& type,
                                                     absl::string_view text) {
  const std::string wanted = Normalise(text);
  const std::string prefix = EnumPrefix(type);
  std::vector<std::string> accepted;
  for (int i = 0; i < type.value_count(); ++i) {
    const EnumValueDescriptor* value = type.value(i);
    if (value->number() == 0) continue;  // UNSPECIFIED is never a choice
    if (value->name() == wanted || value->name() == prefix + wanted) return value;
    accepted.push_back(EnumShortName(*value));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", text, "\" is not one of: ", absl::StrJoin(accepted, ", ")));
}

const FieldDescriptor* FindFieldPath(const Descriptor& type, absl::string_view path) {
  const Descriptor* current = &type;
  const FieldDescriptor* field = nullptr;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (current == nullptr) return nullptr;
    field = current->FindFieldByName(std::string(part));
    if (field == nullptr) return nullptr;
    current = field->message_type();
  }
  return field;
}

absl::Status SetField(Message& message, absl::string_view path, absl::string_view text,
                      absl::string_view what, absl::Time now) {
  Message* target = &message;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const FieldDescriptor* field = target->GetDescriptor()->FindFieldByName(parts[i]);
    if (field == nullptr || field->message_type() == nullptr || field->is_repeated()) {
      return absl::InternalError(absl::StrCat("no message field ", path));
    }
    target = target->GetReflection()->MutableMessage(target, field);
  }
  const FieldDescriptor* field = target->GetDescriptor()->FindFieldByName(parts.back());
  if (field == nullptr) return absl::InternalError(absl::StrCat("no field ", path));
  if (!field->is_repeated() || field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return SetOne(*target, *field, text, what, now);
  }
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    absl::Status status = SetOne(*target, *field, absl::StripAsciiWhitespace(item), what, now);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

namespace {

std::string ValueText(const Message& message, const FieldDescriptor& field, int index) {
  const Reflection& r = *message.GetReflection();
  const bool rep = index >= 0;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return rep ? r.GetRepeatedString(message, &field, index) : r.GetString(message, &field);
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r.GetRepeatedInt32(message, &field, index)
                              : r.GetInt32(message, &field));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(rep ? r.GetRepeatedInt64(message, &field, index)
                              : r.GetInt64(message, &field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r.GetRepeatedUInt32(message, &field, index)
                              : r.GetUInt32(message, &field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r.GetRepeatedUInt64(message, &field, index)
                              : r.GetUInt64(message, &field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(rep ? r.GetRepeatedDouble(message, &field, index)
                              : r.GetDouble(message, &field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(rep ? r.GetRepeatedFloat(message, &field, index)
                              : r.GetFloat(message, &field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r.GetRepeatedBool(message, &field, index) : r.GetBool(message, &field)) ? "yes"
                                                                                            : "no";
    case FieldDescriptor::CPPTYPE_ENUM: {
      const EnumValueDescriptor* value =
          rep ? r.GetRepeatedEnum(message, &field, index) : r.GetEnum(message, &field);
      return value->number() == 0 ? "" : EnumShortName(*value);
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& sub =
          rep ? r.GetRepeatedMessage(message, &field, index) : r.GetMessage(message, &field);
      const std::string& type = field.message_type()->full_name();
      if (type == google::protobuf::Timestamp::descriptor()->full_name()) {
        const auto& ts = static_cast<const google::protobuf::Timestamp&>(sub);
        if (ts.seconds() == 0 && ts.nanos() == 0) return "";
        return absl::FormatTime("%Y-%m-%d %H:%M UTC", FromTimestamp(ts), absl::UTCTimeZone());
      }
      if (type == common::v1::Date::descriptor()->full_name()) {
        common::v1::Date date;
        date.CopyFrom(sub);
        if (date.year() == 0) return "";
        if (date.day() == 0) return absl::StrFormat("%04d-%02d", date.year(), date.month());
        return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
      }
      if (type == google::protobuf::Duration::descriptor()->full_name()) {
        const auto* seconds = sub.GetDescriptor()->FindFieldByName("seconds");
        const auto* nanos = sub.GetDescriptor()->FindFieldByName("nanos");
        const absl::Duration d = absl::Seconds(sub.GetReflection()->GetInt64(sub, seconds)) +
                                 absl::Nanoseconds(sub.GetReflection()->GetInt32(sub, nanos));
        return absl::FormatDuration(d);
      }
      return sub.ShortDebugString();
    }
  }
  return "";
}

}  // namespace

std::string FieldText(const Message& message, absl::string_view path) {
  const Message* current = &message;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const FieldDescriptor* field = current->GetDescriptor()->FindFieldByName(parts[i]);
    if (field == nullptr || field->is_repeated() || field->message_type() == nullptr) return "";
    if (!current->GetReflection()->HasField(*current, field)) return "";
    current = &current->GetReflection()->GetMessage(*current, field);
  }
  const FieldDescriptor* field = current->GetDescriptor()->FindFieldByName(parts.back());
  if (field == nullptr) return "";
  if (!field->is_repeated()) {
    if (field->message_type() != nullptr && !current->GetReflection()->HasField(*current, field)) {
      return "";
    }
    return ValueText(*current, *field, -1);
  }
  std::vector<std::string> items;
  const int n = current->GetReflection()->FieldSize(*current, field);
  for (int i = 0; i < n; ++i) items.push_back(ValueText(*current, *field, i));
  return absl::StrJoin(items, ", ");
}

}  // namespace bridging::bridgectl
