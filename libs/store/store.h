// The storage interface every service uses: Redis commands, pipelines and Lua scripts.
//
//   absl::StatusOr<Reply> r = store->Command({"HGET", "consent:participants:p1", "alias"});
//   absl::StatusOr<Reply> s = store->RunScript(kWithdraw, {state_key, outbox_key}, {args...});
//
// Errors are statuses, never exceptions: UNAVAILABLE when the store cannot be reached (or is
// loading, busy, or rejects the service's credentials), RESOURCE_EXHAUSTED when it is out of
// memory, INTERNAL for any other error reply (e.g. WRONGTYPE), INVALID_ARGUMENT for a command
// the store refuses to send. RedisStore is the real implementation, InstrumentedStore adds
// metrics around any Store.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/store/reply.h"
#include "libs/store/script.h"

namespace bridging::store {

class Store {
 public:
  virtual ~Store() = default;

  // One command; arguments are binary-safe.
  virtual absl::StatusOr<Reply> Command(const std::vector<std::string>& args) = 0;

  // Sends all commands in one round trip; fails on the first error reply. Commands after a
  // failing one have still been executed (a pipeline is not a transaction: use a script, or
  // MULTI ... EXEC inside the pipeline, when the commands must apply together).
  virtual absl::StatusOr<std::vector<Reply>> Pipeline(
      const std::vector<std::vector<std::string>>& commands) = 0;

  // EVALSHA; on NOSCRIPT loads the script (SCRIPT LOAD) and retries once.
  virtual absl::StatusOr<Reply> RunScript(const Script& script,
                                          const std::vector<std::string>& keys,
                                          const std::vector<std::string>& args) = 0;

  // OK when the store answers PING.
  virtual absl::Status Ping() = 0;
};

}  // namespace bridging::store
