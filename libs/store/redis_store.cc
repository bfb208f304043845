// RedisStore: hiredis 0.14 (blocking API) behind a connection pool, with every failure mapped
// to an absl::Status.
#include "libs/store/redis_store.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace bridging::store {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

timeval TimeoutTimeval(absl::Duration d) {
  if (d < absl::ZeroDuration()) d = absl::ZeroDuration();
  // A zero timeval means "no timeout" to hiredis; keep at least 1 ms.
  if (d < absl::Milliseconds(1)) d = absl::Milliseconds(1);
  return absl::ToTimeval(d);
}

// hiredis 0.14 writes with write(2), not send(MSG_NOSIGNAL): writing to a connection the
// server has closed raises SIGPIPE, whose default action kills the process. Rather than
// change the process-wide disposition, block SIGPIPE on this thread for the duration of the
// I/O and swallow any SIGPIPE it raised; the write itself then fails with EPIPE, which
// hiredis reports as an I/O error.
class ScopedSigpipeGuard {
 public:
  ScopedSigpipeGuard() {
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, &old_mask_);
  }
  ~ScopedSigpipeGuard() {
    if (!was_pending_) {
      sigset_t sigpipe;
      sigemptyset(&sigpipe);
      sigaddset(&sigpipe, SIGPIPE);
      const timespec no_wait = {0, 0};
      while (sigtimedwait(&sigpipe, nullptr, &no_wait) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  ScopedSigpipeGuard(const ScopedSigpipeGuard&) = delete;
  ScopedSigpipeGuard& operator=(const ScopedSigpipeGuard&) = delete;

 private:
  bool was_pending_ = false;
  sigset_t old_mask_;
};

// Sent (with no prefix of its own) to a connection over maxclients, which is then closed.
constexpr absl::string_view kMaxClientsError = "ERR max number of clients reached";

absl::Status Unavailable(absl::string_view address, absl::string_view reason) {
  return absl::UnavailableError(absl::StrCat("redis ", address, " unavailable: ", reason));
}

// The status for a connection-level failure recorded in `c` (hiredis sets c->err and
// c->errstr and returns NULL). The connection is unusable afterwards.
absl::Status ConnectionError(const redisContext* c, absl::string_view address,
                             absl::Duration command_timeout) {
  if (c == nullptr) return absl::ResourceExhaustedError("cannot allocate a hiredis context");
  const std::string reason = c->errstr;
  switch (c->err) {
    case REDIS_ERR_IO:
      // A read or write that hit SO_RCVTIMEO/SO_SNDTIMEO reports EAGAIN, whose text
      // ("Resource temporarily unavailable") would mislead anyone reading the log.
      if (reason == std::strerror(EAGAIN) || reason == std::strerror(EWOULDBLOCK)) {
        return Unavailable(address,
                           absl::StrCat("no reply within ", absl::FormatDuration(command_timeout),
                                        " (command timeout)"));
      }
      return Unavailable(address, reason);
    case REDIS_ERR_EOF:
      return Unavailable(address, "connection closed by the server");
    case REDIS_ERR_PROTOCOL:
      // Something other than Redis answers on the address: a deployment mistake, which like
      // the rest of this list the caller cannot fix by changing its request.
      return Unavailable(address, absl::StrCat("protocol error (is it a Redis server?): ", reason));
    case REDIS_ERR_OOM:
      return absl::ResourceExhaustedError(
          absl::StrCat("out of memory reading a reply from redis ", address));
    default:
      return Unavailable(address, reason.empty() ? "unknown connection error" : reason);
  }
}

// The status for an error reply ("-PREFIX message"). Which code matters: UNAVAILABLE tells the
// caller the same request may succeed later, INTERNAL that it will not.
absl::Status ErrorReplyStatus(absl::string_view message, absl::string_view address,
                              absl::string_view user) {
  const absl::string_view prefix = message.substr(0, message.find(' '));
  if (prefix == "LOADING" || prefix == "BUSY" || prefix == "MASTERDOWN" || prefix == "TRYAGAIN" ||
      prefix == "READONLY" || absl::StartsWith(message, kMaxClientsError)) {
    return Unavailable(address, message);
  }
  if (prefix == "OOM") {
    return absl::ResourceExhaustedError(
        absl::StrCat("redis ", address, " is out of memory: ", message));
  }
  const std::string who = user.empty() ? "the default user" : absl::StrCat("user '", user, "'");
  // Credentials and ACLs are configuration the client cannot fix; UNAVAILABLE (not
  // PERMISSION_DENIED) keeps callers from blaming their own request.
  if (prefix == "NOAUTH" || prefix == "WRONGPASS") {
    return Unavailable(
        address, absl::StrCat("the store rejected this service's credentials (", who,
                              "): ", message, " - check the service's Redis user and password"));
  }
  if (prefix == "NOPERM") {
    return Unavailable(address, absl::StrCat("the store's ACL does not allow this service (", who,
                                             ") this command or key: ", message,
                                             " - check the user's ACL rules and key prefix"));
  }
  return absl::InternalError(absl::StrCat("redis error: ", message));
}

// Copies a hiredis reply into a Reply. An error reply anywhere (also nested, e.g. inside
// EXEC's result) becomes the status.
absl::Status ConvertReply(const redisReply* r, absl::string_view address, absl::string_view user,
                          Reply* out) {
  if (r == nullptr) return absl::InternalError("redis returned no reply object");
  switch (r->type) {
    case REDIS_REPLY_NIL:
      *out = Reply::Nil();
      return absl::OkStatus();
    case REDIS_REPLY_INTEGER:
      *out = Reply::Integer(r->integer);
      return absl::OkStatus();
    case REDIS_REPLY_STRING:
      *out = Reply::String(r->str == nullptr ? std::string() : std::string(r->str, r->len));
      return absl::OkStatus();
    case REDIS_REPLY_STATUS:
      *out = Reply::Status(r->str == nullptr ? std::string() : std::string(r->str, r->len));
      return absl::OkStatus();
    case REDIS_REPLY_ERROR:
      return ErrorReplyStatus(
          r->str == nullptr ? absl::string_view() : absl::string_view(r->str, r->len), address,
          user);
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> elements(r->elements);
      for (size_t i = 0; i < r->elements; ++i) {
        absl::Status s = ConvertReply(r->element[i], address, user, &elements[i]);
        if (!s.ok()) return s;
      }
      *out = Reply::Array(std::move(elements));
      return absl::OkStatus();
    }
    default:
      return absl::InternalError(absl::StrCat("redis ", address, " sent reply type ", r->type,
                                              ", which hiredis 0.14 does not describe"));
  }
}

// Redis answers a malformed request, or a connection over maxclients, with an error and then
// closes the connection; it must not go back to the pool, where the next user would find it
// dead.
bool ServerWillClose(const redisReply* r) {
  if (r == nullptr || r->type != REDIS_REPLY_ERROR || r->str == nullptr) return false;
  const absl::string_view message(r->str, r->len);
  return absl::StartsWith(message, "ERR Protocol error") ||
         absl::StartsWith(message, kMaxClientsError);
}

bool IsErrorWithPrefix(const redisReply* r, absl::string_view prefix) {
  return r != nullptr && r->type == REDIS_REPLY_ERROR && r->str != nullptr &&
         absl::StartsWith(absl::string_view(r->str, r->len), prefix);
}

// Argument vectors in the form redisCommandArgv and redisAppendCommandArgv take; lengths are
// explicit, so arguments may hold any bytes.
struct Argv {
  explicit Argv(const std::vector<std::string>& args) {
    ptrs.reserve(args.size());
    lens.reserve(args.size());
    for (const std::string& a : args) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
  }
  int argc() const { return static_cast<int>(ptrs.size()); }
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
};

// Commands that leave a pooled connection in a state its next user does not expect.
bool ChangesConnectionState(const std::vector<std::string>& args) {
  const std::string name = absl::AsciiStrToUpper(args[0]);
  if (name == "AUTH" || name == "HELLO" || name == "SELECT" || name == "MONITOR" ||
      name == "SUBSCRIBE" || name == "PSUBSCRIBE" || name == "SSUBSCRIBE" || name == "WATCH" ||
      name == "QUIT" || name == "RESET" || name == "SYNC" || name == "PSYNC") {
    return true;
  }
  return name == "CLIENT" && args.size() > 1 && absl::EqualsIgnoreCase(args[1], "REPLY");
}

absl::Status ValidateCommand(const std::vector<std::string>& args) {
  if (args.empty()) return absl::InvalidArgumentError("redis command is empty");
  if (ChangesConnectionState(args)) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis command ", args[0], " would change the state of a pooled connection"));
  }
  return absl::OkStatus();
}

}  // namespace

