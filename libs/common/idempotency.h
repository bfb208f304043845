// Client request ids that make writes safe to retry: validation, the per-caller key they
// are stored under, and the fingerprint that tells a true retry from a reused id.
#pragma once

#include <google/protobuf/message.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace bridging {

// OK for "" (no idempotency) or 1-64 characters of [A-Za-z0-9._-]; otherwise
// INVALID_ARGUMENT naming request_id.
absl::Status ValidateRequestId(absl::string_view request_id);

// "<prefix>:request:<organization>:<request_id>": ids are scoped to the calling organisation,
// so one tenant can never replay or probe another's request. "" when request_id is empty
// (the request is not idempotent).
std::string IdempotencyKey(absl::string_view prefix, absl::string_view organization,
                           absl::string_view request_id);

// Hex SHA-256 over the method and the deterministic serialisation of the request.
std::string RequestFingerprint(absl::string_view method, const google::protobuf::Message& request);

}  // namespace bridging
