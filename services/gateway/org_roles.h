// The role an organisation's collection fixes: practices/ act as ROLE_PRACTICE, charities/
// as ROLE_CHARITY, researchers/ as ROLE_RESEARCHER, operators/ as ROLE_ADMIN and services/
// as ROLE_SERVICE. Shared by API keys and JWTs so both credentials obey one rule.
#pragma once

#include "absl/strings/string_view.h"
#include "bridging/common/v1/authz.pb.h"

namespace bridging::gateway {

// The role of organisation `name` ("practices/leeds-1"); ROLE_UNSPECIFIED when `name` is not
// exactly "<collection>/<id>" with a known collection and a valid id.
common::v1::Role RoleOfOrganization(absl::string_view name);

}  // namespace bridging::gateway