// --- options -------------------------------------------------------------------------------

absl::StatusOr<RedisOptions> ParseRedisAddress(absl::string_view host_port) {
  const std::string quoted = absl::StrCat("redis address \"", host_port, "\"");
  if (host_port.empty()) {
    return absl::InvalidArgumentError("redis address is empty; want host:port");
  }
  RedisOptions options;
  absl::string_view host;
  absl::string_view port;
  bool has_port = false;
  if (host_port.front() == '[') {
    const size_t close = host_port.find(']');
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(quoted, ": missing ']'"));
    }
    host = host_port.substr(1, close - 1);
    absl::string_view rest = host_port.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return absl::InvalidArgumentError(absl::StrCat(quoted, ": want [host]:port"));
      }
      port = rest.substr(1);
      has_port = true;
    }
  } else {
    const size_t colon = host_port.rfind(':');
    if (colon != absl::string_view::npos) {
      if (host_port.find(':') != colon) {
        return absl::InvalidArgumentError(
            absl::StrCat(quoted, ": write IPv6 addresses as [address]:port"));
      }
      host = host_port.substr(0, colon);
      port = host_port.substr(colon + 1);
      has_port = true;
    } else {
      host = host_port;
    }
  }
  if (host.empty()) return absl::InvalidArgumentError(absl::StrCat(quoted, ": host is empty"));
  options.host = std::string(host);
  if (has_port) {
    int value = 0;
    if (!absl::SimpleAtoi(port, &value) || value < 1 || value > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat(quoted, ": port \"", port, "\" is not a number in 1..65535"));
    }
    options.port = value;
  }
  return options;
}

