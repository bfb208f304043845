// Starts and stops a private PostgreSQL 15 (initdb + postgres as child processes via
// libs/testing/child_process.h) and wraps the few libpq calls the benchmarks need.
#include "bench/postgres_server.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/testing/redis_server.h"

namespace bridging::bench {
namespace {

constexpr absl::Duration kInitdbTimeout = absl::Seconds(120);
constexpr absl::Duration kStartTimeout = absl::Seconds(60);
constexpr absl::Duration kStopTimeout = absl::Seconds(30);
constexpr absl::Duration kPollInterval = absl::Milliseconds(20);
constexpr int kStartAttempts = 4;
constexpr int64_t kMiB = 1024 * 1024;

// The server's message for a failed statement (libpq's own when there is no result at all).
std::string ErrorOf(PGconn* conn, const PGresult* result, const std::string& sql) {
  absl::string_view message = result != nullptr ? PQresultErrorMessage(result) : "";
  if (message.empty()) message = PQerrorMessage(conn);
  return absl::StrCat(absl::StripTrailingAsciiWhitespace(message), " in: ", sql.substr(0, 200));
}

std::string ErrnoText(absl::string_view what) {
  return absl::StrCat(what, ": ", std::strerror(errno));
}

int64_t PhysicalMemoryMb() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return 4096;  // unknown: assume a small machine
  return static_cast<int64_t>(pages) * page_size / kMiB;
}

struct Account {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// The first of `names` that exists in the user database.
absl::StatusOr<Account> FindAccount(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    std::vector<char> buffer(16384);
    passwd entry = {};
    passwd* found = nullptr;
    if (getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) == 0 &&
        found != nullptr) {
      return Account{name, found->pw_uid, found->pw_gid};
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat("PostgreSQL cannot run as root and none of these users exists: ",
                   absl::StrJoin(names, ", ")));
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start(
    PostgresServerOptions options) {
  const std::string initdb = absl::StrCat(options.bin_dir, "/initdb");
  const std::string postgres = absl::StrCat(options.bin_dir, "/postgres");
  for (const std::string& program : {initdb, postgres}) {
    if (access(program.c_str(), X_OK) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          program, " not found: install PostgreSQL 15 (Debian package postgresql-15)"));
    }
  }

  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/bridging-postgres-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(ErrnoText(absl::StrCat("mkdtemp ", pattern)));
  }
  // From here on the destructor removes the directory, whatever happens.
  std::unique_ptr<PostgresServer> server(new PostgresServer(pattern));

  // Programs run through setpriv, which gives them a parent-death signal that survives the
  // change of user (the kernel clears the one ChildProcess sets when the user changes), and
  // SIGQUIT rather than SIGKILL so the server takes its backends and shared memory with it.
  std::vector<std::string> prefix;
  const std::string setpriv = testing::FindProgram("setpriv");
  if (geteuid() == 0) {
    if (setpriv.empty()) {
      return absl::FailedPreconditionError(
          "running as root needs setpriv (Debian package util-linux) to run PostgreSQL as "
          "another user");
    }
    absl::StatusOr<Account> account =
        FindAccount(options.run_as_user.empty() ? std::vector<std::string>{"postgres", "nobody"}
                                                : std::vector<std::string>{options.run_as_user});
    if (!account.ok()) return account.status();
    if (chown(server->dir_.c_str(), account->uid, account->gid) != 0) {
      return absl::InternalError(ErrnoText(absl::StrCat("chown ", server->dir_)));
    }
    server->user_ = account->name;
    prefix = {setpriv, absl::StrCat("--reuid=", account->uid),
              absl::StrCat("--regid=", account->gid), "--clear-groups", "--pdeathsig=SIGQUIT"};
  } else {
    std::vector<char> buffer(16384);
    passwd entry = {};
    passwd* found = nullptr;
    server->user_ =
        getpwuid_r(geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr
            ? found->pw_name
            : absl::StrCat("uid ", geteuid());
    if (!setpriv.empty()) prefix = {setpriv, "--pdeathsig=SIGQUIT"};
  }

  // C locale: byte-wise text comparison, as hex pseudonyms need, and no locale cost in sorts.
  std::vector<std::string> init = prefix;
  for (const std::string& arg : {initdb, absl::StrCat("--pgdata=", server->dir_, "/data"),
                                 absl::StrCat("--username=", kUser), std::string("--auth=trust"),
                                 std::string("--encoding=UTF8"), std::string("--locale=C"),
                                 std::string("--no-sync"), std::string("--no-instructions")}) {
    init.push_back(arg);
  }
  absl::StatusOr<std::string> initialized = testing::RunAndCapture(init, kInitdbTimeout);
  if (!initialized.ok()) {
    return absl::InternalError(absl::StrCat("initdb as ", server->user_, " in ", server->dir_,
                                            " failed (is the directory reachable by that user? "
                                            "set TMPDIR): ",
                                            initialized.status().message()));
  }

  const int64_t memory_mb = PhysicalMemoryMb();
  const int64_t shared_buffers_mb = options.shared_buffers_mb > 0
                                        ? options.shared_buffers_mb
                                        : std::clamp<int64_t>(memory_mb / 4, 128, 8192);
  server->settings_ = {
      {"listen_addresses", "127.0.0.1"},
      {"unix_socket_directories", server->dir_},
      // Durability off: the benchmark measures query and load work, not the disk.
      {"fsync", "off"},
      {"synchronous_commit", "off"},
      {"full_page_writes", "off"},
      // With minimal WAL, COPY into a table created in the same transaction writes no WAL.
      {"wal_level", "minimal"},
      {"max_wal_senders", "0"},
      {"max_wal_size", "8GB"},
      {"checkpoint_timeout", "1h"},
      {"shared_buffers", absl::StrCat(shared_buffers_mb, "MB")},
      {"effective_cache_size", absl::StrCat(std::max<int64_t>(memory_mb / 2, 256), "MB")},
      {"work_mem", "64MB"},
      {"maintenance_work_mem", "1GB"},
      {"max_parallel_workers_per_gather", absl::StrCat(options.max_parallel_workers_per_gather)},
      // The data is in memory: index pages cost about what sequential ones do.
      {"random_page_cost", "1.1"},
      // The benchmark runs ANALYZE itself; a background vacuum would disturb the timings.
      {"autovacuum", "off"},
      // JIT compiles each of these sub-second queries for about as long as it runs them.
      {"jit", "off"},
  };
  for (const auto& setting : options.extra_settings) server->settings_.push_back(setting);

  absl::Status status;
  // The port is free when picked but not reserved; if another process takes it first postgres
  // exits and we try again with a new port.
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    server->port_ = testing::PickFreeLoopbackPort();
    if (server->port_ <= 0) return absl::InternalError(ErrnoText("picking a free port"));
    status = server->Launch(postgres, prefix);
    if (status.ok()) return server;
    if (server->process_ && server->process_->running()) break;  // alive but not answering
  }
  return status;
}

