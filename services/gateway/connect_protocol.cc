// Implements the Connect protocol's unary rules with protobuf's JSON support.
#include "services/gateway/connect_protocol.h"

#include <google/protobuf/message.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <climits>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace bridging::gateway {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::Message;
using ::google::protobuf::MessageFactory;

struct CodeRow {
  absl::StatusCode code;
  absl::string_view name;
  int http_status;
};

// The "Error Codes" table of https://connectrpc.com/docs/protocol#error-codes, as amended by
// connectrpc.com RFC 003 (canceled 499, deadline_exceeded 504, failed_precondition 400,
// unimplemented 501). Indexed by the canonical code number; row 0 (OK) is never sent.
constexpr CodeRow kCodes[] = {
    {absl::StatusCode::kOk, "unknown", 500},
    {absl::StatusCode::kCancelled, "canceled", 499},
    {absl::StatusCode::kUnknown, "unknown", 500},
    {absl::StatusCode::kInvalidArgument, "invalid_argument", 400},
    {absl::StatusCode::kDeadlineExceeded, "deadline_exceeded", 504},
    {absl::StatusCode::kNotFound, "not_found", 404},
    {absl::StatusCode::kAlreadyExists, "already_exists", 409},
    {absl::StatusCode::kPermissionDenied, "permission_denied", 403},
    {absl::StatusCode::kResourceExhausted, "resource_exhausted", 429},
    {absl::StatusCode::kFailedPrecondition, "failed_precondition", 400},
    {absl::StatusCode::kAborted, "aborted", 409},
    {absl::StatusCode::kOutOfRange, "out_of_range", 400},
    {absl::StatusCode::kUnimplemented, "unimplemented", 501},
    {absl::StatusCode::kInternal, "internal", 500},
    {absl::StatusCode::kUnavailable, "unavailable", 503},
    {absl::StatusCode::kDataLoss, "data_loss", 500},
    {absl::StatusCode::kUnauthenticated, "unauthenticated", 401},
};
constexpr int kCodeCount = sizeof(kCodes) / sizeof(kCodes[0]);

const CodeRow& RowOf(absl::StatusCode code) {
  const int index = static_cast<int>(code);
  // OK and non-canonical codes share the "unknown" row.
  if (index <= 0 || index >= kCodeCount)
    return kCodes[static_cast<int>(absl::StatusCode::kUnknown)];
  return kCodes[index];
}

// Length of the well-formed UTF-8 sequence starting at s[i] (1-4), or 0 if it is not one:
// rejects stray continuation bytes, truncations, overlong forms, surrogates and code points
// above U+10FFFF (RFC 3629 section 4).
size_t Utf8SequenceLength(absl::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t length;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) low = 0xA0;   // overlong
    if (b0 == 0xED) high = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) low = 0x90;   // overlong
    if (b0 == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

// `s` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD, because JSON
// strings must be Unicode and backend messages are not guaranteed to be.
std::string ValidUtf8(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t length = Utf8SequenceLength(s, i);
    if (length == 0) {
      out.append("\xEF\xBF\xBD");
      ++i;
    } else {
      out.append(s.data() + i, length);
      i += length;
    }
  }
  return out;
}

// Longest part of a protobuf JSON error we pass on; unknown field names are client-chosen.
constexpr size_t kMaxDetailBytes = 200;

// Reduces a protobuf JSON parse error to what is safe to send back. Protobuf's messages can
// quote the request: the parser appends the text around the error on following lines, and
// "<field>: invalid value <value> for type <type>" repeats the value. Field values may be
// personal data, so only the first line is kept and the value is cut out; field names (which
// make a typo easy to find) stay.
std::string SafeJsonErrorDetail(absl::string_view message) {
  absl::string_view line = message.substr(0, message.find('\n'));
  constexpr absl::string_view kInvalidValue = "invalid value ";
  constexpr absl::string_view kForType = " for type ";
  std::string detail;
  const size_t value_start = line.find(kInvalidValue);
  if (value_start != absl::string_view::npos) {
    const size_t type_start = line.rfind(kForType);
    if (type_start != absl::string_view::npos && type_start >= value_start + kInvalidValue.size()) {
      detail = absl::StrCat(line.substr(0, value_start), "invalid value for type ",
                            line.substr(type_start + kForType.size()));
    } else {
      // An unfamiliar shape: keep only what precedes the value.
      detail = absl::StrCat(line.substr(0, value_start), "invalid value");
    }
  } else {
    detail = std::string(line);
  }
  if (detail.size() > kMaxDetailBytes) {
    detail.resize(kMaxDetailBytes);
    absl::StrAppend(&detail, "...");
  }
  return ValidUtf8(detail);
}

absl::StatusOr<std::unique_ptr<Message>> NewMessage(const Descriptor& type) {
  const Message* prototype = MessageFactory::generated_factory()->GetPrototype(&type);
  if (prototype == nullptr) {
    return absl::InternalError(absl::StrCat("no generated message type ", type.full_name()));
  }
  return std::unique_ptr<Message>(prototype->New());
}

bool ParseBinary(absl::string_view bytes, Message* message) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) return false;
  return message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace

absl::string_view ConnectCodeName(absl::StatusCode code) { return RowOf(code).name; }

