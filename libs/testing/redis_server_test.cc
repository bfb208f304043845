// Tests the redis-server fixture: start on a free port, options, kill, restart with the AOF
// replayed, pause, and clean-up.
#include "libs/testing/redis_server.h"

#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/store/redis_store.h"

namespace bridging::testing {
namespace {

using ::bridging::store::RedisOptions;
using ::bridging::store::RedisStore;
using ::bridging::store::Reply;

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::unique_ptr<RedisStore> Connect(const RedisServer& server) {
  RedisOptions options;
  options.port = server.port();
  options.initial_backoff = absl::Milliseconds(1);
  options.max_backoff = absl::Milliseconds(1);
  return RedisStore::Create(options);
}

std::string ConfigGet(RedisStore& store, const std::string& name) {
  absl::StatusOr<Reply> r = store.Command({"CONFIG", "GET", name});
  if (!r.ok() || r->elements.size() != 2) return "?";
  return r->elements[1].str;
}

std::unique_ptr<RedisServer> MustStart(RedisServerOptions options = {}) {
  absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start(std::move(options));
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

TEST(PickFreeLoopbackPortTest, ReturnsAUsablePort) {
  int port = PickFreeLoopbackPort();
  EXPECT_GT(port, 0);
  EXPECT_LT(port, 65536);
}

TEST(RedisServerTest, StartsOnAFreePortWithDurableConfig) {
  std::unique_ptr<RedisServer> server = MustStart();
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(server->running());
  EXPECT_GT(server->pid(), 0);
  EXPECT_EQ(server->address(), absl::StrCat("127.0.0.1:", server->port()));
  EXPECT_TRUE(Exists(server->dir() + "/redis.conf"));

  std::unique_ptr<RedisStore> store = Connect(*server);
  ASSERT_TRUE(store->Ping().ok());
  EXPECT_EQ(ConfigGet(*store, "appendonly"), "yes");
  EXPECT_EQ(ConfigGet(*store, "appendfsync"), "always");
  EXPECT_EQ(ConfigGet(*store, "save"), "");
  EXPECT_EQ(ConfigGet(*store, "dir"), server->dir());
  EXPECT_EQ(ConfigGet(*store, "bind"), "127.0.0.1");
}

TEST(RedisServerTest, AppliesOptions) {
  RedisServerOptions options;
  options.appendfsync = "everysec";
  options.extra_config = {{"maxmemory", "3mb"}, {"databases", "4"}};
  std::unique_ptr<RedisServer> server = MustStart(options);
  ASSERT_NE(server, nullptr);
  std::unique_ptr<RedisStore> store = Connect(*server);
  EXPECT_EQ(ConfigGet(*store, "appendfsync"), "everysec");
  EXPECT_EQ(ConfigGet(*store, "maxmemory"), absl::StrCat(3 * 1024 * 1024));
  EXPECT_EQ(ConfigGet(*store, "databases"), "4");
}

TEST(RedisServerTest, BadConfigFailsWithTheLog) {
  RedisServerOptions options;
  options.extra_config = {{"no-such-directive", "1"}};
  absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start(options);
  ASSERT_FALSE(server.ok());
  EXPECT_TRUE(absl::StrContains(server.status().message(), "exited during start-up"))
      << server.status();
}

TEST(RedisServerTest, TwoServersAreIndependent) {
  std::unique_ptr<RedisServer> a = MustStart();
  std::unique_ptr<RedisServer> b = MustStart();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a->port(), b->port());
  EXPECT_NE(a->dir(), b->dir());
  ASSERT_TRUE(Connect(*a)->Command({"SET", "k", "a"}).ok());
  absl::StatusOr<Reply> in_b = Connect(*b)->Command({"GET", "k"});
  ASSERT_TRUE(in_b.ok());
  EXPECT_TRUE(in_b->is_nil());
}

TEST(RedisServerTest, KillStopsTheServer) {
  std::unique_ptr<RedisServer> server = MustStart();
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->Kill(SIGSTOP).code(), absl::StatusCode::kInvalidArgument);
  const pid_t pid = server->pid();
  ASSERT_TRUE(server->Kill().ok());
  EXPECT_FALSE(server->running());
  EXPECT_EQ(kill(pid, 0), -1);  // reaped: no zombie left behind
  EXPECT_EQ(Connect(*server)->Ping().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(server->Kill().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(RedisServerTest, RestartAfterSigkillReplaysTheAof) {
  std::unique_ptr<RedisServer> server = MustStart();
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  std::unique_ptr<RedisStore> store = Connect(*server);
  ASSERT_TRUE(store->Command({"SET", "consent:k", "v"}).ok());
  ASSERT_TRUE(store->Command({"RPUSH", "consent:log", "a", "b"}).ok());

  ASSERT_TRUE(server->Kill(SIGKILL).ok());
  ASSERT_TRUE(server->Restart().ok());
  EXPECT_TRUE(server->running());
  EXPECT_EQ(server->port(), port);

  std::unique_ptr<RedisStore> fresh = Connect(*server);
  absl::StatusOr<Reply> k = fresh->Command({"GET", "consent:k"});
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(*k, Reply::String("v"));
  absl::StatusOr<Reply> len = fresh->Command({"LLEN", "consent:log"});
  ASSERT_TRUE(len.ok()) << len.status();
  EXPECT_EQ(*len, Reply::Integer(2));
}

TEST(RedisServerTest, RestartWhileRunningStopsItFirst) {
  std::unique_ptr<RedisServer> server = MustStart();
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(Connect(*server)->Command({"SET", "k", "v"}).ok());
  const pid_t before = server->pid();
  ASSERT_TRUE(server->Restart().ok());
  EXPECT_NE(server->pid(), before);
  absl::StatusOr<Reply> k = Connect(*server)->Command({"GET", "k"});
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(*k, Reply::String("v"));
}

TEST(RedisServerTest, PauseStopsAnswersUntilResume) {
  std::unique_ptr<RedisServer> server = MustStart();
  ASSERT_NE(server, nullptr);
  RedisOptions options;
  options.port = server->port();
  options.command_timeout = absl::Milliseconds(200);
  std::unique_ptr<RedisStore> store = RedisStore::Create(options);
  ASSERT_TRUE(store->Ping().ok());
  ASSERT_TRUE(server->Pause().ok());
  EXPECT_EQ(store->Ping().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(server->Resume().ok());
  EXPECT_TRUE(Connect(*server)->Ping().ok());
}

TEST(RedisServerTest, DestructorStopsTheServerAndRemovesItsDirectory) {
  std::unique_ptr<RedisServer> server = MustStart();
  ASSERT_NE(server, nullptr);
  const pid_t pid = server->pid();
  const std::string dir = server->dir();
  RedisOptions options;
  options.port = server->port();
  ASSERT_TRUE(Connect(*server)->Command({"SET", "k", "v"}).ok());
  ASSERT_TRUE(Exists(dir + "/appendonlydir"));

  server.reset();
  EXPECT_EQ(kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  EXPECT_FALSE(Exists(dir));
  EXPECT_EQ(RedisStore::Create(options)->Ping().code(), absl::StatusCode::kUnavailable);
}

TEST(RedisServerTest, DestructorStopsAPausedServer) {
  std::unique_ptr<RedisServer> server = MustStart();
  ASSERT_NE(server, nullptr);
  const pid_t pid = server->pid();
  ASSERT_TRUE(server->Pause().ok());
  server.reset();
  EXPECT_EQ(kill(pid, 0), -1);
}

}  // namespace
}  // namespace bridging::testing
