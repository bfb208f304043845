// Tests RedisStore against a real redis-server: round trips, pipelines, scripts, the pool,
// failure mapping, recovery after Redis dies, and ACL users.
#include "libs/store/redis_store.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/store/script.h"
#include "libs/testing/redis_server.h"

namespace bridging::store {
namespace {

using ::bridging::testing::PickFreeLoopbackPort;
using ::bridging::testing::RedisServer;
using ::bridging::testing::RedisServerOptions;

// Calls `fn` every few milliseconds until it returns true or `timeout` passes.
template <typename Fn>
bool Eventually(Fn fn, absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (fn()) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
}

// One field of INFO <section>, e.g. InfoField(store, "clients", "connected_clients").
std::string InfoField(Store& store, const std::string& section, const std::string& field) {
  absl::StatusOr<Reply> info = store.Command({"INFO", section});
  if (!info.ok()) return "";
  for (absl::string_view line : absl::StrSplit(info->str, "\r\n")) {
    if (absl::ConsumePrefix(&line, field + ":")) return std::string(line);
  }
  return "";
}

RedisServerOptions WithConfig(std::vector<std::pair<std::string, std::string>> config) {
  RedisServerOptions options;
  options.extra_config = std::move(config);
  return options;
}

class RedisStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { StartRedis({}); }

  void StartRedis(RedisServerOptions options) {
    absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    redis_ = *std::move(server);
  }

  RedisOptions Options() const {
    RedisOptions options;
    options.port = redis_->port();
    options.command_timeout = absl::Seconds(1);
    options.initial_backoff = absl::Milliseconds(10);
    options.max_backoff = absl::Milliseconds(100);
    return options;
  }

  std::unique_ptr<RedisServer> redis_;
};

TEST(ParseRedisAddressTest, AcceptsHostPortForms) {
  absl::StatusOr<RedisOptions> o = ParseRedisAddress("redis-consent:6380");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->host, "redis-consent");
  EXPECT_EQ(o->port, 6380);
  EXPECT_EQ(o->pool_size, RedisOptions().pool_size);

  o = ParseRedisAddress("127.0.0.1");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->port, 6379);

  o = ParseRedisAddress("[::1]:7000");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->host, "::1");
  EXPECT_EQ(o->port, 7000);
}

TEST(ParseRedisAddressTest, RejectsMalformedAddresses) {
  for (const char* bad : {"", ":6379", "host:", "host:0", "host:65536", "host:12x", "::1:6379",
                          "[::1", "[::1]6379"}) {
    absl::StatusOr<RedisOptions> o = ParseRedisAddress(bad);
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument) << "\"" << bad << "\"";
  }
  EXPECT_TRUE(absl::StrContains(ParseRedisAddress("host:12x").status().message(), "12x"));
}

TEST(RedisStoreNoServerTest, CreateSucceedsAndCallsFailFastWhileRedisIsDown) {
  RedisOptions options;
  options.port = PickFreeLoopbackPort();  // nothing listens there
  options.initial_backoff = absl::Minutes(1);
  std::unique_ptr<RedisStore> store = RedisStore::Create(options);
  ASSERT_NE(store, nullptr);

  absl::Status first = store->Ping();
  EXPECT_EQ(first.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(first.message(),
                                absl::StrCat("redis 127.0.0.1:", options.port, " unavailable: ")))
      << first;
  EXPECT_TRUE(absl::StrContains(first.message(), "Connection refused")) << first;

  // Within the backoff no new connection is attempted: the reason is repeated, with when
  // the next attempt will be made.
  absl::StatusOr<Reply> second = store->Command({"GET", "k"});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(second.status().message(), "Connection refused"));
  EXPECT_TRUE(absl::StrContains(second.status().message(), "next attempt in")) << second.status();
}

