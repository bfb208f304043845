// Shared pieces of the benchmarks in bench/: closed- and open-loop load with per-call latency
// percentiles, CPU accounting per process, Redis checks, text tables, an in-process service host.
//
//   Measurement m = RunOpenLoop("UpdateAction", {.rate = 2000, .clients = 16,
//                                                .duration = absl::Seconds(5)}, op);
//   AttributeCpu(before, SampleCpu(redis_pid), /*caller_is_child=*/false, &m);
//   PrintCpuTable({&baseline, &m});
#pragma once

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/server/service_host.h"
#include "libs/store/redis_store.h"

namespace bridging::bench {

// Failure messages kept per phase.
inline constexpr size_t kMaxErrorsShown = 5;
// Other processes keeping this many cores busy during a phase make its figure, and so the
// ratio, unlike the other phases' (quiet runs here stay under 0.2).
inline constexpr double kNoisyOthersCores = 0.25;

// One timed phase: its calls, latencies and where the CPU went.
struct Measurement {
  std::string name;
  int64_t calls = 0;     // successful calls
  int64_t failures = 0;  // failed calls
  int64_t missed = 0;    // open loop: scheduled calls never sent (the clients fell behind)
  double seconds = 0;
  double ops_per_second = 0;
  // Per-call latency; in an open loop measured from the call's scheduled send time.
  std::optional<double> p50_ms;
  std::optional<double> p99_ms;
  std::optional<double> p999_ms;
  // Open loop: how late the client sent calls relative to their schedule (99th percentile).
  std::optional<double> late_p99_ms;
  std::vector<std::string> errors;  // the first few failure messages
  // CPU seconds spent during the phase (see AttributeCpu).
  double redis_cpu = 0;    // redis-server
  double client_cpu = 0;   // the calling threads, or a child process (redis-benchmark)
  double service_cpu = 0;  // the rest of this process (gRPC server, service, gRPC threads)
  double machine_cpu = 0;  // every process on the machine, ours included
  // Redis's own time executing the phase's write command (INFO commandstats usec_per_call),
  // e.g. SET, or EVALSHA for a Lua script (which includes the commands it runs).
  std::string redis_command;
  std::optional<double> redis_exec_us;
  // Calls of every command Redis ran during the phase, by lower-case name (those run inside
  // Lua scripts included).
  std::vector<std::pair<std::string, int64_t>> redis_calls;
};

// --- CPU accounting ---------------------------------------------------------------------------

// Cumulative CPU seconds (user + system) at one instant.
struct CpuSample {
  double redis = 0;     // the redis-server process
  double self = 0;      // this process, every thread
  double children = 0;  // this process's reaped children (e.g. redis-benchmark, once it exited)
  double machine = 0;   // all CPUs together, busy (see SampleCpu)
};

CpuSample SampleCpu(pid_t redis_pid);

// Splits the CPU spent between two samples over redis-server, the clients, the rest of this
// process and the machine. m->client_cpu already holds what the calling threads measured
// themselves (RunClosedLoop, RunOpenLoop); when `caller_is_child` the client is a child process.
void AttributeCpu(const CpuSample& before, const CpuSample& after, bool caller_is_child,
                  Measurement* m);

// Cores that processes other than ours kept busy during m's phase.
double OthersCores(const Measurement& m);

// --- latency ----------------------------------------------------------------------------------

// The q-th quantile (0..1) of `sorted_nanos`, in milliseconds, by nearest rank (the sample at
// index floor(q * n), so the p99 of fewer than 100 samples is the largest); none if empty.
std::optional<double> QuantileMs(const std::vector<int64_t>& sorted_nanos, double q);

// --- load -------------------------------------------------------------------------------------

// One call of client `client` (0-based); `iteration` counts that client's calls from 0.
using Op = std::function<absl::Status(int client, int64_t iteration)>;

// Runs `op` in a closed loop on `clients` threads for `duration` and times each call. A call
// that starts before the deadline is allowed to finish; the phase lasts until the last one
// has, and that whole span is what throughput is divided by.
Measurement RunClosedLoop(std::string name, int clients, absl::Duration duration, const Op& op);

struct OpenLoopOptions {
  double rate = 1000;  // calls per second, over all clients
  int clients = 1;
  absl::Duration duration = absl::Seconds(1);
  // Calls not sent by duration + max_overrun (the clients fell far behind) are counted as
  // missed instead.
  absl::Duration max_overrun = absl::Seconds(5);
};

// Runs `op` at a fixed rate: call k (over all clients) is scheduled at start + k / rate, and
// client k % clients sends it, at once if it is already late. Each call's latency is measured
// from its scheduled time, not from when it was sent, so a slow call also counts against the
// calls queued behind it (no coordinated omission). Throughput is the successful calls divided
// by the span from the start until the last call finished.
Measurement RunOpenLoop(std::string name, const OpenLoopOptions& options, const Op& op);

// Prints a phase's failures to stderr; true if there were any.
bool ReportFailures(const Measurement& m);

// --- Redis ------------------------------------------------------------------------------------

// Checks that redis-server runs with each (directive, value) of `want` (CONFIG GET) and returns
// its version.
absl::StatusOr<std::string> CheckRedisConfig(
    store::Store& store, const std::vector<std::pair<std::string, std::string>>& want);

// Zeroes Redis's per-command statistics, so the next phase's are its own.
absl::Status ResetCommandStats(store::Store& store);

// Records in `m` the usec_per_call of `command` (lower case, e.g. "evalsha") and the calls of
// every command from INFO commandstats.
absl::Status ReadCommandStats(store::Store& store, const std::string& command, Measurement* m);

// --- output -----------------------------------------------------------------------------------

// `value` with `decimals` decimals, or "-" when there is none.
std::string OrDash(const std::optional<double>& value, int decimals = 3);

// A plain text table written straight to stdout, one row at a time.
class TextTable {
 public:
  struct Column {
    std::string header;
    int width = 0;      // cells are padded to this width (never cut)
    bool left = false;  // left-aligned; otherwise right-aligned
    int gap = 1;        // spaces before the column (none before the first)
  };
  explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

