// Starts, stops and restarts a redis-server child process for tests (via ChildProcess).
#include "libs/testing/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace bridging::testing {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(10);
constexpr absl::Duration kPollInterval = absl::Milliseconds(10);
constexpr absl::Duration kStopTimeout = absl::Seconds(10);
constexpr int kStartAttempts = 4;

std::string ErrnoText(absl::string_view what) {
  return absl::StrCat(what, ": ", std::strerror(errno));
}

// Finds redis-server on PATH, falling back to the Debian location.
// redis.conf strings are double-quoted with backslash escapes.
std::string Quote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

enum class Probe { kNotReady, kReady, kSomeoneElse };

// One readiness probe: PING answers PONG (not LOADING) and the server on the port is the
// process we started, not another test's server that won a race for the port.
Probe ProbeServer(int port, pid_t pid, std::string* last_error) {
  timeval connect_timeout = {0, 200 * 1000};
  ContextPtr c(redisConnectWithTimeout("127.0.0.1", port, connect_timeout));
  if (c == nullptr || c->err != 0) {
    *last_error = c == nullptr ? "out of memory" : c->errstr;
    return Probe::kNotReady;
  }
  timeval io_timeout = {1, 0};
  redisSetTimeout(c.get(), io_timeout);
  ReplyPtr ping(static_cast<redisReply*>(redisCommand(c.get(), "PING")));
  if (ping == nullptr) {
    *last_error = c->errstr;
    return Probe::kNotReady;
  }
  if (ping->type != REDIS_REPLY_STATUS || std::string(ping->str, ping->len) != "PONG") {
    *last_error = ping->type == REDIS_REPLY_ERROR ? std::string(ping->str, ping->len)
                                                  : "unexpected PING reply";
    return Probe::kNotReady;
  }
  ReplyPtr info(static_cast<redisReply*>(redisCommand(c.get(), "INFO server")));
  if (info == nullptr || info->type != REDIS_REPLY_STRING) {
    *last_error = "INFO server failed";
    return Probe::kNotReady;
  }
  for (absl::string_view line : absl::StrSplit(absl::string_view(info->str, info->len), "\r\n")) {
    int64_t server_pid = 0;
    if (absl::ConsumePrefix(&line, "process_id:") && absl::SimpleAtoi(line, &server_pid)) {
      return server_pid == pid ? Probe::kReady : Probe::kSomeoneElse;
    }
  }
  *last_error = "INFO server has no process_id";
  return Probe::kNotReady;
}

}  // namespace

int PickFreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(RedisServerOptions options) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/bridging-redis-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(ErrnoText(absl::StrCat("mkdtemp ", pattern)));
  }
  // From here on the destructor removes the directory, whatever happens.
  std::unique_ptr<RedisServer> server(new RedisServer(pattern, -1));
  server->options_ = std::move(options);

  absl::Status status;
  // The port is free when picked but not reserved; if another process takes it first the
  // child exits ("Address already in use") and we try again with a new port.
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    server->port_ = PickFreeLoopbackPort();
    if (server->port_ <= 0) return absl::InternalError(ErrnoText("picking a free port"));
    status = server->WriteConfig();
    if (!status.ok()) return status;
    status = server->Launch();
    if (status.ok()) return server;
    if (server->running()) break;  // alive but not answering: another port will not help
  }
  return status;
}

RedisServer::~RedisServer() {
  if (running()) {
    (void)process_->Signal(SIGTERM);
    if (paused_) (void)process_->Signal(SIGCONT);
    WaitForExit(kStopTimeout);  // if not, ChildProcess's destructor SIGKILLs it
  }
  process_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);  // best effort: nothing useful to do on failure
}

std::string RedisServer::address() const { return absl::StrCat("127.0.0.1:", port_); }

