// A throw-away redis-server for tests: free loopback port, own temporary directory, AOF on.
//
//   absl::StatusOr<std::unique_ptr<RedisServer>> redis = RedisServer::Start();
//   ASSERT_TRUE(redis.ok()) << redis.status();
//   ... connect to (*redis)->port() ...
//   ASSERT_TRUE((*redis)->Kill().ok());     // SIGKILL: only what the AOF synced survives
//   ASSERT_TRUE((*redis)->Restart().ok());  // same port and directory, AOF replayed
//
// The child gets PR_SET_PDEATHSIG(SIGKILL), so it dies with the test even if the test
// crashes. Linux ties that to the thread that forked: start servers from the test's main
// thread (or a thread that outlives them), never from a short-lived worker thread.
#pragma once

#include <sys/types.h>

#include <csignal>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/testing/child_process.h"

namespace bridging::testing {

// Binds 127.0.0.1:0, reads the port the kernel chose and closes the socket. Returns -1 on
// failure. Another process may take the port before it is used; RedisServer::Start retries.
int PickFreeLoopbackPort();

struct RedisServerOptions {
  // "always" (every write on disk before the reply), "everysec" or "no".
  std::string appendfsync = "always";
  // Further redis.conf lines as (directive, value), e.g. {"maxmemory", "2mb"}. Values are
  // written as they are, so quote them as redis.conf expects if they contain spaces.
  std::vector<std::pair<std::string, std::string>> extra_config;
};

// One redis-server child process. Not thread-safe: drive it from the test's thread.
class RedisServer {
 public:
  // Creates the directory and config, starts the server and waits (at most 10 s) until it
  // answers PING.
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(RedisServerOptions options = {});

  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Stops the server (SIGTERM, then SIGKILL if it has not exited in time), reaps it and
  // removes its directory.
  ~RedisServer();

  int port() const { return port_; }
  // "127.0.0.1:PORT".
  std::string address() const;
  // The temporary directory holding redis.conf, the log and the append-only files.
  const std::string& dir() const { return dir_; }
  // The child's pid, or -1 when it is not running.
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  bool running() const { return process_ && process_->running(); }

  // Sends `signal` (a signal that ends the process: SIGKILL, SIGTERM, ...) and reaps the
  // process. SIGKILL loses nothing the AOF has synced; SIGTERM lets Redis shut down cleanly.
  absl::Status Kill(int signal = SIGKILL);

  // Starts the server again on the same port and directory, so it replays its AOF, and waits
  // until PING answers (PING is refused with LOADING until the AOF is loaded). A server that
  // is still running is stopped with SIGTERM first.
  absl::Status Restart();

  // SIGSTOP / SIGCONT: the server keeps its socket open but answers nothing, which is how a
  // test reaches the client's command timeout.
  absl::Status Pause();
  absl::Status Resume();

 private:
  RedisServer(std::string dir, int port) : dir_(std::move(dir)), port_(port) {}

  // Writes redis.conf for port_ and options_ into dir_.
  absl::Status WriteConfig() const;
  // Starts redis-server on dir_/redis.conf, then waits until it answers PING.
  absl::Status Launch();
  // True once the child has exited (within `timeout`).
  bool WaitForExit(absl::Duration timeout);
  // The last lines of the server's log, for error messages.
  std::string LogTail() const;

  RedisServerOptions options_;
  std::string dir_;
  int port_;
  std::optional<ChildProcess> process_;
  bool paused_ = false;
};

}  // namespace bridging::testing
