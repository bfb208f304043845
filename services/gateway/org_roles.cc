// Implements the collection-to-role rule.
#include "services/gateway/org_roles.h"

#include <vector>

#include "absl/strings/str_split.h"
#include "libs/common/resource_name.h"

namespace bridging::gateway {

common::v1::Role RoleOfOrganization(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 2 || !IsValidId(parts[1])) return common::v1::ROLE_UNSPECIFIED;
  if (parts[0] == "practices") return common::v1::ROLE_PRACTICE;
  if (parts[0] == "charities") return common::v1::ROLE_CHARITY;
  if (parts[0] == "researchers") return common::v1::ROLE_RESEARCHER;
  if (parts[0] == "operators") return common::v1::ROLE_ADMIN;
  if (parts[0] == "services") return common::v1::ROLE_SERVICE;
  return common::v1::ROLE_UNSPECIFIED;
}

}  // namespace bridging::gateway
