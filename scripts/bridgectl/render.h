// Presenting responses: aligned tables for people, CSV and JSON for scripts.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <vector>

namespace bridging::bridgectl {

enum class OutputFormat { kTable, kJson, kCsv };

// Rows of text under headers, before formatting.
struct TextTable {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
};

// Columns padded to their widest cell (counted in characters, not bytes); cells longer
// than `max_cell` characters are cut with "…"; "(none)" when there are no rows.
std::string FormatTable(const TextTable& table, int max_cell = 60);
// A header line, then one line per row.
std::string FormatCsv(const TextTable& table);
// Proto3 JSON (lowerCamel names, enums by full name, every primitive field printed).
std::string ToJson(const google::protobuf::Message& message);

// The repeated message field a list response carries (participants, actions...), or
// nullptr for a single resource.
const google::protobuf::FieldDescriptor* ListField(const google::protobuf::Descriptor& type);
// The fields worth a column: scalars, enums, dates and times, and lists of them; not
// etags, hashes, page tokens or long text.
std::vector<std::string> DefaultColumns(const google::protobuf::Descriptor& type);
// One row per element of `list` in `response`, one column per field path.
TextTable TableOf(const google::protobuf::Message& response,
                  const google::protobuf::FieldDescriptor& list,
                  const std::vector<std::string>& columns);
// One resource as "field  value" lines; lists of messages become indented tables.
std::string RecordText(const google::protobuf::Message& message, int indent = 0);

// The whole response in `format`. A list answer (one that pages) or one given `columns`
// becomes a table of its list field; a single resource a record (one CSV row); JSON as is.
std::string Render(const google::protobuf::Message& response, OutputFormat format,
                   const std::vector<std::string>& columns = {});

}  // namespace bridging::bridgectl
