// The Redis implementation of Store: a pool of hiredis connections with timeouts, ACL login
// and reconnection with exponential backoff.
//
//   absl::StatusOr<RedisOptions> options = ParseRedisAddress(flag_redis_addr);
//   if (!options.ok()) return options.status();
//   options->user = "consent";
//   options->password = password_from_env;
//   std::unique_ptr<RedisStore> store = RedisStore::Create(*options);  // never fails
//
// Creating a store does not connect: connections are opened on first use, so a service can
// start while its Redis is down and recovers by itself when Redis comes back. While Redis is
// unreachable every call fails fast with UNAVAILABLE naming the address and the reason.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/store/reply.h"
#include "libs/store/script.h"
#include "libs/store/store.h"

// hiredis' connection and reply types, kept out of this header so users of the store never
// see hiredis.
struct redisContext;
struct redisReply;

namespace bridging::store {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  // ACL user and password; AUTH is sent on each new connection when password is set (with
  // user when it is set too, else the legacy single-password AUTH).
  std::string user;
  std::string password;
  // At most this many connections are open at once; callers wait for a free one.
  int pool_size = 8;
  absl::Duration connect_timeout = absl::Seconds(1);
  // Bounds each socket read or write, and how long a caller waits for a free connection.
  absl::Duration command_timeout = absl::Seconds(2);
  // After a failed connection attempt no new attempt is made for this long; it doubles with
  // each failure up to max_backoff and resets on success.
  absl::Duration initial_backoff = absl::Milliseconds(50);
  absl::Duration max_backoff = absl::Seconds(2);
};

// Parses "host:port", "[ipv6]:port" or a bare "host" (port 6379) into RedisOptions with the
// other fields at their defaults. INVALID_ARGUMENT names what is wrong.
absl::StatusOr<RedisOptions> ParseRedisAddress(absl::string_view host_port);

class RedisStore final : public Store {
 public:
  // Never fails and never blocks: connections are made lazily. pool_size < 1 is taken as 1.
  static std::unique_ptr<RedisStore> Create(RedisOptions options);

  RedisStore(const RedisStore&) = delete;
  RedisStore& operator=(const RedisStore&) = delete;
  ~RedisStore() override;

  // Commands that would change a pooled connection's state for its next user (AUTH, SELECT,
  // SUBSCRIBE, MONITOR, WATCH, CLIENT REPLY, ...) are refused with INVALID_ARGUMENT;
  // MULTI ... EXEC is accepted only inside one Pipeline.
  absl::StatusOr<Reply> Command(const std::vector<std::string>& args) override;
  absl::StatusOr<std::vector<Reply>> Pipeline(
      const std::vector<std::vector<std::string>>& commands) override;
  absl::StatusOr<Reply> RunScript(const Script& script, const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args) override;
  absl::Status Ping() override;

  const RedisOptions& options() const { return options_; }
  // "host:port", as used in error messages.
  const std::string& address() const { return address_; }

 private:
  struct ContextDeleter {
    void operator()(redisContext* c) const;
  };
  using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;
  // A connection borrowed from the pool; returns it (or discards it if broken) when destroyed.
  class Lease;

  explicit RedisStore(RedisOptions options);

  // Takes an idle connection, or opens one if fewer than pool_size are open (unless a recent
  // connection attempt failed and the backoff has not expired), or waits up to
  // command_timeout for one to be returned.
  absl::StatusOr<ContextPtr> Acquire() ABSL_LOCKS_EXCLUDED(mu_);
  // Gives a connection back; a broken one is closed instead and frees its slot.
  void Release(ContextPtr connection, bool reusable) ABSL_LOCKS_EXCLUDED(mu_);
  // Opens, configures and authenticates one connection (outside the lock).
  absl::StatusOr<ContextPtr> Connect() const;
  // Turns the reply to a command sent on `lease` into a Reply; a missing reply (I/O error)
  // or a server about to close marks the connection broken. Takes ownership of `reply`.
  absl::StatusOr<Reply> TakeReply(Lease& lease, redisReply* reply) const;

  const RedisOptions options_;
  const std::string address_;

  absl::Mutex mu_;
  absl::CondVar returned_;  // signalled whenever a connection or a slot is given back
  std::vector<ContextPtr> idle_ ABSL_GUARDED_BY(mu_);
  // Idle + in use + being opened; never more than options_.pool_size.
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Duration backoff_ ABSL_GUARDED_BY(mu_);
  absl::Time next_connect_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::string last_connect_error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace bridging::store
