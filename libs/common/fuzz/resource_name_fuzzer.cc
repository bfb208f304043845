// libFuzzer target for resource names (scripts/sanitize.sh): for every pattern the services use,
// a name ParseName accepts must be exactly the pattern with valid ids filled in (nothing
// decoded, normalised or left over), and its owner must be its first two segments.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/common/resource_name.h"

namespace {

constexpr const char* kPatterns[] = {
    "charities/{charity}",
    "charities/{charity}/participants/{participant}",
    "charities/{charity}/participants/{participant}/contributions/{contribution}",
    "practices/{practice}",
    "practices/{practice}/plans/{plan}",
    "practices/{practice}/plans/{plan}/actions/{action}",
    "researchers/{team}",
};

void Fail(const char* what, const std::string& name, const char* pattern) {
  std::fprintf(stderr, "resource name invariant broken: %s\n  name: %s\n  pattern: %s\n", what,
               name.c_str(), pattern);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  const char* pattern = input.PickValueInArray(kPatterns);
  const std::string name = input.ConsumeRemainingBytesAsString();

  absl::StatusOr<bridging::NameParts> parts = bridging::ParseName(name, pattern, "name");
  if (!parts.ok()) {
    if (parts.status().code() != absl::StatusCode::kInvalidArgument) {
      Fail("a refusal that is not INVALID_ARGUMENT", name, pattern);
    }
    if (!absl::StartsWith(parts.status().message(), "name")) {
      Fail("a refusal that does not name the field", name, pattern);
    }
    return 0;
  }
  // Rebuild the name from the pattern and the parts: it must be the input, byte for byte.
  std::vector<std::string> rebuilt;
  size_t next = 0;
  for (absl::string_view segment : absl::StrSplit(pattern, '/')) {
    if (absl::StartsWith(segment, "{")) {
      if (next >= parts->size()) Fail("fewer parts than variables", name, pattern);
      const std::string& id = (*parts)[next++];
      if (!bridging::IsValidId(id)) Fail("an accepted id that is not valid", name, pattern);
      rebuilt.push_back(id);
    } else {
      rebuilt.emplace_back(segment);
    }
  }
  if (next != parts->size()) Fail("more parts than variables", name, pattern);
  if (absl::StrJoin(rebuilt, "/") != name)
    Fail("accepted a name that is not its parts", name, pattern);
  const std::vector<std::string> segments = absl::StrSplit(name, '/');
  if (bridging::OwnerOf(name) != segments[0] + "/" + segments[1]) {
    Fail("the owner is not the first two segments", name, pattern);
  }
  return 0;
}
