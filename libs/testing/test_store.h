// A RedisStore connected to a test's redis-server, with timeouts and reconnect backoff short
// enough that kill/restart tests recover in milliseconds rather than seconds.
#pragma once

#include <memory>

#include "libs/store/redis_store.h"
#include "libs/testing/redis_server.h"

namespace bridging::testing {

std::unique_ptr<store::RedisStore> ConnectTestStore(const RedisServer& server);

}  // namespace bridging::testing