// --- the pool -------------------------------------------------------------------------------

void RedisStore::ContextDeleter::operator()(redisContext* c) const {
  if (c != nullptr) redisFree(c);
}

class RedisStore::Lease {
 public:
  Lease(RedisStore* store, ContextPtr connection)
      : store_(store), connection_(std::move(connection)) {}
  ~Lease() {
    // hiredis sets err on any I/O or protocol failure; such a context is never reused.
    const bool reusable = !broken_ && connection_->err == 0;
    store_->Release(std::move(connection_), reusable);
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  redisContext* get() const { return connection_.get(); }
  void MarkBroken() { broken_ = true; }

 private:
  RedisStore* store_;
  ContextPtr connection_;
  bool broken_ = false;
};

namespace {

// True when an idle connection still looks usable: the server has not closed it (a restarted
// or killed Redis closes every socket) and no unread bytes are waiting (which would mean the
// protocol is out of step). Costs one non-blocking recv, no round trip.
bool LooksAlive(const redisContext* c) {
  if (c->err != 0) return false;
  char byte;
  const ssize_t n = recv(c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  return false;  // 0: closed by the server; > 0: unexpected unread data
}

}  // namespace

RedisStore::RedisStore(RedisOptions options)
    : options_(std::move(options)),
      address_(absl::StrContains(options_.host, ':')
                   ? absl::StrCat("[", options_.host, "]:", options_.port)
                   : absl::StrCat(options_.host, ":", options_.port)),
      backoff_(options_.initial_backoff) {}

std::unique_ptr<RedisStore> RedisStore::Create(RedisOptions options) {
  options.pool_size = std::max(1, options.pool_size);
  options.max_backoff = std::max(options.max_backoff, options.initial_backoff);
  return std::unique_ptr<RedisStore>(new RedisStore(std::move(options)));
}

RedisStore::~RedisStore() = default;

absl::StatusOr<RedisStore::ContextPtr> RedisStore::Connect() const {
  ContextPtr c(redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                       TimeoutTimeval(options_.connect_timeout)));
  if (c == nullptr || c->err != 0) {
    return ConnectionError(c.get(), address_, options_.command_timeout);
  }
  // redisConnectWithTimeout bounds only the connect; without this a read from a Redis that
  // has stopped answering would block forever.
  if (redisSetTimeout(c.get(), TimeoutTimeval(options_.command_timeout)) != REDIS_OK) {
    return ConnectionError(c.get(), address_, options_.command_timeout);
  }
  if (!options_.password.empty()) {
    std::vector<std::string> auth = {"AUTH"};
    if (!options_.user.empty()) auth.push_back(options_.user);
    auth.push_back(options_.password);
    Argv argv(auth);
    ScopedSigpipeGuard sigpipe;
    ReplyPtr reply(static_cast<redisReply*>(
        redisCommandArgv(c.get(), argv.argc(), argv.ptrs.data(), argv.lens.data())));
    if (reply == nullptr) return ConnectionError(c.get(), address_, options_.command_timeout);
    Reply ignored;
    absl::Status status = ConvertReply(reply.get(), address_, options_.user, &ignored);
    if (!status.ok()) return status;
  }
  return c;
}

absl::StatusOr<RedisStore::ContextPtr> RedisStore::Acquire() {
  const absl::Time deadline = absl::Now() + options_.command_timeout;
  std::vector<ContextPtr> stale;  // closed after the lock is released
  {
    absl::MutexLock lock(&mu_);
    // Whoever takes a connection or a slot and leaves more behind wakes the next waiter, so
    // one Signal per release is enough even when several slots free up at once.
    auto pass_on = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      if (!idle_.empty() || open_ < options_.pool_size) returned_.Signal();
    };
    auto backoff_error = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      const absl::Duration left = absl::Trunc(
          std::max(next_connect_ - absl::Now(), absl::ZeroDuration()), absl::Milliseconds(1));
      return Unavailable(address_, absl::StrCat(last_connect_error_, " (next attempt in ",
                                                absl::FormatDuration(left), ")"));
    };
    while (true) {
      while (!idle_.empty()) {
        ContextPtr c = std::move(idle_.back());
        idle_.pop_back();
        if (LooksAlive(c.get())) {
          pass_on();
          return c;
        }
        --open_;
        stale.push_back(std::move(c));
      }
      const bool can_open = open_ < options_.pool_size;
      const bool backing_off = absl::Now() < next_connect_;
      if (can_open && !backing_off) {
        ++open_;  // reserve the slot while connecting without the lock
        pass_on();
        break;
      }
      // A connection attempt failed moments ago, so another would most likely fail too and
      // only add load to a struggling server. With no connection to wait for, fail fast.
      if (can_open && open_ == 0) return backoff_error();
      absl::Time wake = deadline;
      if (can_open) wake = std::min(wake, next_connect_);  // retry when the backoff ends
      returned_.WaitWithDeadline(&mu_, wake);
      if (absl::Now() >= deadline && idle_.empty()) {
        if (open_ < options_.pool_size && absl::Now() < next_connect_) return backoff_error();
        if (open_ >= options_.pool_size) {
          return Unavailable(
              address_, absl::StrCat("all ", options_.pool_size, " connections stayed busy for ",
                                     absl::FormatDuration(options_.command_timeout)));
        }
      }
    }
  }

  absl::StatusOr<ContextPtr> connection = Connect();

  absl::MutexLock lock(&mu_);
  if (connection.ok()) {
    backoff_ = options_.initial_backoff;
    next_connect_ = absl::InfinitePast();
    return connection;
  }
  --open_;
  const std::string prefix = absl::StrCat("redis ", address_, " unavailable: ");
  absl::string_view message = connection.status().message();
  absl::ConsumePrefix(&message, prefix);
  last_connect_error_ = std::string(message);
  next_connect_ = absl::Now() + backoff_;
  backoff_ = std::min(backoff_ * 2, options_.max_backoff);
  returned_.Signal();  // the slot is free again; a waiter may use it (and fail fast)
  return connection.status();
}

