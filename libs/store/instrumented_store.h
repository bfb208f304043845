// A Store decorator that records how many operations ran, how they ended and how long they
// took, in Prometheus metrics; the wrapped store knows nothing about metrics.
//
//   auto store = std::make_unique<InstrumentedStore>(RedisStore::Create(options), "consent",
//                                                    *registry);
//
// Metrics (registered once, in the constructor):
//   bridging_store_operations_total{store, op, code}   op: command|pipeline|script|ping,
//                                                      code: absl status code name, e.g. OK
//   bridging_store_operation_seconds{store, op}        buckets 0.1 ms .. 1 s
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/store/store.h"

namespace prometheus {
class Counter;
class Histogram;
class Registry;
}  // namespace prometheus

namespace bridging::store {

class InstrumentedStore final : public Store {
 public:
  // `store_name` is the value of the `store` label (e.g. "consent"). `registry` must outlive
  // this object. Several stores may share one registry (the families are shared).
  InstrumentedStore(std::unique_ptr<Store> inner, const std::string& store_name,
                    prometheus::Registry& registry);

  absl::StatusOr<Reply> Command(const std::vector<std::string>& args) override;
  absl::StatusOr<std::vector<Reply>> Pipeline(
      const std::vector<std::vector<std::string>>& commands) override;
  absl::StatusOr<Reply> RunScript(const Script& script, const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args) override;
  absl::Status Ping() override;

  Store& inner() { return *inner_; }

 private:
  enum Op { kCommand = 0, kPipeline, kScript, kPing, kNumOps };
  // absl::StatusCode runs from 0 (OK) to 16 (UNAUTHENTICATED).
  static constexpr int kNumCodes = 17;

  void Record(Op op, const absl::Status& status, double seconds);

  std::unique_ptr<Store> inner_;
  // Every (op, code) series is created up front, so recording takes no lock and a rate()
  // over a code that has not happened yet reads 0 rather than nothing.
  std::array<std::array<prometheus::Counter*, kNumCodes>, kNumOps> operations_{};
  std::array<prometheus::Histogram*, kNumOps> seconds_{};
};

}  // namespace bridging::store
