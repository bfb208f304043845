// bridgectl's one connection: unary calls to the gateway by method name, with the API key,
// a deadline, paging, and safe retries of idempotent calls.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bridging/gateway/v1/admin.pb.h"

namespace bridging::bridgectl {

struct ClientOptions {
  std::string gateway = "127.0.0.1:7100";
  std::string api_key;
  // TLS to the gateway, verified against `tls_root_certs` (PEM; empty: the system's roots).
  bool tls = false;
  std::string tls_root_certs;
  absl::Duration timeout = absl::Seconds(30);
  // Extra attempts after UNAVAILABLE or RESOURCE_EXHAUSTED, for reads and for writes that
  // carry a request_id (the service deduplicates them).
  int retries = 3;
};

class GatewayClient {
 public:
  explicit GatewayClient(ClientOptions options);

  // The contract method "package.Service/Method" (or "package.Service.Method").
  static absl::StatusOr<const google::protobuf::MethodDescriptor*> FindMethod(
      absl::string_view name);
  // A fresh, empty request or response message of `type`.
  static std::unique_ptr<google::protobuf::Message> NewMessage(
      const google::protobuf::Descriptor& type);

  // One call. The gRPC status comes back as it is, its message from the service.
  absl::Status Call(const google::protobuf::MethodDescriptor& method,
                    const google::protobuf::Message& request, google::protobuf::Message& response);
  // For list methods (page_token / next_page_token): follows every page, appending each
  // page's list into `response`, until there are no more or `limit` items (0: no limit).
  absl::Status CallAllPages(const google::protobuf::MethodDescriptor& method,
                            google::protobuf::Message& request, google::protobuf::Message& response,
                            int limit = 0);

  // Who the key belongs to (asked once, then remembered).
  absl::StatusOr<gateway::v1::WhoAmIResponse> WhoAmI();

 private:
  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
  std::optional<gateway::v1::WhoAmIResponse> who_;
};

}  // namespace bridging::bridgectl