void RedisStore::Release(ContextPtr connection, bool reusable) {
  ContextPtr discarded;  // closed after the lock is released
  absl::MutexLock lock(&mu_);
  if (reusable) {
    idle_.push_back(std::move(connection));
  } else {
    discarded = std::move(connection);
    --open_;
  }
  returned_.Signal();
}

// --- operations -----------------------------------------------------------------------------

absl::StatusOr<Reply> RedisStore::Command(const std::vector<std::string>& args) {
  absl::Status valid = ValidateCommand(args);
  if (!valid.ok()) return valid;
  const std::string name = absl::AsciiStrToUpper(args[0]);
  if (name == "MULTI" || name == "EXEC" || name == "DISCARD") {
    return absl::InvalidArgumentError(
        absl::StrCat("redis command ", args[0],
                     " needs its transaction in one Pipeline (MULTI ... EXEC), or use a script"));
  }
  absl::StatusOr<ContextPtr> connection = Acquire();
  if (!connection.ok()) return connection.status();
  Lease lease(this, *std::move(connection));

  Argv argv(args);
  ReplyPtr reply;
  {
    ScopedSigpipeGuard sigpipe;
    reply.reset(static_cast<redisReply*>(
        redisCommandArgv(lease.get(), argv.argc(), argv.ptrs.data(), argv.lens.data())));
  }
  return TakeReply(lease, reply.release());
}

