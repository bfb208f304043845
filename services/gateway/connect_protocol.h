// The Connect protocol's unary rules (https://connectrpc.com/docs/protocol) as pure functions,
// free of any HTTP library: error codes and their HTTP statuses, the error body, the timeout
// header, content types, and the JSON <-> binary protobuf conversions of request and response.
//
//   ASSIGN_OR_RETURN(ConnectCodec codec, ParseConnectContentType(content_type));
//   ASSIGN_OR_RETURN(std::string request, DecodeConnectRequest(*input_type, codec, body));
//   ... forward `request`, get `response` ...
//   ASSIGN_OR_RETURN(std::string out, EncodeConnectResponse(*output_type, codec, response));
#pragma once

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/status.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace bridging::gateway {

// The two unary message codecs of the Connect protocol for protobuf schemas.
enum class ConnectCodec { kJson, kProto };

// The Connect code for a status code: "canceled", "invalid_argument", ... OK and codes outside
// the canonical sixteen have no Connect code and are reported as "unknown", because an error
// response must carry one of the sixteen.
absl::string_view ConnectCodeName(absl::StatusCode code);

// The inverse of ConnectCodeName for the sixteen Connect codes; nullopt for anything else
// (including "ok", which the protocol never sends).
std::optional<absl::StatusCode> ConnectCodeFromName(absl::string_view name);

// The HTTP status the Connect spec's "Error Codes" table gives a code, e.g. 403 for
// PERMISSION_DENIED and 501 for UNIMPLEMENTED; 500 (the "unknown" row) for OK and
// non-canonical codes.
int ConnectHttpStatus(absl::StatusCode code);

// A complete Connect error response: HTTP status plus the application/json body.
struct ConnectError {
  int http_status = 500;
  std::string body;
};

// The Connect Error JSON, e.g. {"code":"permission_denied","message":"..."}; "message" is
// omitted when empty. The message is made valid UTF-8 (invalid bytes become U+FFFD) and
// JSON-escaped by protobuf's printer, so arbitrary backend messages are safe to pass.
std::string ConnectErrorBody(absl::StatusCode code, absl::string_view message);

// Status and body for a non-OK status (an OK status is a caller bug and becomes "unknown").
ConnectError ToConnectError(const absl::Status& status);
ConnectError ToConnectError(const grpc::Status& status);

// Parses the Connect-Timeout-Ms header value: 1 to 10 ASCII digits, nothing else (no sign,
// no spaces). INVALID_ARGUMENT otherwise. "0" is accepted as an already expired deadline,
// as the reference implementation (connect-go) does.
absl::StatusOr<absl::Duration> ParseConnectTimeout(absl::string_view header);

// Parses a Content-Type header for a unary Connect request: "application/json" or
// "application/proto" (case-insensitive), optionally with a charset=utf-8 parameter.
// INVALID_ARGUMENT for anything else, including the streaming "application/connect+..."
// types; servers answer that with HTTP 415.
absl::StatusOr<ConnectCodec> ParseConnectContentType(absl::string_view content_type);

// The Content-Type to answer a successful request in `codec` with.
absl::string_view ConnectContentType(ConnectCodec codec);

// Turns a request body into the binary protobuf encoding of `type`.
//   kJson:  protobuf's canonical JSON mapping; unknown fields are errors, so a misspelt field
//           is reported instead of silently dropped. An empty body is the empty message.
//   kProto: the bytes are checked to parse as `type` and returned unchanged.
// INVALID_ARGUMENT saying what was wrong. The message never quotes field values or the body
// (they may hold personal data); it may name the offending field.
absl::StatusOr<std::string> DecodeConnectRequest(const google::protobuf::Descriptor& type,
                                                 ConnectCodec codec, absl::string_view body);

// Turns a binary `type` response into the body to send in `codec`: canonical JSON with
// protobuf's default options (lowerCamelCase names, default values omitted) or the bytes
// unchanged. INTERNAL if the bytes do not parse as `type` (a backend bug).
absl::StatusOr<std::string> EncodeConnectResponse(const google::protobuf::Descriptor& type,
                                                  ConnectCodec codec, absl::string_view binary);

}  // namespace bridging::gateway
