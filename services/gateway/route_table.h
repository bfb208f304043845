// Where each call goes: a table from service (or package) and, optionally, owning
// organisation to a backend address, so a partner can run its own backend and keep its data
// on its own machine ("bridging.actions.v1@practices/riverside=10.1.2.3:7102").
//
//   ASSIGN_OR_RETURN(auto routes, RouteTable::Parse(
//       "bridging.consent.v1=127.0.0.1:7101,bridging.actions.v1=127.0.0.1:7102,"
//       "bridging.actions.v1@practices/riverside=127.0.0.1:7202"));
//   const Backend* backend = routes.Resolve("bridging.actions.v1.ActionPlanService",
//                                           "practices/riverside");
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bridging::gateway {

// One backend address and the channel every call to it shares.
struct Backend {
  std::string address;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;
};

class RouteTable {
 public:
  // One route: `target` is a service full name ("bridging.consent.v1.ConsentService") or a
  // package ("bridging.consent.v1"); `owner` is empty or an organisation ("practices/x").
  struct Route {
    std::string target;
    std::string owner;
    std::string address;
  };

  // Parses "target[@owner]=host:port" entries separated by commas or whitespace.
  // INVALID_ARGUMENT naming the entry when one is malformed or repeated.
  static absl::StatusOr<std::vector<Route>> ParseSpec(absl::string_view spec);

  // Dials every distinct address once, secured by `credentials` (plaintext by default; services
  // trust only the signed principal header). Addresses listed in `in_process` use the given
  // channel instead (the gateway's own AdminService).
  explicit RouteTable(
      const std::vector<Route>& routes,
      const std::map<std::string, std::shared_ptr<grpc::Channel>>& in_process = {},
      std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials());

  // The backend for a call to `service` on a resource owned by `owner` (may be empty):
  // the most specific route wins (service@owner, package@owner, service, package).
  // nullptr when nothing routes the service.
  const Backend* Resolve(absl::string_view service, absl::string_view owner) const;

  const std::vector<Route>& routes() const { return routes_; }
  // Every distinct backend, e.g. for readiness.
  std::vector<const Backend*> backends() const;

 private:
  std::vector<Route> routes_;
  std::map<std::string, std::unique_ptr<Backend>> by_address_;
  // "target@owner" (owner may be empty) -> backend.
  std::map<std::string, const Backend*, std::less<>> by_key_;
};

}  // namespace bridging::gateway
