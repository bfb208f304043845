// Implements the wire-format reader behind the gateway's resource checks.
#include "services/gateway/request_fields.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace bridging::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;

absl::Status Malformed() { return absl::InvalidArgumentError("request is not a valid message"); }

// Scans one message for the field `path[0]`; returns the last value the path resolves to in
// it (nullopt if none).
// protobuf refuses messages nested deeper than this; so does the scan, counting the levels
// of the path as well as the groups skipped inside each.
constexpr int kMaxDepth = 100;

absl::StatusOr<std::optional<std::string>> Scan(absl::string_view bytes, absl::Span<const int> path,
                                                int depth_left) {
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(bytes.data()),
                                               static_cast<int>(bytes.size()));
  input.SetRecursionLimit(depth_left);
  std::optional<std::string> found;
  while (!input.ExpectAtEnd()) {
    const uint32_t tag = input.ReadTag();
    if (tag == 0) return Malformed();
    const int number = WireFormatLite::GetTagFieldNumber(tag);
    if (number != path[0]) {
      if (!WireFormatLite::SkipField(&input, tag)) return Malformed();
      continue;
    }
    if (WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      return Malformed();
    }
    std::string value;
    if (!WireFormatLite::ReadString(&input, &value)) return Malformed();
    if (path.size() == 1) {
      found = std::move(value);
      continue;
    }
    if (depth_left <= 0) return Malformed();
    absl::StatusOr<std::optional<std::string>> nested =
        Scan(value, path.subspan(1), depth_left - 1);
    if (!nested.ok()) return nested.status();
    if (nested->has_value()) found = std::move(*nested);
  }
  return found;
}

}  // namespace

absl::StatusOr<std::vector<int>> ResolveStringField(const google::protobuf::Descriptor& message,
                                                    absl::string_view dotted_path) {
  std::vector<int> numbers;
  const google::protobuf::Descriptor* current = &message;
  std::vector<absl::string_view> parts = absl::StrSplit(dotted_path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field =
        current == nullptr ? nullptr : current->FindFieldByName(std::string(parts[i]));
    const bool last = i + 1 == parts.size();
    if (field == nullptr || field->is_repeated() ||
        field->type() != (last ? FieldDescriptor::TYPE_STRING : FieldDescriptor::TYPE_MESSAGE)) {
      return absl::InternalError(absl::StrCat("policy field ", dotted_path, " of ",
                                              message.full_name(),
                                              " is not a path to a singular string field"));
    }
    numbers.push_back(field->number());
    current = last ? nullptr : field->message_type();
  }
  return numbers;
}

absl::StatusOr<std::string> ReadStringAtPath(absl::string_view bytes, absl::Span<const int> path) {
  if (path.empty()) return std::string();
  // Each level but the last is one nested message.
  if (path.size() > kMaxDepth + 1) return Malformed();
  absl::StatusOr<std::optional<std::string>> found = Scan(bytes, path, kMaxDepth);
  if (!found.ok()) return found.status();
  return found->value_or("");
}

}  // namespace bridging::gateway
