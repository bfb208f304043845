// libFuzzer target for the signed principal (scripts/sanitize.sh): a header verifies only with
// its own signature, and a header that verifies is in the one canonical form the gateway
// signs ("v1;org=<owner>;role=<ROLE>;exp=<digits>"), so no two spellings mean the same caller.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/common/crypto.h"
#include "libs/common/resource_name.h"

namespace {

constexpr char kSecret[] = "fuzzing-secret-of-at-least-32-bytes!!";

void Fail(const char* what, const std::string& value) {
  std::fprintf(stderr, "principal invariant broken: %s\n  header: %s\n", what, value.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bridging::auth::PrincipalCodec codec(kSecret);
  FuzzedDataProvider input(data, size);
  // Half the inputs carry a valid signature of the fuzzed value, to reach the parser; the
  // rest a fuzzed signature, which must never verify.
  const bool sign = input.ConsumeBool();
  const std::string forged = input.ConsumeRandomLengthString(80);
  const std::string value = input.ConsumeRemainingBytesAsString();
  const std::string signature = sign ? bridging::HmacSha256Hex(kSecret, value) : forged;
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);

  absl::StatusOr<bridging::auth::Principal> principal = codec.Verify(value, signature, now);
  if (!principal.ok()) {
    if (principal.status().code() != absl::StatusCode::kUnauthenticated) {
      Fail("a refusal that is not UNAUTHENTICATED", value);
    }
    return 0;
  }
  if (signature != bridging::HmacSha256Hex(kSecret, value))
    Fail("verified a forged signature", value);
  const std::string prefix =
      absl::StrCat("v1;org=", principal->organization,
                   ";role=", bridging::common::v1::Role_Name(principal->role), ";exp=");
  if (!absl::StartsWith(value, prefix)) Fail("verified a header not in canonical form", value);
  const absl::string_view exp = absl::string_view(value).substr(prefix.size());
  if (exp.empty() || !std::all_of(exp.begin(), exp.end(), absl::ascii_isdigit)) {
    Fail("verified an expiry that is not plain digits", value);
  }
  if (bridging::OwnerOf(principal->organization) != principal->organization) {
    Fail("verified a caller that is not an organisation", value);
  }
  return 0;
}