absl::Status RedisServer::WriteConfig() const {
  std::string conf = absl::StrCat(                                //
      "bind 127.0.0.1\n",                                         //
      "port ", port_, "\n",                                       //
      "protected-mode yes\n",                                     //
      "daemonize no\n",                                           //
      "dir ", Quote(dir_), "\n",                                  //
      "logfile ", Quote(absl::StrCat(dir_, "/redis.log")), "\n",  //
      "appendonly yes\n",                                         //
      "appendfsync ", options_.appendfsync, "\n",                 //
      "save \"\"\n");
  for (const auto& [directive, value] : options_.extra_config) {
    absl::StrAppend(&conf, directive, " ", value, "\n");
  }
  std::string path = absl::StrCat(dir_, "/redis.conf");
  std::ofstream out(path, std::ios::trunc);
  out << conf;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::Status RedisServer::Launch() {
  const std::string binary = FindProgram("redis-server");
  if (binary.empty()) return absl::FailedPreconditionError("redis-server is not installed");
  absl::StatusOr<ChildProcess> child = ChildProcess::Start(
      {binary, absl::StrCat(dir_, "/redis.conf")}, {}, absl::StrCat(dir_, "/stdout.log"));
  if (!child.ok()) return child.status();
  process_.emplace(*std::move(child));
  paused_ = false;

  const absl::Time deadline = absl::Now() + kStartTimeout;
  std::string last_error = "no answer";
  while (true) {
    if (std::optional<int> code = process_->WaitForExit(absl::ZeroDuration())) {
      return absl::UnavailableError(absl::StrCat(binary, " on port ", port_,
                                                 " exited during start-up (exit code ", *code,
                                                 "): ", LogTail()));
    }
    Probe probe = ProbeServer(port_, process_->pid(), &last_error);
    if (probe == Probe::kReady) return absl::OkStatus();
    if (probe == Probe::kSomeoneElse) last_error = "another redis-server holds the port";
    if (absl::Now() >= deadline) break;
    absl::SleepFor(kPollInterval);
  }
  std::string log = LogTail();
  return absl::DeadlineExceededError(
      absl::StrCat("redis-server on port ", port_, " did not answer PING within ",
                   absl::FormatDuration(kStartTimeout), " (", last_error, "): ", log));
}

bool RedisServer::WaitForExit(absl::Duration timeout) {
  if (!running()) return true;
  if (!process_->WaitForExit(timeout).has_value()) return false;
  paused_ = false;
  return true;
}

std::string RedisServer::LogTail() const {
  std::ifstream in(absl::StrCat(dir_, "/redis.log"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string log = buffer.str();
  constexpr size_t kTail = 800;
  if (log.size() > kTail) log = "..." + log.substr(log.size() - kTail);
  return log.empty() ? "(empty log)" : log;
}

absl::Status RedisServer::Kill(int signal) {
  if (!running()) return absl::FailedPreconditionError("redis-server is not running");
  if (signal == SIGSTOP || signal == SIGCONT || signal == SIGTSTP || signal <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("Kill(", signal, ") would not end the process; use Pause/Resume"));
  }
  const pid_t pid = process_->pid();
  if (absl::Status sent = process_->Signal(signal); !sent.ok()) return sent;
  // A stopped process only acts on SIGKILL; let it run so it can handle the signal.
  if (paused_) (void)process_->Signal(SIGCONT);
  if (!WaitForExit(kStopTimeout)) {
    return absl::DeadlineExceededError(
        absl::StrCat("redis-server (pid ", pid, ") still running after signal ", signal));
  }
  return absl::OkStatus();
}

absl::Status RedisServer::Restart() {
  if (running()) {
    absl::Status stopped = Kill(SIGTERM);
    if (!stopped.ok()) return stopped;
  }
  return Launch();
}

absl::Status RedisServer::Pause() {
  if (!running()) return absl::FailedPreconditionError("redis-server is not running");
  if (absl::Status sent = process_->Signal(SIGSTOP); !sent.ok()) return sent;
  paused_ = true;
  return absl::OkStatus();
}

absl::Status RedisServer::Resume() {
  if (!running()) return absl::FailedPreconditionError("redis-server is not running");
  if (absl::Status sent = process_->Signal(SIGCONT); !sent.ok()) return sent;
  paused_ = false;
  return absl::OkStatus();
}

}  // namespace bridging::testing