absl::StatusOr<std::vector<Reply>> RedisStore::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  if (commands.empty()) return std::vector<Reply>();
  // A MULTI must be closed within the same pipeline, or the connection would go back to the
  // pool in the middle of a transaction.
  bool in_transaction = false;
  for (const std::vector<std::string>& args : commands) {
    absl::Status valid = ValidateCommand(args);
    if (!valid.ok()) return valid;
    const std::string name = absl::AsciiStrToUpper(args[0]);
    if (name == "MULTI") {
      if (in_transaction) return absl::InvalidArgumentError("redis pipeline nests MULTI");
      in_transaction = true;
    } else if (name == "EXEC" || name == "DISCARD") {
      if (!in_transaction) {
        return absl::InvalidArgumentError(
            absl::StrCat("redis pipeline has ", args[0], " without MULTI"));
      }
      in_transaction = false;
    }
  }
  if (in_transaction) {
    return absl::InvalidArgumentError("redis pipeline has MULTI without EXEC or DISCARD");
  }

  absl::StatusOr<ContextPtr> connection = Acquire();
  if (!connection.ok()) return connection.status();
  Lease lease(this, *std::move(connection));

  ScopedSigpipeGuard sigpipe;
  for (const std::vector<std::string>& args : commands) {
    Argv argv(args);
    // Only buffers the command (fails only when out of memory); the first redisGetReply
    // writes them all.
    if (redisAppendCommandArgv(lease.get(), argv.argc(), argv.ptrs.data(), argv.lens.data()) !=
        REDIS_OK) {
      lease.MarkBroken();
      return ConnectionError(lease.get(), address_, options_.command_timeout);
    }
  }
  std::vector<Reply> replies(commands.size());
  absl::Status first_error;
  // Every reply is read even after an error reply, so the connection stays in step and can
  // go back to the pool.
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(lease.get(), &raw) != REDIS_OK || raw == nullptr) {
      if (raw != nullptr) freeReplyObject(raw);
      lease.MarkBroken();
      return ConnectionError(lease.get(), address_, options_.command_timeout);
    }
    ReplyPtr reply(static_cast<redisReply*>(raw));
    if (ServerWillClose(reply.get())) lease.MarkBroken();
    absl::Status status = ConvertReply(reply.get(), address_, options_.user, &replies[i]);
    if (!status.ok() && first_error.ok()) {
      first_error = absl::Status(
          status.code(), absl::StrCat("pipeline command ", i + 1, " of ", commands.size(), " (",
                                      commands[i][0], "): ", status.message()));
    }
  }
  if (!first_error.ok()) return first_error;
  return replies;
}