  void PrintHeader() const;
  void PrintRow(const std::vector<std::string>& cells) const;

 private:
  std::vector<Column> columns_;
};

// The CPU-per-call table (redis, its time in the write command, client, service, busy cores,
// others' cores) with its caption, one row per measurement.
void PrintCpuTable(const std::vector<const Measurement*>& rows);

// A NOISY: line for each phase during which other processes kept kNoisyOthersCores busy.
void PrintNoisyWarnings(const std::vector<const Measurement*>& rows);

// Prints "<program>: <status>" to stderr and returns the exit code for a failed benchmark (1).
int Fail(absl::string_view program, const absl::Status& status);

// --- the service under test, in-process -------------------------------------------------------

// A store as the service binaries configure theirs (RedisOptions defaults for timeouts), so the
// service sees the connection pool it has in production.
std::unique_ptr<store::RedisStore> ServiceStore(int redis_port, int pool_size);

// A ServiceHost named `name` serving `services` (not owned) on 127.0.0.1:0 without metrics,
// ready once `store` answers PING, started.
absl::StatusOr<std::unique_ptr<server::ServiceHost>> StartHost(
    const std::string& name, const std::vector<grpc::Service*>& services, store::Store* store);

// A channel to 127.0.0.1:port with its own HTTP/2 connection (one per benchmark client).
std::shared_ptr<grpc::Channel> OwnChannel(int port, int index);

// A client context signed as `caller`, with a deadline.
std::unique_ptr<grpc::ClientContext> CallContext(const auth::PrincipalCodec& codec,
                                                 const auth::Principal& caller,
                                                 absl::Duration deadline = absl::Seconds(10));

}  // namespace bridging::bench
