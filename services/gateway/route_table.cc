// Parses the routing spec and resolves calls to backends.
#include "services/gateway/route_table.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/common/errors.h"
#include "libs/common/resource_name.h"

namespace bridging::gateway {
namespace {

std::string Key(absl::string_view target, absl::string_view owner) {
  return absl::StrCat(target, "@", owner);
}

bool ValidTarget(absl::string_view target) {
  if (target.empty() || target.front() == '.' || target.back() == '.') return false;
  for (char c : target) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '_') return false;
  }
  return true;
}

bool ValidAddress(absl::string_view address) {
  if (absl::StartsWith(address, "inprocess:")) return address.size() > 10;
  size_t colon = address.rfind(':');
  int port = 0;
  return colon != absl::string_view::npos && colon > 0 &&
         absl::SimpleAtoi(address.substr(colon + 1), &port) && port > 0 && port < 65536;
}

}  // namespace

absl::StatusOr<std::vector<RouteTable::Route>> RouteTable::ParseSpec(absl::string_view spec) {
  std::vector<Route> routes;
  std::set<std::string> seen;
  for (absl::string_view entry :
       absl::StrSplit(spec, absl::ByAnyChar(", \n\t"), absl::SkipEmpty())) {
    std::vector<absl::string_view> lhs_rhs = absl::StrSplit(entry, '=');
    std::vector<absl::string_view> target_owner = absl::StrSplit(lhs_rhs[0], '@');
    Route route;
    route.target = std::string(target_owner[0]);
    if (target_owner.size() > 1) route.owner = std::string(target_owner[1]);
    if (lhs_rhs.size() > 1) route.address = std::string(lhs_rhs[1]);
    // "target@" names no owner: refuse it rather than read it as a default route.
    const bool owner_ok =
        target_owner.size() == 1 || (!route.owner.empty() && OwnerOf(route.owner) == route.owner);
    if (lhs_rhs.size() != 2 || target_owner.size() > 2 || !ValidTarget(route.target) || !owner_ok ||
        !ValidAddress(route.address)) {
      return InvalidField("routes",
                          absl::StrCat("entry \"", entry, "\" is not target[@owner]=host:port"));
    }
    if (!seen.insert(Key(route.target, route.owner)).second) {
      return InvalidField("routes", absl::StrCat("entry \"", entry, "\" is repeated"));
    }
    routes.push_back(std::move(route));
  }
  if (routes.empty()) return InvalidField("routes", "is empty");
  return routes;
}

RouteTable::RouteTable(const std::vector<Route>& routes,
                       const std::map<std::string, std::shared_ptr<grpc::Channel>>& in_process,
                       std::shared_ptr<grpc::ChannelCredentials> credentials)
    : routes_(routes) {
  for (const Route& route : routes_) {
    auto& backend = by_address_[route.address];
    if (backend == nullptr) {
      backend = std::make_unique<Backend>();
      backend->address = route.address;
      auto local = in_process.find(route.address);
      if (local != in_process.end()) {
        backend->channel = local->second;
      } else {
        grpc::ChannelArguments args;
        // Calls through the gateway share a few connections; keep them warm.
        args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
        args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 16 * 1024 * 1024);
        backend->channel = grpc::CreateCustomChannel(route.address, credentials, args);
      }
      backend->stub = std::make_unique<grpc::GenericStub>(backend->channel);
    }
    by_key_[Key(route.target, route.owner)] = backend.get();
  }
}

const Backend* RouteTable::Resolve(absl::string_view service, absl::string_view owner) const {
  const size_t dot = service.rfind('.');
  const absl::string_view package =
      dot == absl::string_view::npos ? service : service.substr(0, dot);
  std::vector<std::string> candidates;
  if (!owner.empty()) candidates = {Key(service, owner), Key(package, owner)};
  candidates.push_back(Key(service, ""));
  candidates.push_back(Key(package, ""));
  for (const std::string& key : candidates) {
    auto it = by_key_.find(key);
    if (it != by_key_.end()) return it->second;
  }
  return nullptr;
}

std::vector<const Backend*> RouteTable::backends() const {
  std::vector<const Backend*> out;
  for (const auto& [address, backend] : by_address_) out.push_back(backend.get());
  return out;
}

}  // namespace bridging::gateway