absl::Status PostgresServer::Launch(const std::string& postgres,
                                    const std::vector<std::string>& prefix) {
  std::vector<std::string> argv = prefix;
  argv.push_back(postgres);
  argv.push_back("-D");
  argv.push_back(absl::StrCat(dir_, "/data"));
  argv.push_back("-p");
  argv.push_back(absl::StrCat(port_));
  for (const auto& [name, value] : settings_) {
    argv.push_back("-c");
    argv.push_back(absl::StrCat(name, "=", value));
  }
  absl::StatusOr<testing::ChildProcess> child =
      testing::ChildProcess::Start(argv, {}, absl::StrCat(dir_, "/postgres.log"));
  if (!child.ok()) return child.status();
  process_.emplace(*std::move(child));

  // Ready once the Unix socket in our own directory accepts a connection: no other server
  // can be behind it, so the TCP port is ours too.
  const std::string local = absl::StrCat("host=", dir_, " port=", port_,
                                         " dbname=postgres user=", kUser, " connect_timeout=2");
  const absl::Time deadline = absl::Now() + kStartTimeout;
  while (PQping(local.c_str()) != PQPING_OK) {
    if (std::optional<int> code = process_->WaitForExit(absl::ZeroDuration())) {
      process_.reset();
      return absl::UnavailableError(absl::StrCat("postgres on port ", port_,
                                                 " exited during start-up (exit code ", *code,
                                                 "): ", LogTail()));
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("postgres on port ", port_, " did not accept connections within ",
                       absl::FormatDuration(kStartTimeout), ": ", LogTail()));
    }
    absl::SleepFor(kPollInterval);
  }
  {
    absl::StatusOr<PgConnection> admin = ConnectPostgres(local);
    if (!admin.ok()) return admin.status();
    absl::Status created = PgExec(admin->get(), absl::StrCat("CREATE DATABASE ", kDatabase));
    if (!created.ok()) return created;
  }
  absl::StatusOr<PgConnection> conn = ConnectPostgres(ConnectionString());
  if (!conn.ok()) return conn.status();
  absl::StatusOr<PgResult> version = PgQuery(conn->get(), "SHOW server_version");
  if (!version.ok()) return version.status();
  version_ = PQgetvalue(version->get(), 0, 0);
  return absl::OkStatus();
}

