// Implements tables, CSV and JSON output.
#include "scripts/bridgectl/render.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "scripts/bridgectl/csv.h"
#include "scripts/bridgectl/proto_text.h"

namespace bridging::bridgectl {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Characters, not bytes: UTF-8 continuation bytes do not count.
size_t DisplayWidth(const std::string& text) {
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

std::string Truncate(std::string text, int max_cell) {
  absl::StrReplaceAll({{"\n", " "}, {"\r", " "}, {"\t", " "}}, &text);
  if (max_cell <= 0 || DisplayWidth(text) <= static_cast<size_t>(max_cell)) return text;
  size_t kept = 0, bytes = 0;
  while (bytes < text.size() && kept < static_cast<size_t>(max_cell - 1)) {
    ++bytes;
    while (bytes < text.size() && (static_cast<unsigned char>(text[bytes]) & 0xC0) == 0x80) ++bytes;
    ++kept;
  }
  return text.substr(0, bytes) + "…";
}

std::string Header(const std::string& path) {
  std::string header = absl::AsciiStrToUpper(path);
  for (char& c : header) {
    if (c == '_' || c == '.') c = ' ';
  }
  return header;
}

bool IsWellKnownValue(const Descriptor& type) {
  const std::string& name = type.full_name();
  return name == "google.protobuf.Timestamp" || name == "google.protobuf.Duration" ||
         name == "bridging.common.v1.Date";
}

bool Hidden(const FieldDescriptor& field) {
  static const char* const kHidden[] = {"etag",   "hash", "previous_hash", "next_page_token",
                                        "digest", "text", "description",   "page_token"};
  return std::find(std::begin(kHidden), std::end(kHidden), field.name()) != std::end(kHidden);
}

}  // namespace

std::string FormatTable(const TextTable& table, int max_cell) {
  if (table.rows.empty()) return "(none)\n";
  std::vector<std::vector<std::string>> cells;
  cells.push_back(table.headers);
  for (const auto& row : table.rows) {
    std::vector<std::string> cut;
    for (const std::string& cell : row) cut.push_back(Truncate(cell, max_cell));
    cells.push_back(std::move(cut));
  }
  std::vector<size_t> widths(table.headers.size(), 0);
  for (const auto& row : cells) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  std::string out;
  for (const auto& row : cells) {
    std::string line;
    for (size_t i = 0; i < widths.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : "";
      line += cell;
      if (i + 1 < widths.size()) line += std::string(widths[i] - DisplayWidth(cell) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string FormatCsv(const TextTable& table) {
  std::string out = CsvLine(table.headers);
  for (const auto& row : table.rows) out += CsvLine(row);
  return out;
}

std::string ToJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) {
    return "{}\n";
  }
  return json;
}

const FieldDescriptor* ListField(const Descriptor& type) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    if (field->is_repeated() && field->message_type() != nullptr &&
        !IsWellKnownValue(*field->message_type())) {
      return field;
    }
  }
  return nullptr;
}

std::vector<std::string> DefaultColumns(const Descriptor& type) {
  std::vector<std::string> columns;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    if (Hidden(*field)) continue;
    if (field->message_type() != nullptr && !IsWellKnownValue(*field->message_type())) continue;
    columns.push_back(field->name());
  }
  return columns;
}

TextTable TableOf(const Message& response, const FieldDescriptor& list,
                  const std::vector<std::string>& columns) {
  TextTable table;
  for (const std::string& column : columns) table.headers.push_back(Header(column));
  const auto* reflection = response.GetReflection();
  const int n = reflection->FieldSize(response, &list);
  for (int i = 0; i < n; ++i) {
    const Message& element = reflection->GetRepeatedMessage(response, &list, i);
    std::vector<std::string> row;
    for (const std::string& column : columns) row.push_back(FieldText(element, column));
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::string RecordText(const Message& message, int indent) {
  const Descriptor& type = *message.GetDescriptor();
  const std::string pad(indent, ' ');
  size_t width = 0;
  for (int i = 0; i < type.field_count(); ++i)
    width = std::max(width, type.field(i)->name().size());
  std::string out;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    const auto* reflection = message.GetReflection();
    const bool nested =
        field->message_type() != nullptr && !IsWellKnownValue(*field->message_type());
    if (nested && field->is_repeated()) {
      if (reflection->FieldSize(message, field) == 0) continue;
      out += absl::StrCat(pad, Header(field->name()), "\n");
      const TextTable table = TableOf(message, *field, DefaultColumns(*field->message_type()));
      for (absl::string_view line : absl::StrSplit(FormatTable(table), '\n', absl::SkipEmpty())) {
        out += absl::StrCat(pad, "  ", line, "\n");
      }
      continue;
    }
    if (nested) {
      if (!reflection->HasField(message, field)) continue;
      out += absl::StrCat(pad, field->name(), "\n");
      out += RecordText(reflection->GetMessage(message, field), indent + 2);
      continue;
    }
    const std::string value = FieldText(message, field->name());
    if (value.empty()) continue;
    out += absl::StrCat(pad, field->name(), std::string(width - field->name().size() + 2, ' '),
                        value, "\n");
  }
  return out;
}

std::string Render(const Message& response, OutputFormat format,
                   const std::vector<std::string>& columns) {
  if (format == OutputFormat::kJson) return ToJson(response);
  // A list answer (it pages), or one whose command chose columns for its list.
  const Descriptor& type = *response.GetDescriptor();
  const FieldDescriptor* list =
      type.FindFieldByName("next_page_token") != nullptr || !columns.empty() ? ListField(type)
                                                                             : nullptr;
  if (list == nullptr) {
    if (format == OutputFormat::kTable) return RecordText(response);
    // One resource as a one-row CSV of its simple fields.
    TextTable table;
    for (const std::string& column :
         columns.empty() ? DefaultColumns(*response.GetDescriptor()) : columns) {
      table.headers.push_back(column);
    }
    std::vector<std::string> row;
    for (const std::string& column : table.headers) row.push_back(FieldText(response, column));
    table.rows.push_back(std::move(row));
    return FormatCsv(table);
  }
  const std::vector<std::string> chosen =
      columns.empty() ? DefaultColumns(*list->message_type()) : columns;
  TextTable table = TableOf(response, *list, chosen);
  if (format == OutputFormat::kCsv) {
    table.headers = chosen;  // field paths: stable names for scripts
    return FormatCsv(table);
  }
  return FormatTable(table);
}

}  // namespace bridging::bridgectl