absl::StatusOr<Reply> RedisStore::RunScript(const Script& script,
                                            const std::vector<std::string>& keys,
                                            const std::vector<std::string>& args) {
  std::vector<std::string> evalsha;
  evalsha.reserve(3 + keys.size() + args.size());
  evalsha.push_back("EVALSHA");
  evalsha.push_back(script.sha1());
  evalsha.push_back(absl::StrCat(keys.size()));
  evalsha.insert(evalsha.end(), keys.begin(), keys.end());
  evalsha.insert(evalsha.end(), args.begin(), args.end());
  Argv argv(evalsha);

  absl::StatusOr<ContextPtr> connection = Acquire();
  if (!connection.ok()) return connection.status();
  Lease lease(this, *std::move(connection));
  ScopedSigpipeGuard sigpipe;

  auto run = [&]() {
    return ReplyPtr(static_cast<redisReply*>(
        redisCommandArgv(lease.get(), argv.argc(), argv.ptrs.data(), argv.lens.data())));
  };
  ReplyPtr reply = run();
  if (IsErrorWithPrefix(reply.get(), "NOSCRIPT")) {
    // The server does not have the script (first use, restart without it, SCRIPT FLUSH):
    // load it on this connection and try once more.
    const std::vector<std::string> load_args = {"SCRIPT", "LOAD", script.source()};
    Argv load_argv(load_args);
    ReplyPtr load(static_cast<redisReply*>(redisCommandArgv(
        lease.get(), load_argv.argc(), load_argv.ptrs.data(), load_argv.lens.data())));
    if (load == nullptr) {
      lease.MarkBroken();
      return ConnectionError(lease.get(), address_, options_.command_timeout);
    }
    Reply loaded;
    absl::Status status = ConvertReply(load.get(), address_, options_.user, &loaded);
    if (!status.ok()) return status;
    if (loaded.str != script.sha1()) {
      return absl::InternalError(absl::StrCat("redis ", address_, " loaded the script as ",
                                              loaded.str, ", expected ", script.sha1()));
    }
    reply = run();
  }
  return TakeReply(lease, reply.release());
}

absl::StatusOr<Reply> RedisStore::TakeReply(Lease& lease, redisReply* raw) const {
  ReplyPtr reply(raw);
  if (reply == nullptr) {
    lease.MarkBroken();
    return ConnectionError(lease.get(), address_, options_.command_timeout);
  }
  if (ServerWillClose(reply.get())) lease.MarkBroken();
  Reply out;
  absl::Status status = ConvertReply(reply.get(), address_, options_.user, &out);
  if (!status.ok()) return status;
  return out;
}

absl::Status RedisStore::Ping() {
  absl::StatusOr<Reply> reply = Command({"PING"});
  if (!reply.ok()) return reply.status();
  if (!reply->is_status() || reply->str != "PONG") {
    return absl::InternalError(
        absl::StrCat("redis ", address_, " answered PING with ", reply->DebugString()));
  }
  return absl::OkStatus();
}

}  // namespace bridging::store