TEST_F(RedisStoreTest, CommandRoundTripIsBinarySafe) {
  std::unique_ptr<RedisStore> store = RedisStore::Create(Options());
  const std::string key("svc:bin\0key", 11);
  const std::string value("a\0b\r\n\xff\0", 7);
  absl::StatusOr<Reply> set = store->Command({"SET", key, value});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_TRUE(set->is_ok());

  absl::StatusOr<Reply> get = store->Command({"GET", key});
  ASSERT_TRUE(get.ok()) << get.status();
  ASSERT_TRUE(get->is_string());
  EXPECT_EQ(get->str, value);
  EXPECT_EQ(get->str.size(), 7u);

  // The key with the NUL is a different key from its prefix.
  absl::StatusOr<Reply> prefix = store->Command({"GET", "svc:bin"});
  ASSERT_TRUE(prefix.ok()) << prefix.status();
  EXPECT_TRUE(prefix->is_nil());

  absl::StatusOr<Reply> strlen = store->Command({"STRLEN", key});
  ASSERT_TRUE(strlen.ok()) << strlen.status();
  EXPECT_EQ(*strlen, Reply::Integer(7));
}

TEST_F(RedisStoreTest, RepliesOfEveryType) {
  std::unique_ptr<RedisStore> store = RedisStore::Create(Options());
  ASSERT_TRUE(store->Command({"RPUSH", "svc:list", "a", "", "c"}).ok());
  absl::StatusOr<Reply> range = store->Command({"LRANGE", "svc:list", "0", "-1"});
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_EQ(*range, Reply::Array({Reply::String("a"), Reply::String(""), Reply::String("c")}));
  absl::StatusOr<Reply> empty = store->Command({"LRANGE", "svc:none", "0", "-1"});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, Reply::Array({}));
  absl::StatusOr<Reply> nested = store->Command({"HGETALL", "svc:none"});
  ASSERT_TRUE(nested.ok());
  EXPECT_TRUE(nested->is_array());
  EXPECT_TRUE(store->Ping().ok());
}

