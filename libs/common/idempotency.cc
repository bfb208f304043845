// Implements request id validation, keys and fingerprints.
#include "libs/common/idempotency.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/common/crypto.h"
#include "libs/common/errors.h"

namespace bridging {

absl::Status ValidateRequestId(absl::string_view request_id) {
  if (request_id.size() > 64) return InvalidField("request_id", "is longer than 64 characters");
  for (char c : request_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return InvalidField("request_id", "may hold only letters, digits, '.', '-' and '_'");
    }
  }
  return absl::OkStatus();
}

std::string IdempotencyKey(absl::string_view prefix, absl::string_view organization,
                           absl::string_view request_id) {
  if (request_id.empty()) return "";
  return absl::StrCat(prefix, ":request:", organization, ":", request_id);
}

std::string RequestFingerprint(absl::string_view method, const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream output(&bytes);
    google::protobuf::io::CodedOutputStream coded(&output);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  return Sha256Hex(absl::StrCat(method, "\n", bytes));
}

}  // namespace bridging