PostgresServer::~PostgresServer() {
  (void)Stop();  // on failure ChildProcess's destructor has SIGKILLed it
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);  // best effort: nothing useful to do on failure
}

std::string PostgresServer::ConnectionString() const {
  return absl::StrCat("host=127.0.0.1 port=", port_, " dbname=", kDatabase, " user=", kUser,
                      " connect_timeout=10 application_name=bridging-bench",
                      // NOTICEs ("table ... does not exist, skipping") would go to stderr.
                      " options='-c client_min_messages=warning'");
}

absl::Status PostgresServer::Stop() {
  if (!process_ || !process_->running()) {
    process_.reset();
    return absl::OkStatus();
  }
  const pid_t pid = process_->pid();
  absl::Status status = process_->Signal(SIGINT);
  if (status.ok() && !process_->WaitForExit(kStopTimeout).has_value()) {
    status = absl::DeadlineExceededError(absl::StrCat("postgres (pid ", pid, ") still running ",
                                                      absl::FormatDuration(kStopTimeout),
                                                      " after SIGINT; killed"));
  }
  process_.reset();  // SIGKILLs a server still running
  return status;
}

std::string PostgresServer::LogTail() const {
  std::string log = testing::ReadFile(absl::StrCat(dir_, "/postgres.log"));
  constexpr size_t kTail = 1200;
  if (log.size() > kTail) log = "..." + log.substr(log.size() - kTail);
  return log.empty() ? "(empty log)" : log;
}

absl::StatusOr<PgConnection> ConnectPostgres(const std::string& conninfo) {
  PgConnection conn(PQconnectdb(conninfo.c_str()));
  if (conn == nullptr) return absl::ResourceExhaustedError("PQconnectdb: out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return absl::UnavailableError(
        absl::StrCat("connecting to PostgreSQL (", conninfo,
                     "): ", absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn.get()))));
  }
  return conn;
}

absl::Status PgExec(PGconn* conn, const std::string& sql) {
  PgResult result(PQexec(conn, sql.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return absl::OkStatus();
  return absl::InternalError(ErrorOf(conn, result.get(), sql));
}

absl::StatusOr<PgResult> PgQuery(PGconn* conn, const std::string& sql) {
  PgResult result(PQexec(conn, sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    return absl::InternalError(ErrorOf(conn, result.get(), sql));
  }
  return result;
}

}  // namespace bridging::bench
