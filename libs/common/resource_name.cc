// Implements resource-name parsing and owner extraction.
#include "libs/common/resource_name.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/common/errors.h"

namespace bridging {

bool IsValidId(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  if (!absl::ascii_isalnum(static_cast<unsigned char>(id[0]))) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

absl::StatusOr<NameParts> ParseName(absl::string_view name, absl::string_view pattern,
                                    absl::string_view field) {
  auto mismatch = [&] { return InvalidField(field, absl::StrCat("must look like ", pattern)); };
  if (name.empty()) return InvalidField(field, "is required");
  if (name.size() > 512) return InvalidField(field, "is too long");
  std::vector<absl::string_view> got = absl::StrSplit(name, '/');
  std::vector<absl::string_view> want = absl::StrSplit(pattern, '/');
  if (got.size() != want.size()) return mismatch();
  NameParts parts;
  for (size_t i = 0; i < want.size(); ++i) {
    if (!want[i].empty() && want[i].front() == '{') {
      if (!IsValidId(got[i])) return mismatch();
      parts.emplace_back(got[i]);
    } else if (got[i] != want[i]) {
      return mismatch();
    }
  }
  return parts;
}

std::string OwnerOf(absl::string_view name) {
  std::vector<absl::string_view> segments = absl::StrSplit(name, absl::MaxSplits('/', 2));
  if (segments.size() < 2) return "";
  const absl::string_view collection = segments[0];
  if (collection != "practices" && collection != "charities" && collection != "researchers" &&
      collection != "operators" && collection != "services") {
    return "";
  }
  if (!IsValidId(segments[1])) return "";
  return absl::StrCat(collection, "/", segments[1]);
}

}  // namespace bridging
