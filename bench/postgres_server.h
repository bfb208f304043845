// A private PostgreSQL 15 for a benchmark: initdb into a fresh temporary directory, postgres on
// a free loopback port with settings for benchmarking (no fsync), stopped and deleted on
// destruction; and small libpq helpers to talk to it.
//
//   absl::StatusOr<std::unique_ptr<PostgresServer>> pg = PostgresServer::Start();
//   if (!pg.ok()) return Fail(kProgram, pg.status());
//   absl::StatusOr<PgConnection> conn = ConnectPostgres((*pg)->ConnectionString());
//   absl::StatusOr<PgResult> rows = PgQuery(conn->get(), "SELECT 1");
//
// PostgreSQL refuses to run as root. When this process is root, initdb and postgres run as
// the user "postgres" (else "nobody") through setpriv(1), which also owns the directory.
//
// The server dies with this process (parent-death signal) even if it crashes. Linux ties that
// signal to the thread that started the server: start it from the main thread.
#pragma once

#include <libpq-fe.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/testing/child_process.h"

namespace bridging::bench {

struct PostgresServerOptions {
  // Where initdb and postgres are (Debian package postgresql-15).
  std::string bin_dir = "/usr/lib/postgresql/15/bin";
  // 0: a quarter of the machine's memory, at most 8 GiB (6 GiB on a 24 GiB machine).
  int64_t shared_buffers_mb = 0;
  int max_parallel_workers_per_gather = 2;
  // Further settings (name, value), passed as -c name=value after the defaults, so they win.
  std::vector<std::pair<std::string, std::string>> extra_settings;
  // The user to run as when this process is root; empty: "postgres", else "nobody".
  std::string run_as_user;
};

// One postgres child process. Not thread-safe: drive it from one thread.
class PostgresServer {
 public:
  // The superuser (trust authentication on loopback) and the database created for it.
  static constexpr char kUser[] = "bench";
  static constexpr char kDatabase[] = "bench";

  // Creates the directory, runs initdb, starts postgres and waits (at most 60 s) until it
  // accepts connections. FAILED_PRECONDITION when PostgreSQL 15 is not installed.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start(PostgresServerOptions options = {});

  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;
  // Stop(), then removes the directory.
  ~PostgresServer();

  int port() const { return port_; }
  // The temporary directory: data/ (the cluster), the log and the Unix socket.
  const std::string& dir() const { return dir_; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  // "15.x (Debian ...)", from SHOW server_version.
  const std::string& version() const { return version_; }
  // The user the server runs as (this process's user unless it is root).
  const std::string& user() const { return user_; }
  // Every -c setting the server was started with, in order.
  const std::vector<std::pair<std::string, std::string>>& settings() const { return settings_; }

  // A libpq connection string for kDatabase as kUser over TCP on 127.0.0.1 (NOTICEs off).
  std::string ConnectionString() const;

  // Fast shutdown (SIGINT: running queries are cancelled, the server exits cleanly) and waits
  // up to 30 s; SIGKILL after that. Idempotent.
  absl::Status Stop();

  // The last lines of the server's log, for error messages.
  std::string LogTail() const;

 private:
  explicit PostgresServer(std::string dir) : dir_(std::move(dir)) {}

  // Starts postgres on port_ and waits until it accepts connections on its Unix socket (which
  // no other server can own), then over TCP.
  absl::Status Launch(const std::string& postgres, const std::vector<std::string>& prefix);

  std::string dir_;
  int port_ = -1;
  std::string version_;
  std::string user_;
  std::vector<std::pair<std::string, std::string>> settings_;
  std::optional<testing::ChildProcess> process_;
};

// --- libpq ------------------------------------------------------------------------------------

struct PgConnectionDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PgResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgConnection = std::unique_ptr<PGconn, PgConnectionDeleter>;
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// UNAVAILABLE with libpq's message if the connection fails.
absl::StatusOr<PgConnection> ConnectPostgres(const std::string& conninfo);

// Runs one or more statements that return no rows (INTERNAL with the server's message on
// error).
absl::Status PgExec(PGconn* conn, const std::string& sql);

// Runs one query that returns rows.
absl::StatusOr<PgResult> PgQuery(PGconn* conn, const std::string& sql);

}  // namespace bridging::bench
