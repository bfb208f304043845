// Tests that InstrumentedStore counts and times each operation by outcome, against real Redis.
#include "libs/store/instrumented_store.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "libs/store/redis_store.h"
#include "libs/testing/redis_server.h"
#include "prometheus/registry.h"

namespace bridging::store {
namespace {

using ::bridging::testing::RedisServer;

const prometheus::ClientMetric* FindMetric(const std::vector<prometheus::MetricFamily>& families,
                                           const std::string& name,
                                           const std::map<std::string, std::string>& labels) {
  for (const prometheus::MetricFamily& family : families) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      std::map<std::string, std::string> have;
      for (const prometheus::ClientMetric::Label& label : metric.label) {
        have[label.name] = label.value;
      }
      if (have == labels) return &metric;
    }
  }
  return nullptr;
}

double Count(const prometheus::Registry& registry, const std::string& store, const std::string& op,
             const std::string& code) {
  const prometheus::ClientMetric* m =
      FindMetric(registry.Collect(), "bridging_store_operations_total",
                 {{"store", store}, {"op", op}, {"code", code}});
  return m == nullptr ? -1 : m->counter.value;
}

uint64_t Samples(const prometheus::Registry& registry, const std::string& store,
                 const std::string& op) {
  const prometheus::ClientMetric* m = FindMetric(
      registry.Collect(), "bridging_store_operation_seconds", {{"store", store}, {"op", op}});
  return m == nullptr ? 0 : m->histogram.sample_count;
}

class InstrumentedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    redis_ = *std::move(server);
    RedisOptions options;
    options.port = redis_->port();
    options.command_timeout = absl::Seconds(1);
    store_ = std::make_unique<InstrumentedStore>(RedisStore::Create(options), "consent", registry_);
  }

  prometheus::Registry registry_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<InstrumentedStore> store_;
};

TEST_F(InstrumentedStoreTest, CountsOperationsByOpAndCode) {
  // Every series exists from the start, at zero.
  EXPECT_EQ(Count(registry_, "consent", "command", "OK"), 0);
  EXPECT_EQ(Count(registry_, "consent", "ping", "UNAVAILABLE"), 0);

  ASSERT_TRUE(store_->Command({"SET", "consent:k", "v"}).ok());
  ASSERT_TRUE(store_->Command({"GET", "consent:k"}).ok());
  ASSERT_TRUE(store_->Command({"GET", "consent:none"}).ok());
  EXPECT_EQ(store_->Command({"LPUSH", "consent:k", "x"}).status().code(),
            absl::StatusCode::kInternal);
  ASSERT_TRUE(store_->Pipeline({{"INCR", "consent:n"}, {"INCR", "consent:n"}}).ok());
  ASSERT_TRUE(store_->RunScript(Script("return 1"), {}, {}).ok());
  ASSERT_TRUE(store_->Ping().ok());

  EXPECT_EQ(Count(registry_, "consent", "command", "OK"), 3);
  EXPECT_EQ(Count(registry_, "consent", "command", "INTERNAL"), 1);
  EXPECT_EQ(Count(registry_, "consent", "pipeline", "OK"), 1);  // one pipeline, two commands
  EXPECT_EQ(Count(registry_, "consent", "script", "OK"), 1);
  EXPECT_EQ(Count(registry_, "consent", "ping", "OK"), 1);
  EXPECT_EQ(Samples(registry_, "consent", "command"), 4u);
  EXPECT_EQ(Samples(registry_, "consent", "pipeline"), 1u);

  ASSERT_TRUE(redis_->Kill().ok());
  EXPECT_EQ(store_->Ping().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Count(registry_, "consent", "ping", "UNAVAILABLE"), 1);
  EXPECT_EQ(Count(registry_, "consent", "ping", "OK"), 1);
}

TEST_F(InstrumentedStoreTest, StoresSharingARegistryHaveTheirOwnSeries) {
  RedisOptions options;
  options.port = redis_->port();
  InstrumentedStore actions(RedisStore::Create(options), "actions", registry_);
  ASSERT_TRUE(actions.Ping().ok());
  ASSERT_TRUE(actions.Ping().ok());
  ASSERT_TRUE(store_->Ping().ok());
  EXPECT_EQ(Count(registry_, "actions", "ping", "OK"), 2);
  EXPECT_EQ(Count(registry_, "consent", "ping", "OK"), 1);
  int families = 0;
  for (const prometheus::MetricFamily& f : registry_.Collect()) {
    if (f.name == "bridging_store_operations_total") ++families;
  }
  EXPECT_EQ(families, 1);
}

}  // namespace
}  // namespace bridging::store
