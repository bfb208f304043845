// Implements ConnectTestStore.
#include "libs/testing/test_store.h"

namespace bridging::testing {

std::unique_ptr<store::RedisStore> ConnectTestStore(const RedisServer& server) {
  store::RedisOptions options;
  options.port = server.port();
  options.command_timeout = absl::Seconds(1);
  options.initial_backoff = absl::Milliseconds(10);
  options.max_backoff = absl::Milliseconds(200);
  return store::RedisStore::Create(options);
}

}  // namespace bridging::testing
