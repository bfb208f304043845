// Tests AtomicWrite + Committer against a real redis-server: all-or-nothing writes,
// sequence stamping, replays, reused request ids and conflicts.
#include "libs/store/committer.h"

#include "gtest/gtest.h"
#include "libs/store/proto_reads.h"
#include "libs/store/redis_store.h"
#include "libs/testing/redis_server.h"
#include "libs/testing/test_store.h"

namespace bridging::store {
namespace {

class CommitterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    store_ = testing::ConnectTestStore(*redis_);
  }
  std::string Get(const std::string& key) {
    auto reply = store_->Command({"GET", key});
    return reply.ok() && !reply->is_nil() ? reply->str : "<nil>";
  }
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<RedisStore> store_;
};

TEST_F(CommitterTest, AppliesEverythingAndStampsTheSequence) {
  Committer committer(*store_, "t:sequence");
  AtomicWrite write;
  write.ExpectAbsent("t:a")
      .Set("t:a", std::string("bin\0ary", 7))
      .ZAdd("t:index", 2, "a")
      .AppendWithSequence("t:log", "entry")
      .Outbox("t:outbox", "thing.created", "things/a", "payload");
  auto committed = committer.Commit(write);
  ASSERT_TRUE(committed.ok()) << committed.status();
  EXPECT_EQ(committed->sequence, 1);
  EXPECT_EQ(Get("t:a"), std::string("bin\0ary", 7));
  auto log = store_->Command({"LINDEX", "t:log", "0"});
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->str, "1:entry");
  auto outbox = store_->Command({"XRANGE", "t:outbox", "-", "+"});
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->elements.size(), 1u);
  EXPECT_EQ(outbox->elements[0].elements[1].elements[1].str, "1");
}

TEST_F(CommitterTest, FailedPreconditionWritesNothing) {
  Committer committer(*store_, "t:sequence");
  ASSERT_TRUE(store_->Command({"SET", "t:a", "old"}).ok());
  AtomicWrite write;
  write.Set("t:b", "new").ExpectValue("t:a", "other").Outbox("t:outbox", "k", "s", "p");
  auto committed = committer.Commit(write);
  ASSERT_TRUE(committed.ok());
  EXPECT_EQ(committed->conflict_key, "t:a");
  EXPECT_EQ(Get("t:b"), "<nil>");
  EXPECT_EQ(Get("t:sequence"), "<nil>");
  // An absent key reads as "" for ExpectValue.
  AtomicWrite absent;
  absent.ExpectValue("t:missing", "").Set("t:b", "new");
  ASSERT_TRUE(committer.Commit(absent).ok());
  EXPECT_EQ(Get("t:b"), "new");
}

TEST_F(CommitterTest, ReplaysAndRefusesReusedRequestIds) {
  Committer committer(*store_, "t:sequence");
  AtomicWrite first;
  first.Set("t:a", "1").Idempotent("t:request:x", "fp1", "response-1");
  auto applied = committer.Commit(first);
  ASSERT_TRUE(applied.ok());
  EXPECT_FALSE(applied->replayed);

  auto found = committer.FindReplay("t:request:x", "fp1");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->response, "response-1");
  EXPECT_EQ((*found)->sequence, applied->sequence);

  AtomicWrite again = first;
  auto replayed = committer.Commit(again);
  ASSERT_TRUE(replayed.ok());
  EXPECT_TRUE(replayed->replayed);
  EXPECT_EQ(Get("t:sequence"), "1");

  EXPECT_EQ(committer.FindReplay("t:request:x", "fp2").status().code(),
            absl::StatusCode::kInvalidArgument);
  AtomicWrite other;
  other.Set("t:a", "2").Idempotent("t:request:x", "fp2", "response-2");
  EXPECT_EQ(committer.Commit(other).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get("t:a"), "1");
  EXPECT_FALSE(committer.FindReplay("", "fp1")->has_value());
}

TEST_F(CommitterTest, RetryOnConflictRerunsThenGivesUp) {
  int attempts = 0;
  auto eventually = RetryOnConflict<int>([&]() -> absl::StatusOr<std::optional<int>> {
    if (++attempts < 3) return std::nullopt;
    return 42;
  });
  ASSERT_TRUE(eventually.ok());
  EXPECT_EQ(*eventually, 42);
  auto never =
      RetryOnConflict<int>([]() -> absl::StatusOr<std::optional<int>> { return std::nullopt; });
  EXPECT_EQ(never.status().code(), absl::StatusCode::kAborted);
}

TEST_F(CommitterTest, RedisDownIsUnavailable) {
  Committer committer(*store_, "t:sequence");
  ASSERT_TRUE(redis_->Kill().ok());
  AtomicWrite write;
  write.Set("t:a", "1");
  EXPECT_EQ(committer.Commit(write).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace bridging::store
