// Test probes of a running service from the outside: gRPC health, server reflection and
// an HTTP GET (for /metrics), all over real loopback connections.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.pb.h"

namespace bridging::testing {

// grpc.health.v1.Health/Check for `service` ("" = the whole server).
absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus> CheckHealth(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service = "");

// Asks for health until it reports `want` or `timeout` passes. Each ask waits for the
// channel to connect (wait-for-ready), which keeps this thread polling it: in a process that
// serves nothing, no other thread polls gRPC, and each step of a connection (TCP, TLS,
// HTTP/2) would otherwise wait for gRPC 1.51's 5-second backup poller.
bool WaitForHealth(const std::shared_ptr<grpc::Channel>& channel,
                   grpc::health::v1::HealthCheckResponse::ServingStatus want,
                   absl::Duration timeout);

// Waits until a server just started on 127.0.0.1:`port` (plaintext) reports SERVING.
bool WaitForServing(int port, absl::Duration timeout);

// Asks server reflection (grpc.reflection.v1alpha) to list services; returns the raw
// response bytes, which hold every service name.
absl::StatusOr<std::string> ReflectionListServices(const std::shared_ptr<grpc::Channel>& channel);

// Sends one serialised ServerReflectionRequest on a fresh reflection stream and returns the
// serialised ServerReflectionResponse.
absl::StatusOr<std::string> ReflectionAsk(const std::shared_ptr<grpc::Channel>& channel,
                                          const std::string& request_bytes);

// GET http://127.0.0.1:port/path; returns the body of a 200 response.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

// A channel to 127.0.0.1:port that reconnects quickly, secured by `credentials` (null:
// plaintext).
std::shared_ptr<grpc::Channel> LoopbackChannel(
    int port, std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);

}  // namespace bridging::testing
