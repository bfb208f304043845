// Counts and times every Store operation into Prometheus, then delegates to the wrapped store.
#include "libs/store/instrumented_store.h"

#include <chrono>
#include <utility>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace bridging::store {
namespace {

constexpr const char* kOpNames[] = {"command", "pipeline", "script", "ping"};

class Stopwatch {
 public:
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

InstrumentedStore::InstrumentedStore(std::unique_ptr<Store> inner, const std::string& store_name,
                                     prometheus::Registry& registry)
    : inner_(std::move(inner)) {
  auto& operations = prometheus::BuildCounter()
                         .Name("bridging_store_operations_total")
                         .Help("Store operations by store, operation and outcome (status code).")
                         .Register(registry);
  auto& seconds = prometheus::BuildHistogram()
                      .Name("bridging_store_operation_seconds")
                      .Help("Time taken by store operations, including waiting for a connection.")
                      .Register(registry);
  const prometheus::Histogram::BucketBoundaries buckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0};
  for (int op = 0; op < kNumOps; ++op) {
    for (int code = 0; code < kNumCodes; ++code) {
      operations_[op][code] = &operations.Add(
          {{"store", store_name},
           {"op", kOpNames[op]},
           {"code", absl::StatusCodeToString(static_cast<absl::StatusCode>(code))}});
    }
    seconds_[op] = &seconds.Add({{"store", store_name}, {"op", kOpNames[op]}}, buckets);
  }
}

void InstrumentedStore::Record(Op op, const absl::Status& status, double seconds) {
  int code = static_cast<int>(status.code());
  if (code < 0 || code >= kNumCodes) code = static_cast<int>(absl::StatusCode::kUnknown);
  operations_[op][code]->Increment();
  seconds_[op]->Observe(seconds);
}

absl::StatusOr<Reply> InstrumentedStore::Command(const std::vector<std::string>& args) {
  Stopwatch watch;
  absl::StatusOr<Reply> result = inner_->Command(args);
  Record(kCommand, result.status(), watch.Seconds());
  return result;
}

absl::StatusOr<std::vector<Reply>> InstrumentedStore::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  Stopwatch watch;
  absl::StatusOr<std::vector<Reply>> result = inner_->Pipeline(commands);
  Record(kPipeline, result.status(), watch.Seconds());
  return result;
}

absl::StatusOr<Reply> InstrumentedStore::RunScript(const Script& script,
                                                   const std::vector<std::string>& keys,
                                                   const std::vector<std::string>& args) {
  Stopwatch watch;
  absl::StatusOr<Reply> result = inner_->RunScript(script, keys, args);
  Record(kScript, result.status(), watch.Seconds());
  return result;
}

absl::Status InstrumentedStore::Ping() {
  Stopwatch watch;
  absl::Status result = inner_->Ping();
  Record(kPing, result, watch.Seconds());
  return result;
}

}  // namespace bridging::store
