// Per-method gRPC server metrics (request count by code, latency histogram) recorded by a
// server interceptor into a Prometheus registry.
#pragma once

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <functional>
#include <memory>

#include "absl/strings/string_view.h"

namespace bridging::server {

// The metric families, registered once at start-up.
struct GrpcServerMetrics {
  explicit GrpcServerMetrics(prometheus::Registry& registry);
  prometheus::Family<prometheus::Counter>& handled;
  prometheus::Family<prometheus::Histogram>& latency;
};

// Creates one interceptor per call; it records the method, code and duration at the end.
class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `known_method`, when set, says which method paths may become label values; others are
  // counted as "unknown" (a generic service sees any path a client makes up).
  MetricsInterceptorFactory(std::shared_ptr<GrpcServerMetrics> metrics,
                            std::function<bool(absl::string_view)> known_method = nullptr);
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  std::shared_ptr<GrpcServerMetrics> metrics_;
  std::function<bool(absl::string_view)> known_method_;
};

}  // namespace bridging::server
