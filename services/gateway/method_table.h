// Every method the gateway will forward, read once at start-up from the descriptors of the
// contract: its full path, its request type, and its declared MethodPolicy. A method whose
// proto declares no policy is kept but marked, so a call to it is refused, never forwarded.
#pragma once

#include <google/protobuf/descriptor.h>

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "bridging/common/v1/authz.pb.h"

namespace bridging::gateway {

struct MethodInfo {
  // "/bridging.consent.v1.ConsentService/WithdrawConsent"
  std::string path;
  // "bridging.consent.v1.ConsentService"
  std::string service;
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
  // False when the proto declares no policy, or its resource_field names no string field:
  // either way the method is refused.
  bool has_policy = false;
  common::v1::MethodPolicy policy;
  // Field numbers of policy.resource_field (empty when it names none).
  std::vector<int> resource_path;
  // Field number of a top-level string "request_id", 0 if the request has none.
  int request_id_field = 0;
};

class MethodTable {
 public:
  // Reads every method of `services` (full names) from the generated descriptor pool;
  // unknown service names are skipped and returned by missing().
  explicit MethodTable(const std::vector<std::string>& services);

  // nullptr for a path the contract does not define.
  const MethodInfo* Find(absl::string_view path) const;

  const std::vector<MethodInfo>& methods() const { return methods_; }
  const std::vector<std::string>& missing() const { return missing_; }

 private:
  std::vector<MethodInfo> methods_;
  absl::flat_hash_map<std::string, size_t> by_path_;
  std::vector<std::string> missing_;
};

}  // namespace bridging::gateway
