// Implements the metrics interceptor.
#include "libs/server/grpc_metrics.h"

#include <chrono>
#include <string>

#include "absl/strings/str_cat.h"

namespace bridging::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  return *buckets;
}

std::string CodeName(grpc::StatusCode code) {
  static const char* kNames[] = {"OK",
                                 "CANCELLED",
                                 "UNKNOWN",
                                 "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED",
                                 "NOT_FOUND",
                                 "ALREADY_EXISTS",
                                 "PERMISSION_DENIED",
                                 "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION",
                                 "ABORTED",
                                 "OUT_OF_RANGE",
                                 "UNIMPLEMENTED",
                                 "INTERNAL",
                                 "UNAVAILABLE",
                                 "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  const int index = static_cast<int>(code);
  return index >= 0 && index <= 16 ? kNames[index] : absl::StrCat(index);
}

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(std::shared_ptr<GrpcServerMetrics> metrics, std::string method)
      : metrics_(std::move(metrics)),
        method_(std::move(method)),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      const std::string code = CodeName(methods->GetSendStatus().error_code());
      metrics_->handled.Add({{"grpc_method", method_}, {"grpc_code", code}}).Increment();
      metrics_->latency.Add({{"grpc_method", method_}}, LatencyBuckets()).Observe(seconds);
    }
    methods->Proceed();
  }

 private:
  std::shared_ptr<GrpcServerMetrics> metrics_;
  std::string method_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

GrpcServerMetrics::GrpcServerMetrics(prometheus::Registry& registry)
    : handled(prometheus::BuildCounter()
                  .Name("bridging_grpc_server_handled_total")
                  .Help("RPCs completed on the server, by method and status code")
                  .Register(registry)),
      latency(prometheus::BuildHistogram()
                  .Name("bridging_grpc_server_handling_seconds")
                  .Help("Time from receiving an RPC to sending its status, by method")
                  .Register(registry)) {}

MetricsInterceptorFactory::MetricsInterceptorFactory(
    std::shared_ptr<GrpcServerMetrics> metrics, std::function<bool(absl::string_view)> known_method)
    : metrics_(std::move(metrics)), known_method_(std::move(known_method)) {}

grpc::experimental::Interceptor* MetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  const char* method = info->method();
  if (known_method_ && !known_method_(method)) method = "unknown";
  return new MetricsInterceptor(metrics_, method);
}

}  // namespace bridging::server