TEST_F(RedisStoreTest, PipelineOfManyCommandsInOrder) {
  std::unique_ptr<RedisStore> store = RedisStore::Create(Options());
  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < 1000; ++i) {
    commands.push_back({"RPUSH", "svc:pipe", absl::StrCat("item-", i)});
  }
  commands.push_back({"LINDEX", "svc:pipe", "617"});
  absl::StatusOr<std::vector<Reply>> replies = store->Pipeline(commands);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 1001u);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ((*replies)[i], Reply::Integer(i + 1)) << i;
  }
  EXPECT_EQ((*replies)[1000], Reply::String("item-617"));

  absl::StatusOr<std::vector<Reply>> none = store->Pipeline({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(RedisStoreTest, PipelineFailsOnFirstErrorAndLeavesConnectionInStep) {
  RedisOptions options = Options();
  options.pool_size = 1;  // the next command must reuse the very same connection
  std::unique_ptr<RedisStore> store = RedisStore::Create(options);
  absl::StatusOr<std::vector<Reply>> replies = store->Pipeline({
      {"SET", "svc:s", "1"},
      {"LPUSH", "svc:s", "x"},  // WRONGTYPE
      {"INCR", "svc:s"},
      {"HSET", "svc:s", "f", "v"},  // WRONGTYPE again; the first one is reported
      {"INCR", "svc:s"},
  });
  ASSERT_EQ(replies.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StrContains(replies.status().message(), "WRONGTYPE")) << replies.status();
  EXPECT_TRUE(absl::StrContains(replies.status().message(), "command 2 of 5 (LPUSH)"))
      << replies.status();

  // Every reply was read: the connection answers the next command with its own reply, and
  // the commands after the error ran.
  absl::StatusOr<Reply> get = store->Command({"GET", "svc:s"});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(*get, Reply::String("3"));
  EXPECT_EQ(InfoField(*store, "clients", "connected_clients"), "1");
}

TEST_F(RedisStoreTest, TransactionInsidePipeline) {
  std::unique_ptr<RedisStore> store = RedisStore::Create(Options());
  absl::StatusOr<std::vector<Reply>> replies =
      store->Pipeline({{"MULTI"}, {"SET", "svc:t", "1"}, {"INCR", "svc:t"}, {"EXEC"}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 4u);
  EXPECT_TRUE((*replies)[0].is_ok());
  EXPECT_EQ((*replies)[1], Reply::Status("QUEUED"));
  EXPECT_EQ((*replies)[3], Reply::Array({Reply::Status("OK"), Reply::Integer(2)}));

  // An error inside EXEC's result is an error of the call too.
  absl::StatusOr<std::vector<Reply>> failed =
      store->Pipeline({{"MULTI"}, {"LPUSH", "svc:t", "x"}, {"INCR", "svc:t"}, {"EXEC"}});
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StrContains(failed.status().message(), "WRONGTYPE")) << failed.status();
}

TEST_F(RedisStoreTest, RefusesCommandsThatWouldSpoilAPooledConnection) {
  std::unique_ptr<RedisStore> store = RedisStore::Create(Options());
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{},
                                             {"SELECT", "1"},
                                             {"select", "1"},
                                             {"SUBSCRIBE", "c"},
                                             {"MONITOR"},
                                             {"AUTH", "x"},
                                             {"CLIENT", "REPLY", "OFF"},
                                             {"WATCH", "k"},
                                             {"MULTI"},
                                             {"EXEC"}}) {
    absl::StatusOr<Reply> r = store->Command(bad);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument)
        << (bad.empty() ? "(empty)" : bad[0]);
  }
  EXPECT_EQ(store->Pipeline({{"MULTI"}, {"SET", "svc:a", "1"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Pipeline({{"EXEC"}}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Pipeline({{"SET", "svc:a", "1"}, {}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Nothing was sent.
  absl::StatusOr<Reply> a = store->Command({"EXISTS", "svc:a"});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, Reply::Integer(0));
}

TEST_F(RedisStoreTest, ErrorReplyIsInternal) {
  std::unique_ptr<RedisStore> store = RedisStore::Create(Options());
  ASSERT_TRUE(store->Command({"SET", "svc:k", "v"}).ok());
  absl::StatusOr<Reply> r = store->Command({"LPUSH", "svc:k", "x"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StartsWith(r.status().message(), "redis error: WRONGTYPE")) << r.status();

  absl::StatusOr<Reply> unknown = store->Command({"NOSUCHCOMMAND"});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInternal);
  // The connection is fine after an error reply.
  EXPECT_TRUE(store->Ping().ok());
}

TEST_F(RedisStoreTest, ScriptRunsByShaAndIsReloadedAfterFlush) {
  std::unique_ptr<RedisStore> store = RedisStore::Create(Options());
  const Script incr_by(
      "local v = redis.call('INCRBY', KEYS[1], ARGV[1]) "
      "redis.call('RPUSH', KEYS[2], ARGV[2]) "
      "return {v, redis.call('LLEN', KEYS[2])}");

  // The SHA computed locally is the one Redis gives the script.
  absl::StatusOr<Reply> loaded = store->Command({"SCRIPT", "LOAD", incr_by.source()});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->str, incr_by.sha1());
  ASSERT_TRUE(store->Command({"SCRIPT", "FLUSH"}).ok());
  ASSERT_TRUE(store->Command({"CONFIG", "RESETSTAT"}).ok());

  absl::StatusOr<Reply> r = store->RunScript(incr_by, {"svc:n", "svc:log"}, {"5", "a"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, Reply::Array({Reply::Integer(5), Reply::Integer(1)}));
  r = store->RunScript(incr_by, {"svc:n", "svc:log"}, {"2", "b"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, Reply::Array({Reply::Integer(7), Reply::Integer(2)}));
  // Loaded once, never sent with EVAL.
  EXPECT_TRUE(
      absl::StartsWith(InfoField(*store, "commandstats", "cmdstat_script|load"), "calls=1,"));
  EXPECT_EQ(InfoField(*store, "commandstats", "cmdstat_eval"), "");
  EXPECT_NE(InfoField(*store, "commandstats", "cmdstat_evalsha"), "");

  // After SCRIPT FLUSH (or a restart) the store reloads it transparently.
  ASSERT_TRUE(store->Command({"SCRIPT", "FLUSH"}).ok());
  r = store->RunScript(incr_by, {"svc:n", "svc:log"}, {"1", "c"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, Reply::Array({Reply::Integer(8), Reply::Integer(3)}));
  EXPECT_TRUE(
      absl::StartsWith(InfoField(*store, "commandstats", "cmdstat_script|load"), "calls=2,"));

  // An error raised by the script is an error reply like any other.
  const Script failing("return redis.error_reply('BADINPUT amount must be positive')");
  absl::StatusOr<Reply> bad = store->RunScript(failing, {}, {});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "BADINPUT")) << bad.status();
}

TEST_F(RedisStoreTest, ConcurrentIncrementsThroughASmallPool) {
  RedisOptions options = Options();
  options.pool_size = 4;
  options.command_timeout = absl::Seconds(5);
  std::unique_ptr<RedisStore> store = RedisStore::Create(options);
  constexpr int kThreads = 16;
  constexpr int kIncrements = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        if (!store->Command({"INCR", "svc:counter"}).ok()) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  absl::StatusOr<Reply> total = store->Command({"GET", "svc:counter"});
  ASSERT_TRUE(total.ok()) << total.status();
  EXPECT_EQ(total->str, absl::StrCat(kThreads * kIncrements));
  // The pool never opened more than pool_size connections.
  int clients = 0;
  ASSERT_TRUE(absl::SimpleAtoi(InfoField(*store, "clients", "connected_clients"), &clients));
  EXPECT_GE(clients, 1);
  EXPECT_LE(clients, 4);
}

TEST_F(RedisStoreTest, CallerWaitsForABusyPoolThenGetsUnavailable) {
  RedisOptions options = Options();
  options.pool_size = 1;
  options.command_timeout = absl::Seconds(1);
  std::unique_ptr<RedisStore> store = RedisStore::Create(options);
  std::unique_ptr<RedisStore> observer = RedisStore::Create(Options());
  ASSERT_TRUE(store->Ping().ok());

  // Holds the only connection for about 2 s, while each read still completes within the 1 s
  // command timeout (Redis times out blocked clients up to ~100 ms late, at hz 10).
  absl::StatusOr<std::vector<Reply>> held;
  std::thread holder([&] {
    held = store->Pipeline({{"BLPOP", "svc:q", "0.5"},
                            {"BLPOP", "svc:q", "0.5"},
                            {"BLPOP", "svc:q", "0.5"},
                            {"BLPOP", "svc:q", "0.5"}});
  });
  ASSERT_TRUE(Eventually([&] {
    absl::StatusOr<Reply> list = observer->Command({"CLIENT", "LIST"});
    return list.ok() && absl::StrContains(list->str, "cmd=blpop");
  }));

  const absl::Time start = absl::Now();
  absl::StatusOr<Reply> waited = store->Command({"PING"});
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(waited.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(waited.status().message(), "all 1 connections stayed busy"))
      << waited.status();
  EXPECT_GE(elapsed, absl::Milliseconds(950));
  EXPECT_LT(elapsed, absl::Milliseconds(1500));

  holder.join();
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_TRUE((*held)[3].is_nil());
  EXPECT_TRUE(store->Ping().ok());
}

TEST_F(RedisStoreTest, KilledRedisIsUnavailableAndTheSameStoreRecoversAfterRestart) {
  RedisOptions options = Options();
  std::unique_ptr<RedisStore> store = RedisStore::Create(options);
  ASSERT_TRUE(store->Command({"SET", "svc:durable", "kept"}).ok());

  ASSERT_TRUE(redis_->Kill(SIGKILL).ok());
  const absl::Time start = absl::Now();
  absl::StatusOr<Reply> down = store->Command({"GET", "svc:durable"});
  EXPECT_LT(absl::Now() - start, options.command_timeout + absl::Milliseconds(500));
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StartsWith(down.status().message(),
                               absl::StrCat("redis ", redis_->address(), " unavailable: ")))
      << down.status();
  EXPECT_EQ(store->Ping().code(), absl::StatusCode::kUnavailable);

  ASSERT_TRUE(redis_->Restart().ok());
  absl::StatusOr<Reply> back;
  ASSERT_TRUE(Eventually([&] {
    back = store->Command({"GET", "svc:durable"});
    return back.ok();
  })) << back.status();
  EXPECT_EQ(*back, Reply::String("kept"));  // appendfsync always: the write survived SIGKILL
  EXPECT_TRUE(store->Ping().ok());
}

TEST_F(RedisStoreTest, NoConnectionAttemptUntilTheBackoffExpires) {
  RedisOptions options = Options();
  options.initial_backoff = absl::Minutes(1);
  options.max_backoff = absl::Minutes(1);
  std::unique_ptr<RedisStore> store = RedisStore::Create(options);
  ASSERT_TRUE(store->Ping().ok());
  ASSERT_TRUE(redis_->Kill().ok());
  absl::Status refused = store->Ping();  // the idle connection is dead; reconnecting fails
  EXPECT_TRUE(absl::StrContains(refused.message(), "Connection refused")) << refused;

  // Redis is back, but the store does not try again before the backoff has passed.
  ASSERT_TRUE(redis_->Restart().ok());
  const absl::Time start = absl::Now();
  absl::Status fast = store->Ping();
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(100));
  EXPECT_EQ(fast.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(fast.message(), "next attempt in")) << fast;

  // A fresh store (no backoff) reaches the restarted server at once.
  EXPECT_TRUE(RedisStore::Create(Options())->Ping().ok());
}

TEST_F(RedisStoreTest, UnresponsiveRedisTimesOut) {
  RedisOptions options = Options();
  options.command_timeout = absl::Milliseconds(300);
  std::unique_ptr<RedisStore> store = RedisStore::Create(options);
  ASSERT_TRUE(store->Ping().ok());

  ASSERT_TRUE(redis_->Pause().ok());
  const absl::Time start = absl::Now();
  absl::StatusOr<Reply> r = store->Command({"GET", "svc:k"});
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "no reply within 300ms")) << r.status();
  EXPECT_GE(elapsed, absl::Milliseconds(250));
  EXPECT_LT(elapsed, options.command_timeout + absl::Milliseconds(500));

  ASSERT_TRUE(redis_->Resume().ok());
  EXPECT_TRUE(Eventually([&] { return store->Ping().ok(); }));
}

TEST_F(RedisStoreTest, BusyScriptMakesOtherCallsUnavailable) {
  ASSERT_NO_FATAL_FAILURE(StartRedis(WithConfig({{"busy-reply-threshold", "50"}})));
  RedisOptions options = Options();
  options.command_timeout = absl::Seconds(10);
  std::unique_ptr<RedisStore> store = RedisStore::Create(options);
  const Script spin("while true do end");

  absl::StatusOr<Reply> spun;
  std::thread runner([&] { spun = store->RunScript(spin, {}, {}); });
  absl::Status busy;
  ASSERT_TRUE(Eventually([&] {
    busy = store->Ping();
    return !busy.ok();
  }));
  EXPECT_EQ(busy.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(busy.message(), "BUSY")) << busy;

  EXPECT_TRUE(store->Command({"SCRIPT", "KILL"}).ok());
  runner.join();
  EXPECT_FALSE(spun.ok());
  EXPECT_TRUE(Eventually([&] { return store->Ping().ok(); }));
}

TEST_F(RedisStoreTest, OutOfMemoryIsResourceExhausted) {
  ASSERT_NO_FATAL_FAILURE(
      StartRedis(WithConfig({{"maxmemory", "4mb"}, {"maxmemory-policy", "noeviction"}})));
  std::unique_ptr<RedisStore> store = RedisStore::Create(Options());
  const std::string blob(256 * 1024, 'x');
  absl::Status status;
  for (int i = 0; i < 100 && status.ok(); ++i) {
    status = store->Command({"SET", absl::StrCat("svc:blob:", i), blob}).status();
  }
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "OOM")) << status;
  EXPECT_TRUE(store->Command({"GET", "svc:blob:0"}).ok());  // reads still work
}