std::optional<absl::StatusCode> ConnectCodeFromName(absl::string_view name) {
  for (int i = 1; i < kCodeCount; ++i) {
    if (kCodes[i].name == name) return kCodes[i].code;
  }
  return std::nullopt;
}

int ConnectHttpStatus(absl::StatusCode code) { return RowOf(code).http_status; }

std::string ConnectErrorBody(absl::StatusCode code, absl::string_view message) {
  // The code is one of our constant ASCII names and needs no escaping; writing the object by
  // hand only fixes the order ("code" first, for people reading curl output), which a
  // printed google.protobuf.Struct (a map) would not.
  std::string body = absl::StrCat("{\"code\":\"", ConnectCodeName(code), "\"");
  if (!message.empty()) {
    // The message is escaped by protobuf's JSON printer, as a google.protobuf.Value string.
    google::protobuf::Value value;
    value.set_string_value(ValidUtf8(message));
    std::string escaped;
    if (google::protobuf::util::MessageToJsonString(value, &escaped).ok()) {
      absl::StrAppend(&body, ",\"message\":", escaped);
    }
  }
  body += "}";
  return body;
}

ConnectError ToConnectError(const absl::Status& status) {
  return {ConnectHttpStatus(status.code()), ConnectErrorBody(status.code(), status.message())};
}

ConnectError ToConnectError(const grpc::Status& status) {
  // grpc::StatusCode and absl::StatusCode share the canonical numbering.
  const auto code = static_cast<absl::StatusCode>(status.error_code());
  return {ConnectHttpStatus(code), ConnectErrorBody(code, status.error_message())};
}

absl::StatusOr<absl::Duration> ParseConnectTimeout(absl::string_view header) {
  if (header.empty() || header.size() > 10) {
    return absl::InvalidArgumentError("Connect-Timeout-Ms must be 1 to 10 digits");
  }
  int64_t millis = 0;
  for (char c : header) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError("Connect-Timeout-Ms must be 1 to 10 digits");
    }
    // At most 9,999,999,999: cannot overflow int64.
    millis = millis * 10 + (c - '0');
  }
  return absl::Milliseconds(millis);
}

absl::StatusOr<ConnectCodec> ParseConnectContentType(absl::string_view content_type) {
  std::vector<absl::string_view> parts = absl::StrSplit(content_type, ';');
  const std::string media = absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts[0]));
  ConnectCodec codec;
  if (media == "application/json") {
    codec = ConnectCodec::kJson;
  } else if (media == "application/proto") {
    codec = ConnectCodec::kProto;
  } else {
    return absl::InvalidArgumentError(
        "unsupported content type: use application/json or application/proto");
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    absl::string_view parameter = absl::StripAsciiWhitespace(parts[i]);
    const size_t equals = parameter.find('=');
    const absl::string_view name = absl::StripAsciiWhitespace(parameter.substr(0, equals));
    absl::string_view value = equals == absl::string_view::npos
                                  ? absl::string_view()
                                  : absl::StripAsciiWhitespace(parameter.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    // JSON is UTF-8 (RFC 8259) and protobuf strings are UTF-8: no other charset can be read.
    if (!absl::EqualsIgnoreCase(name, "charset") || !absl::EqualsIgnoreCase(value, "utf-8")) {
      return absl::InvalidArgumentError(
          "unsupported content type parameter: only charset=utf-8 is accepted");
    }
  }
  return codec;
}

absl::string_view ConnectContentType(ConnectCodec codec) {
  return codec == ConnectCodec::kJson ? "application/json" : "application/proto";
}

absl::StatusOr<std::string> DecodeConnectRequest(const Descriptor& type, ConnectCodec codec,
                                                 absl::string_view body) {
  absl::StatusOr<std::unique_ptr<Message>> message = NewMessage(type);
  if (!message.ok()) return message.status();
  if (codec == ConnectCodec::kProto) {
    if (!ParseBinary(body, message->get())) {
      return absl::InvalidArgumentError(
          absl::StrCat("request body is not a valid binary ", type.full_name()));
    }
    // Passed on byte for byte: the backend sees exactly what the client signed off on,
    // unknown fields included.
    return std::string(body);
  }
  // connect-go and connect-es send an empty body for an empty message.
  if (body.empty()) return std::string();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(body.data(), body.size()), message->get(), options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("request body is not a valid JSON ", type.full_name(), ": ",
                     SafeJsonErrorDetail({status.message().data(), status.message().size()})));
  }
  std::string binary;
  if (!(*message)->SerializeToString(&binary)) {
    return absl::InternalError(absl::StrCat("cannot serialise ", type.full_name()));
  }
  return binary;
}

absl::StatusOr<std::string> EncodeConnectResponse(const Descriptor& type, ConnectCodec codec,
                                                  absl::string_view binary) {
  if (codec == ConnectCodec::kProto) return std::string(binary);
  absl::StatusOr<std::unique_ptr<Message>> message = NewMessage(type);
  if (!message.ok()) return message.status();
  if (!ParseBinary(binary, message->get())) {
    return absl::InternalError(
        absl::StrCat("the backend's response is not a valid ", type.full_name()));
  }
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(**message, &json).ok()) {
    return absl::InternalError(
        absl::StrCat("the backend's ", type.full_name(), " cannot be written as JSON"));
  }
  return json;
}

}  // namespace bridging::gateway
