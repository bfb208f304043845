// libFuzzer target for the policy check (scripts/sanitize.sh): for every method of the contract,
// any caller and any resource, an allowed call must be by a role the policy names and, for
// tenants, on a resource the caller owns or (for shared reads) holds a grant on.
#include <fuzzer/FuzzedDataProvider.h>
#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "libs/auth/policy.h"
#include "libs/common/contract.h"
#include "libs/common/resource_name.h"

namespace {

using bridging::common::v1::Role;

// Every method of the contract, with its declared policy.
struct Method {
  std::string name;
  bridging::common::v1::MethodPolicy policy;
};

const std::vector<Method>& Methods() {
  static const std::vector<Method>* methods = [] {
    auto* all = new std::vector<Method>;
    for (const google::protobuf::MethodDescriptor* method : bridging::ContractMethods()) {
      all->push_back({method->full_name(), bridging::auth::PolicyOf(*method)});
    }
    return all;
  }();
  return *methods;
}

void Fail(const char* what, const Method& method, const bridging::auth::Principal& caller,
          const std::string& resource) {
  std::fprintf(
      stderr, "policy invariant broken: %s\n  method: %s\n  caller: %s as %d\n  resource: %s\n",
      what, method.name.c_str(), caller.organization.c_str(), caller.role, resource.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<Method>& methods = Methods();
  if (methods.empty()) std::abort();  // the contract must be linked in
  FuzzedDataProvider input(data, size);
  const Method& method = methods[input.ConsumeIntegralInRange<size_t>(0, methods.size() - 1)];
  bridging::auth::Principal caller;
  // Mostly real roles, sometimes a number no enumerator has.
  caller.role = static_cast<Role>(input.ConsumeBool() ? input.ConsumeIntegralInRange<int>(0, 5)
                                                      : input.ConsumeIntegral<int>());
  caller.organization = input.ConsumeRandomLengthString(80);
  const bool grant = input.ConsumeBool();
  const bool grant_fails = input.ConsumeBool();
  const std::string resource = input.ConsumeRemainingBytesAsString();

  bool asked_for_grant = false;
  const bridging::auth::ShareGrantCheck share_check =
      [&](absl::string_view, absl::string_view) -> absl::StatusOr<bool> {
    asked_for_grant = true;
    if (grant_fails) return absl::UnavailableError("grant store down");
    return grant;
  };
  const absl::Status status =
      bridging::auth::CheckPolicyOnResource(method.policy, caller, resource, share_check);

  const auto& roles = method.policy.allowed_roles();
  const bool role_allowed = std::find(roles.begin(), roles.end(), caller.role) != roles.end();
  if (asked_for_grant && !method.policy.allow_shared_read()) {
    Fail("asked for a share grant on a method without shared reads", method, caller, resource);
  }
  if (!status.ok()) {
    const absl::StatusCode code = status.code();
    if (code != absl::StatusCode::kPermissionDenied && code != absl::StatusCode::kInvalidArgument &&
        !(asked_for_grant && grant_fails && code == absl::StatusCode::kUnavailable)) {
      Fail("an unexpected refusal code", method, caller, resource);
    }
    return 0;
  }
  if (!role_allowed) Fail("allowed a role the policy does not name", method, caller, resource);
  if (method.policy.resource_field().empty()) return 0;
  if (resource.empty()) Fail("allowed an empty resource", method, caller, resource);
  if (caller.role == Role::ROLE_SERVICE || caller.role == Role::ROLE_ADMIN) return 0;
  const bool owns =
      bridging::OwnerOf(resource) == caller.organization && !caller.organization.empty();
  if (!owns && !(method.policy.allow_shared_read() && asked_for_grant && grant)) {
    Fail("allowed a tenant on a resource it neither owns nor holds a grant on", method, caller,
         resource);
  }
  return 0;
}