TEST_F(RedisStoreTest, TooManyClientsIsUnavailable) {
  ASSERT_NO_FATAL_FAILURE(StartRedis(WithConfig({{"maxclients", "1"}})));
  std::unique_ptr<RedisStore> first = RedisStore::Create(Options());
  ASSERT_TRUE(first->Ping().ok());  // its idle connection takes the only client slot
  std::unique_ptr<RedisStore> second = RedisStore::Create(Options());
  absl::Status refused = second->Ping();
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(refused.message(), "max number of clients")) << refused;
  first.reset();  // frees the slot
  EXPECT_TRUE(Eventually([&] { return second->Ping().ok(); }));
}

TEST_F(RedisStoreTest, OversizedRequestsFailAndTheStoreCarriesOn) {
  // Redis refuses a bulk string over proto-max-bulk-len and closes the connection: with an
  // error reply if it has read the request, with a reset if we are still writing it.
  ASSERT_NO_FATAL_FAILURE(StartRedis(WithConfig({{"proto-max-bulk-len", "1mb"}})));
  RedisOptions options = Options();
  options.pool_size = 1;
  std::unique_ptr<RedisStore> store = RedisStore::Create(options);

  // Usually all of it fits in the socket buffers and the error reply comes back; the reset
  // can win the race, so either outcome is accepted, but never OK.
  absl::StatusOr<Reply> small = store->Command({"SET", "svc:big", std::string((1 << 20) + 1, 'x')});
  EXPECT_TRUE(small.status().code() == absl::StatusCode::kInternal ||
              small.status().code() == absl::StatusCode::kUnavailable)
      << small.status();
  // That connection was discarded, not pooled: the next command does not find it dead.
  EXPECT_TRUE(store->Ping().ok());

  absl::StatusOr<Reply> huge = store->Command({"SET", "svc:big", std::string(64 << 20, 'x')});
  EXPECT_EQ(huge.status().code(), absl::StatusCode::kUnavailable) << huge.status();
  EXPECT_TRUE(store->Ping().ok());
}

