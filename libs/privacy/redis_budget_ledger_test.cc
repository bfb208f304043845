// Tests of the Redis privacy budget ledger against a real redis-server: spending, refusal,
// no overspend under concurrent queries, and UNAVAILABLE (nothing spent) when Redis is down.
#include "libs/privacy/redis_budget_ledger.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/store/redis_store.h"
#include "libs/testing/redis_server.h"
#include "libs/testing/test_store.h"

namespace bridging::privacy {
namespace {

class RedisBudgetLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    store_ = testing::ConnectTestStore(*redis_);
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<store::RedisStore> store_;
};

TEST_F(RedisBudgetLedgerTest, SpendsUntilExhaustedAndKeepsItAcrossLedgers) {
  RedisBudgetLedger ledger(*store_, 1.0);
  ASSERT_TRUE(ledger.Spend("researchers/a", 0.7).ok());
  // A second process (another analytics replica) sees the same spend.
  RedisBudgetLedger other(*store_, 1.0);
  EXPECT_NEAR(other.Balance("researchers/a")->remaining(), 0.3, 1e-9);
  EXPECT_EQ(other.Spend("researchers/a", 0.4).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(other.Spend("researchers/a", 0.3).ok());
  EXPECT_EQ(ledger.Spend("researchers/a", 0.000001).status().code(),
            absl::StatusCode::kResourceExhausted);
  auto reply = store_->Command({"GET", "analytics:privacy_budget:researchers/a"});
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->str, "1000000");
}

TEST_F(RedisBudgetLedgerTest, ConcurrentSpendsNeverOverspend) {
  RedisBudgetLedger ledger(*store_, 2.0);
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 8; ++i) granted += ledger.Spend("researchers/a", 0.1).ok() ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 20);
  EXPECT_EQ(ledger.Balance("researchers/a")->spent_micro, 2 * kMicroEpsilon);
}

TEST_F(RedisBudgetLedgerTest, UnavailableWhenRedisIsDownAndNothingIsSpent) {
  RedisBudgetLedger ledger(*store_, 1.0);
  ASSERT_TRUE(redis_->Kill(SIGKILL).ok());
  EXPECT_EQ(ledger.Spend("researchers/a", 0.1).status().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(redis_->Restart().ok());
  // AOF (appendfsync always) kept nothing, because nothing was spent.
  absl::StatusOr<BudgetBalance> balance;
  for (int i = 0; i < 100; ++i) {
    balance = ledger.Balance("researchers/a");
    if (balance.ok()) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_TRUE(balance.ok()) << balance.status();
  EXPECT_EQ(balance->spent_micro, 0);
}

TEST_F(RedisBudgetLedgerTest, CorruptValueIsDataLoss) {
  ASSERT_TRUE(store_->Command({"SET", "analytics:privacy_budget:researchers/a", "lots"}).ok());
  RedisBudgetLedger ledger(*store_, 1.0);
  EXPECT_EQ(ledger.Spend("researchers/a", 0.1).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace bridging::privacy
