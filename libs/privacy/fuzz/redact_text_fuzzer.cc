// libFuzzer target for RedactText (clang, -DBRIDGING_FUZZ=ON; see fuzz/README.md): any
// bytes must give either INVALID_ARGUMENT or a redaction whose findings are consistent.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "libs/privacy/fuzz/redact_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string broken = bridging::privacy::CheckRedactInvariants(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!broken.empty()) {
    std::fprintf(stderr, "RedactText invariant broken: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