TEST_F(RedisStoreTest, AclUserIsConfinedToItsKeyPrefix) {
  std::unique_ptr<RedisStore> admin = RedisStore::Create(Options());
  absl::StatusOr<Reply> created =
      admin->Command({"ACL", "SETUSER", "svc", "on", ">pw", "~svc:*", "+@all"});
  ASSERT_TRUE(created.ok()) << created.status();

  RedisOptions options = Options();
  options.user = "svc";
  options.password = "pw";
  std::unique_ptr<RedisStore> svc = RedisStore::Create(options);
  absl::StatusOr<Reply> own = svc->Command({"SET", "svc:x", "1"});
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_TRUE(own->is_ok());
  absl::StatusOr<Reply> whoami = svc->Command({"ACL", "WHOAMI"});
  ASSERT_TRUE(whoami.ok());
  EXPECT_EQ(whoami->str, "svc");

  absl::StatusOr<Reply> other = svc->Command({"SET", "other:x", "1"});
  EXPECT_EQ(other.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(other.status().message(), "NOPERM")) << other.status();
  EXPECT_TRUE(absl::StrContains(other.status().message(), "user 'svc'")) << other.status();
  absl::StatusOr<Reply> untouched = admin->Command({"EXISTS", "other:x"});
  ASSERT_TRUE(untouched.ok());
  EXPECT_EQ(*untouched, Reply::Integer(0));

  options.password = "wrong";
  absl::Status rejected = RedisStore::Create(options)->Ping();
  EXPECT_EQ(rejected.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(rejected.message(), "rejected this service's credentials"))
      << rejected;
  EXPECT_TRUE(absl::StrContains(rejected.message(), "WRONGPASS")) << rejected;
}

}  // namespace
}  // namespace bridging::store
