// Durable RecordConsent writes/s through gRPC as a ratio of redis-benchmark SET, same run.
//
// One redis-server (appendonly yes, appendfsync always) serves three closed-loop measurements
// with the same number of concurrent clients, one after another:
//   1. redis-benchmark SET -d 200 (the baseline: what this disk and this Redis can fsync),
//   2. SET through bridging::store::RedisStore from N threads (our hiredis pool, no gRPC),
//   3. RecordConsent through the in-process consent service, one channel per client.
// Machines running this are noisy, so the ratios matter, not the absolute numbers.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bridging/consent/v1/consent.grpc.pb.h"
#include "libs/auth/principal.h"
#include "libs/common/grpc_status.h"
#include "libs/server/service_host.h"
#include "libs/store/redis_store.h"
#include "libs/testing/redis_server.h"
#include "services/consent/consent_manager.h"
#include "services/consent/consent_service.h"
#include "services/consent/contribution_manager.h"

ABSL_FLAG(int, seconds, 5, "Duration of each timed phase (RedisStore SET, RecordConsent)");
ABSL_FLAG(int, clients, 50, "Concurrent clients in every phase (redis-benchmark -c)");
ABSL_FLAG(int, baseline_requests, 300000,
          "redis-benchmark -n: SET requests in the baseline (pick it so it runs about --seconds)");
ABSL_FLAG(int, service_pool_size, 16,
          "Redis connections of the consent service (the consent binary's --redis_pool_size "
          "default)");

namespace bridging::bench {
namespace {

namespace v1 = consent::v1;

constexpr char kCharity[] = "charities/bench";
constexpr int kValueBytes = 200;  // redis-benchmark -d
constexpr absl::Duration kRpcDeadline = absl::Seconds(10);
constexpr absl::Duration kBaselineTimeout = absl::Minutes(10);
constexpr absl::Duration kWarmUp = absl::Seconds(1);
constexpr size_t kMaxErrorsShown = 5;
// Other processes keeping this many cores busy during a phase make its figure, and so the
// ratio, unlike the other phases' (quiet runs here stay under 0.2).
constexpr double kNoisyOthersCores = 0.25;

// Exit codes: 1 = the benchmark failed or a call failed, 2 = redis-benchmark is missing.
constexpr int kExitFailed = 1;
constexpr int kExitNoRedisBenchmark = 2;

// One row of the result table.
struct Measurement {
  std::string name;
  int64_t calls = 0;     // successful calls
  int64_t failures = 0;  // failed calls
  double seconds = 0;
  double ops_per_second = 0;
  std::optional<double> p50_ms;
  std::optional<double> p99_ms;
  std::vector<std::string> errors;  // the first few failure messages
  // CPU seconds spent during the phase (see AttributeCpu).
  double redis_cpu = 0;    // redis-server
  double client_cpu = 0;   // the calling threads, or redis-benchmark for the baseline
  double service_cpu = 0;  // the rest of this process (gRPC server, service, gRPC threads)
  double machine_cpu = 0;  // every process on the machine, ours included
  // Redis's own time executing the phase's write command (INFO commandstats usec_per_call):
  // SET, or EVALSHA for the atomic-write script (which includes the commands it runs).
  std::string redis_command;
  std::optional<double> redis_exec_us;
};

// Cumulative CPU seconds (user + system) at one instant.
struct CpuSample {
  double redis = 0;     // the redis-server process
  double self = 0;      // this process, every thread
  double children = 0;  // this process's reaped children (redis-benchmark, once it exited)
  double machine = 0;   // all CPUs, from /proc/stat
};

double Seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; }

// The whitespace-separated fields of the first line of `path`.
std::vector<std::string> ReadFields(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return absl::StrSplit(line, ' ', absl::SkipEmpty());
}

CpuSample SampleCpu(pid_t redis_pid) {
  const double tick = 1.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
  CpuSample sample;
  rusage usage = {};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    sample.self = Seconds(usage.ru_utime) + Seconds(usage.ru_stime);
  }
  if (getrusage(RUSAGE_CHILDREN, &usage) == 0) {
    sample.children = Seconds(usage.ru_utime) + Seconds(usage.ru_stime);
  }
  // /proc/<pid>/stat: utime and stime are fields 14 and 15 (redis-server's comm has no space).
  std::vector<std::string> stat = ReadFields(absl::StrCat("/proc/", redis_pid, "/stat"));
  int64_t utime = 0;
  int64_t stime = 0;
  if (stat.size() > 14 && absl::SimpleAtoi(stat[13], &utime) &&
      absl::SimpleAtoi(stat[14], &stime)) {
    sample.redis = static_cast<double>(utime + stime) * tick;
  }
  // /proc/stat: "cpu user nice system idle iowait irq softirq steal guest guest_nice"; busy
  // is user..steal but idle and iowait (guest time is already inside user and nice).
  std::vector<std::string> cpu = ReadFields("/proc/stat");
  int64_t busy = 0;
  for (size_t k = 1; k < cpu.size() && k <= 8; ++k) {
    int64_t ticks = 0;
    if (k != 4 && k != 5 && absl::SimpleAtoi(cpu[k], &ticks)) busy += ticks;
  }
  sample.machine = static_cast<double>(busy) * tick;
  return sample;
}

// Splits the CPU spent between two samples over redis-server, the clients, the rest of this
// process and the machine. m->client_cpu already holds what the calling threads measured
// themselves (RunClosedLoop); for the baseline (`caller_is_child`) the client is
// redis-benchmark.
void AttributeCpu(const CpuSample& before, const CpuSample& after, bool caller_is_child,
                  Measurement* m) {
  m->redis_cpu = after.redis - before.redis;
  m->machine_cpu = after.machine - before.machine;
  if (caller_is_child) {
    m->client_cpu = after.children - before.children;
    m->service_cpu = 0;
  } else {
    m->service_cpu = std::max(0.0, after.self - before.self - m->client_cpu);
  }
}

int Fail(const absl::Status& status) {
  absl::FPrintF(stderr, "consent_write_bench: %s\n", status.ToString());
  return kExitFailed;
}

// Finds `name` on PATH, falling back to /usr/bin; empty if it is not executable anywhere.
std::string FindExecutable(absl::string_view name) {
  std::vector<std::string> candidates;
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
      candidates.push_back(absl::StrCat(dir, "/", name));
    }
  }
  candidates.push_back(absl::StrCat("/usr/bin/", name));
  for (const std::string& candidate : candidates) {
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// The q-th quantile (0..1) of `sorted_nanos`, in milliseconds (nearest rank).
double QuantileMs(const std::vector<int64_t>& sorted_nanos, double q) {
  size_t rank = static_cast<size_t>(q * static_cast<double>(sorted_nanos.size()));
  if (rank >= sorted_nanos.size()) rank = sorted_nanos.size() - 1;
  return static_cast<double>(sorted_nanos[rank]) / 1e6;
}

// CPU seconds the calling thread has used.
double ThreadCpuSeconds() {
  timespec t = {};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// Runs `op(client, iteration)` in a closed loop on `clients` threads for `duration` and
// times each call. A call that starts before the deadline is allowed to finish; the phase
// lasts until the last one has, and that whole span is what throughput is divided by.
Measurement RunClosedLoop(std::string name, int clients, absl::Duration duration,
                          const std::function<absl::Status(int, int64_t)>& op) {
  struct PerThread {
    std::vector<int64_t> nanos;
    double cpu_seconds = 0;
    int64_t failures = 0;
    std::vector<std::string> errors;
  };
  std::vector<PerThread> results(clients);
  absl::Notification go;
  // Written before go.Notify() and read after WaitForNotification(), which orders the two.
  std::chrono::steady_clock::time_point deadline;
  std::vector<std::thread> threads;
  threads.reserve(clients);
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      PerThread& mine = results[i];
      mine.nanos.reserve(1 << 16);
      go.WaitForNotification();
      const double cpu_start = ThreadCpuSeconds();
      for (int64_t iteration = 0;; ++iteration) {
        const auto start = std::chrono::steady_clock::now();
        if (start >= deadline) break;
        const absl::Status status = op(i, iteration);
        const auto end = std::chrono::steady_clock::now();
        if (status.ok()) {
          mine.nanos.push_back(
              std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
        } else {
          ++mine.failures;
          if (mine.errors.size() < kMaxErrorsShown) mine.errors.push_back(status.ToString());
        }
      }
      mine.cpu_seconds = ThreadCpuSeconds() - cpu_start;
    });
  }
  const auto start = std::chrono::steady_clock::now();
  deadline = start + absl::ToChronoNanoseconds(duration);
  go.Notify();
  for (std::thread& t : threads) t.join();
  const auto end = std::chrono::steady_clock::now();

  Measurement m;
  m.name = std::move(name);
  m.seconds = std::chrono::duration<double>(end - start).count();
  std::vector<int64_t> all;
  for (PerThread& r : results) {
    all.insert(all.end(), r.nanos.begin(), r.nanos.end());
    m.failures += r.failures;
    m.client_cpu += r.cpu_seconds;
    for (std::string& e : r.errors) {
      if (m.errors.size() < kMaxErrorsShown) m.errors.push_back(std::move(e));
    }
  }
  m.calls = static_cast<int64_t>(all.size());
  m.ops_per_second = m.seconds > 0 ? static_cast<double>(m.calls) / m.seconds : 0;
  if (!all.empty()) {
    std::sort(all.begin(), all.end());
    m.p50_ms = QuantileMs(all, 0.50);
    m.p99_ms = QuantileMs(all, 0.99);
  }
  return m;
}

// --- baseline: redis-benchmark ----------------------------------------------------------------

// Runs `argv` (argv[0] is a path; no shell) and returns its stdout and stderr, merged. Fails
// on a non-zero exit or if it runs longer than `timeout` (the child is then killed).
absl::StatusOr<std::string> RunAndCapture(const std::vector<std::string>& args,
                                          absl::Duration timeout) {
  // Everything the child needs is prepared before fork: after fork in a multi-threaded
  // process only async-signal-safe calls are allowed.
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  const int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    if (devnull >= 0) close(devnull);
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the benchmark
    if (getppid() != parent) _exit(127);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    // Do not leak our Redis connections into the child (dup2 clears CLOEXEC on 0-2 only).
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
#endif
    {
      for (int fd = 3; fd < 1024; ++fd) close(fd);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  if (devnull >= 0) close(devnull);

  std::string output;
  const absl::Time deadline = absl::Now() + timeout;
  bool timed_out = false;
  char buffer[4096];
  while (true) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      timed_out = true;
      break;
    }
    pollfd p = {pipe_fds[0], POLLIN, 0};
    const int ready =
        poll(&p, 1, static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1000)));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    const ssize_t n = read(pipe_fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child closed its end (it has exited)
    output.append(buffer, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return absl::DeadlineExceededError(absl::StrCat(args[0], " did not finish within ",
                                                    absl::FormatDuration(timeout), ": ", output));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat(args[0], " failed (status ", status, "): ", output));
  }
  return output;
}

struct RedisBenchmarkResult {
  double requests_per_second = 0;
  std::optional<double> p50_ms;
};

// Parses redis-benchmark -q output. Progress updates are separated by '\r'; the result line is
// "SET: 41322.31 requests per second, p50=0.567 msec" (the p50 part since Redis 7).
absl::StatusOr<RedisBenchmarkResult> ParseRedisBenchmark(absl::string_view output) {
  std::optional<RedisBenchmarkResult> found;
  for (absl::string_view line : absl::StrSplit(output, absl::ByAnyChar("\r\n"))) {
    line = absl::StripAsciiWhitespace(line);
    if (!absl::ConsumePrefix(&line, "SET: ")) continue;
    const size_t end = line.find(" requests per second");
    if (end == absl::string_view::npos) continue;  // a progress line ("rps=...")
    RedisBenchmarkResult result;
    if (!absl::SimpleAtod(line.substr(0, end), &result.requests_per_second)) continue;
    if (const size_t p50 = line.find("p50="); p50 != absl::string_view::npos) {
      absl::string_view value = line.substr(p50 + 4);
      value = value.substr(0, value.find(' '));
      double ms = 0;
      if (absl::SimpleAtod(value, &ms)) result.p50_ms = ms;
    }
    found = result;
  }
  if (!found.has_value() || found->requests_per_second <= 0) {
    return absl::InternalError(
        absl::StrCat("no \"SET: N requests per second\" line in redis-benchmark output: ", output));
  }
  return *found;
}

absl::StatusOr<Measurement> RunRedisBenchmark(const std::string& binary, int port, int clients,
                                              int requests) {
  // clang-format off
  const std::vector<std::string> argv = {
      binary, "-h", "127.0.0.1", "-p", absl::StrCat(port), "-c", absl::StrCat(clients),
      "-n", absl::StrCat(requests), "-t", "set", "-d", absl::StrCat(kValueBytes), "-q"};
  // clang-format on
  const absl::Time start = absl::Now();
  absl::StatusOr<std::string> output = RunAndCapture(argv, kBaselineTimeout);
  const absl::Duration took = absl::Now() - start;
  if (!output.ok()) return output.status();
  absl::StatusOr<RedisBenchmarkResult> parsed = ParseRedisBenchmark(*output);
  if (!parsed.ok()) return parsed.status();
  Measurement m;
  m.name = "redis-benchmark SET (baseline)";
  m.calls = requests;
  m.seconds = absl::ToDoubleSeconds(took);  // includes process start-up; rps is its own figure
  m.ops_per_second = parsed->requests_per_second;
  m.p50_ms = parsed->p50_ms;  // redis-benchmark -q prints no p99
  return m;
}

// --- the consent service, in-process ----------------------------------------------------------

// The consent service wired as services/consent/consent_fixture.cc wires it, without metrics.
// Members are destroyed in reverse order: the host stops before what it serves goes away.
struct ConsentService {
  std::unique_ptr<store::RedisStore> store;
  std::unique_ptr<auth::PrincipalCodec> codec;
  std::unique_ptr<consent::ConsentManager> consent_manager;
  std::unique_ptr<consent::ContributionManager> contribution_manager;
  std::unique_ptr<consent::ConsentServiceImpl> consent_service;
  std::unique_ptr<consent::ContributionServiceImpl> contribution_service;
  std::unique_ptr<server::ServiceHost> host;

  ~ConsentService() {
    if (host) host->Shutdown();
  }
};

absl::StatusOr<std::unique_ptr<ConsentService>> StartConsentService(int redis_port, int pool_size) {
  auto s = std::make_unique<ConsentService>();
  // As the consent binary configures its store (RedisOptions defaults for timeouts), so the
  // service sees the connection pool it has in production.
  store::RedisOptions options;
  options.port = redis_port;
  options.pool_size = pool_size;
  s->store = store::RedisStore::Create(options);
  s->codec = std::make_unique<auth::PrincipalCodec>(std::string(48, 'k'));
  s->consent_manager =
      std::make_unique<consent::ConsentManager>(*s->store, [] { return absl::Now(); });
  s->contribution_manager =
      std::make_unique<consent::ContributionManager>(*s->store, [] { return absl::Now(); });
  s->consent_service =
      std::make_unique<consent::ConsentServiceImpl>(s->consent_manager.get(), s->codec.get());
  s->contribution_service = std::make_unique<consent::ContributionServiceImpl>(
      s->contribution_manager.get(), s->codec.get());
  server::ServiceHostOptions host_options;
  host_options.service_name = "consent";
  host_options.listen_address = "127.0.0.1:0";
  host_options.shutdown_grace = absl::Seconds(2);
  s->host = std::make_unique<server::ServiceHost>(host_options);
  s->host->AddService(s->consent_service.get());
  s->host->AddService(s->contribution_service.get());
  store::RedisStore* store = s->store.get();
  s->host->AddReadinessCheck("redis", [store] { return store->Ping(); });
  if (absl::Status started = s->host->Start(); !started.ok()) return started;
  return s;
}

// One benchmark client: its own channel (so its own HTTP/2 connection) and stub, acting as
// the bench charity on its own participant.
struct Client {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::ConsentService::Stub> stub;
  std::string participant;
};

std::unique_ptr<grpc::ClientContext> CharityContext(const auth::PrincipalCodec& codec) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + kRpcDeadline));
  codec.Attach({kCharity, common::v1::ROLE_CHARITY}, context.get());
  return context;
}

absl::Status RecordConsent(const Client& client, const auth::PrincipalCodec& codec,
                           int64_t iteration) {
  v1::RecordConsentRequest request;
  request.set_participant(client.participant);
  request.set_purpose(iteration % 2 == 0 ? v1::PURPOSE_CONTACT : v1::PURPOSE_GROUP_PARTICIPATION);
  request.set_method(v1::CONSENT_METHOD_VERBAL);
  request.set_recorded_by_role("support worker");
  v1::ConsentRecord record;
  return FromGrpcStatus(client.stub->RecordConsent(CharityContext(codec).get(), request, &record));
}

// Opens one channel per client, creates its participant through that channel and records
// both purposes once, so connections, the Lua script cache and the "re-confirm" path (each
// timed call supersedes an earlier record) are all warm before timing starts.
absl::StatusOr<std::vector<Client>> PrepareClients(int port, int count,
                                                   const auth::PrincipalCodec& codec) {
  std::vector<Client> clients(count);
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    // Distinct arguments and a local subchannel pool: gRPC would otherwise share one
    // connection between identical channels, and the clients would not be independent.
    args.SetInt("bench_channel", i);
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    clients[i].channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                                   grpc::InsecureChannelCredentials(), args);
    clients[i].stub = v1::ConsentService::NewStub(clients[i].channel);

    v1::CreateParticipantRequest create;
    create.set_parent(kCharity);
    create.mutable_participant()->set_charity_reference(absl::StrCat("bench-client-", i));
    v1::Participant participant;
    const grpc::Status created =
        clients[i].stub->CreateParticipant(CharityContext(codec).get(), create, &participant);
    if (!created.ok()) {
      return absl::Status(
          FromGrpcStatus(created).code(),
          absl::StrCat("CreateParticipant for client ", i, ": ", created.error_message()));
    }
    clients[i].participant = participant.name();
    for (int64_t warm = 0; warm < 2; ++warm) {
      if (absl::Status s = RecordConsent(clients[i], codec, warm); !s.ok()) {
        return absl::Status(
            s.code(), absl::StrCat("warm-up RecordConsent for client ", i, ": ", s.message()));
      }
    }
  }
  return clients;
}

// --- checks and output --------------------------------------------------------------------

// Confirms the server really fsyncs every write (the point of the benchmark) and returns its
// version.
absl::StatusOr<std::string> CheckDurableRedis(store::RedisStore& store) {
  for (const auto& [name, want] :
       {std::pair<std::string, std::string>{"appendonly", "yes"}, {"appendfsync", "always"}}) {
    absl::StatusOr<store::Reply> reply = store.Command({"CONFIG", "GET", name});
    if (!reply.ok()) return reply.status();
    if (reply->elements.size() != 2 || reply->elements[1].str != want) {
      return absl::FailedPreconditionError(
          absl::StrCat("redis-server has ", name, " = ", reply->DebugString(), "; want ", want));
    }
  }
  absl::StatusOr<store::Reply> info = store.Command({"INFO", "server"});
  if (!info.ok()) return info.status();
  for (absl::string_view line : absl::StrSplit(info->str, "\r\n")) {
    if (absl::ConsumePrefix(&line, "redis_version:")) return std::string(line);
  }
  return std::string("unknown");
}

// Zeroes Redis's per-command statistics, so the next phase's are its own.
absl::Status ResetCommandStats(store::RedisStore& store) {
  absl::StatusOr<store::Reply> reply = store.Command({"CONFIG", "RESETSTAT"});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

// Records in `m` the usec_per_call of `command` from INFO commandstats
// ("cmdstat_set:calls=3,usec=12,usec_per_call=4.00,...").
absl::Status ReadCommandStats(store::RedisStore& store, const std::string& command,
                              Measurement* m) {
  absl::StatusOr<store::Reply> info = store.Command({"INFO", "commandstats"});
  if (!info.ok()) return info.status();
  m->redis_command = command;
  const std::string prefix = absl::StrCat("cmdstat_", command, ":");
  for (absl::string_view line : absl::StrSplit(info->str, "\r\n")) {
    if (!absl::ConsumePrefix(&line, prefix)) continue;
    for (absl::string_view field : absl::StrSplit(line, ',')) {
      double value = 0;
      if (absl::ConsumePrefix(&field, "usec_per_call=") && absl::SimpleAtod(field, &value)) {
        m->redis_exec_us = value;
      }
    }
  }
  return absl::OkStatus();
}

std::string OrDash(const std::optional<double>& value, int decimals = 3) {
  return value.has_value() ? absl::StrFormat("%.*f", decimals, *value) : "-";
}

constexpr char kRowFormat[] = "%-31s %8s %6s %9s %7s %7s  %s\n";

void PrintRow(const Measurement& m, double baseline_ops) {
  absl::PrintF(kRowFormat, m.name, absl::StrCat(m.calls), absl::StrFormat("%.2f", m.seconds),
               absl::StrFormat("%.0f", m.ops_per_second), OrDash(m.p50_ms), OrDash(m.p99_ms),
               absl::StrFormat("%.3f", baseline_ops > 0 ? m.ops_per_second / baseline_ops : 0.0));
}

// Cores that processes other than ours kept busy during m's phase.
double OthersCores(const Measurement& m) {
  const double ours = m.redis_cpu + m.client_cpu + m.service_cpu;
  return std::max(0.0, m.machine_cpu - ours) / std::max(m.seconds, 1e-9);
}

constexpr char kCpuFormat[] = "%-31s %7s %20s %7s %8s %10s %13s\n";

// Where the CPU went: microseconds of CPU per successful call, and the cores that other
// processes on the machine kept busy meanwhile (the noise this run competed with).
void PrintCpuRow(const Measurement& m) {
  const double calls = static_cast<double>(std::max<int64_t>(m.calls, 1));
  absl::PrintF(kCpuFormat, m.name, absl::StrFormat("%.1f", m.redis_cpu * 1e6 / calls),
               absl::StrCat(OrDash(m.redis_exec_us, 1), " (", m.redis_command, ")"),
               absl::StrFormat("%.1f", m.client_cpu * 1e6 / calls),
               absl::StrFormat("%.1f", m.service_cpu * 1e6 / calls),
               absl::StrFormat("%.2f", m.machine_cpu / std::max(m.seconds, 1e-9)),
               absl::StrFormat("%.2f", OthersCores(m)));
}

// Prints a phase's failures; true if there were any.
bool ReportFailures(const Measurement& m) {
  if (m.failures == 0) return false;
  absl::FPrintF(stderr, "%s: %d of %d calls failed; first errors:\n", m.name, m.failures,
                m.failures + m.calls);
  for (const std::string& e : m.errors) absl::FPrintF(stderr, "  %s\n", e);
  return true;
}

int Run() {
  const int seconds = absl::GetFlag(FLAGS_seconds);
  const int clients = absl::GetFlag(FLAGS_clients);
  const int baseline_requests = absl::GetFlag(FLAGS_baseline_requests);
  const int pool_size = absl::GetFlag(FLAGS_service_pool_size);
  if (seconds < 1 || clients < 1 || baseline_requests < clients || pool_size < 1) {
    return Fail(absl::InvalidArgumentError(
        "want --seconds >= 1, --clients >= 1, --baseline_requests >= --clients and "
        "--service_pool_size >= 1"));
  }
  const absl::Duration duration = absl::Seconds(seconds);

  const std::string redis_benchmark = FindExecutable("redis-benchmark");
  if (redis_benchmark.empty()) {
    absl::FPrintF(stderr,
                  "consent_write_bench: redis-benchmark not found on PATH or in /usr/bin; it is "
                  "the baseline this benchmark divides by. Install it (Debian/Ubuntu: "
                  "apt-get install redis-tools) and run again.\n");
    return kExitNoRedisBenchmark;
  }

  // Started from the main thread, which outlives it (see RedisServer on PR_SET_PDEATHSIG).
  testing::RedisServerOptions redis_options;
  redis_options.appendfsync = "always";
  // No background AOF rewrite (a fork plus a rewrite competing for the disk) in the middle of
  // one phase but not the others.
  redis_options.extra_config = {{"auto-aof-rewrite-percentage", "0"}};
  absl::StatusOr<std::unique_ptr<testing::RedisServer>> redis =
      testing::RedisServer::Start(redis_options);
  if (!redis.ok()) return Fail(redis.status());
  const int redis_port = (*redis)->port();

  // 50 threads issuing SET through our pool: our client overhead, without gRPC.
  store::RedisOptions store_options;
  store_options.port = redis_port;
  store_options.pool_size = clients;
  std::unique_ptr<store::RedisStore> direct = store::RedisStore::Create(store_options);
  absl::StatusOr<std::string> redis_version = CheckDurableRedis(*direct);
  if (!redis_version.ok()) return Fail(redis_version.status());

  absl::PrintF(
      "machine: nproc %d; redis-server %s at %s (appendonly yes, appendfsync always, "
      "dir %s)\n",
      static_cast<int>(std::thread::hardware_concurrency()), *redis_version, (*redis)->address(),
      (*redis)->dir());
  absl::PrintF(
      "phases: redis-benchmark -c %d -n %d -t set -d %d; then %d s of RedisStore SET; "
      "then %d s of RecordConsent\n\n",
      clients, baseline_requests, kValueBytes, seconds, seconds);
  std::fflush(stdout);

  // 1. The baseline, first, while this process has no threads of its own yet.
  const pid_t redis_pid = (*redis)->pid();
  if (absl::Status s = ResetCommandStats(*direct); !s.ok()) return Fail(s);
  CpuSample before = SampleCpu(redis_pid);
  absl::StatusOr<Measurement> baseline =
      RunRedisBenchmark(redis_benchmark, redis_port, clients, baseline_requests);
  if (!baseline.ok()) return Fail(baseline.status());
  AttributeCpu(before, SampleCpu(redis_pid), /*caller_is_child=*/true, &*baseline);
  if (absl::Status s = ReadCommandStats(*direct, "set", &*baseline); !s.ok()) return Fail(s);

  // 2. SET through RedisStore. An untimed concurrent warm-up opens the pool's connections.
  const std::string value(kValueBytes, 'x');
  auto set = [&](int client, int64_t) -> absl::Status {
    absl::StatusOr<store::Reply> reply =
        direct->Command({"SET", absl::StrCat("bench:set:", client), value});
    if (!reply.ok()) return reply.status();
    if (!reply->is_ok()) return absl::InternalError("SET: " + reply->DebugString());
    return absl::OkStatus();
  };
  if (ReportFailures(RunClosedLoop("RedisStore SET warm-up", clients, kWarmUp, set))) {
    return kExitFailed;
  }
  if (absl::Status s = ResetCommandStats(*direct); !s.ok()) return Fail(s);
  before = SampleCpu(redis_pid);
  Measurement store_set =
      RunClosedLoop(absl::StrCat("RedisStore SET (", clients, " threads)"), clients, duration, set);
  AttributeCpu(before, SampleCpu(redis_pid), /*caller_is_child=*/false, &store_set);
  if (absl::Status s = ReadCommandStats(*direct, "set", &store_set); !s.ok()) return Fail(s);

  // 3. RecordConsent through the in-process consent service.
  absl::StatusOr<std::unique_ptr<ConsentService>> service =
      StartConsentService(redis_port, pool_size);
  if (!service.ok()) return Fail(service.status());
  const auth::PrincipalCodec& codec = *(*service)->codec;
  absl::StatusOr<std::vector<Client>> grpc_clients =
      PrepareClients((*service)->host->port(), clients, codec);
  if (!grpc_clients.ok()) return Fail(grpc_clients.status());
  auto record_consent = [&](int client, int64_t i) {
    return RecordConsent((*grpc_clients)[client], codec, i);
  };
  // Untimed, so the service's Redis pool and its gRPC threads are all up before timing.
  if (ReportFailures(RunClosedLoop("RecordConsent warm-up", clients, kWarmUp, record_consent))) {
    return kExitFailed;
  }
  if (absl::Status s = ResetCommandStats(*direct); !s.ok()) return Fail(s);
  before = SampleCpu(redis_pid);
  Measurement record = RunClosedLoop("RecordConsent via gRPC", clients, duration, record_consent);
  AttributeCpu(before, SampleCpu(redis_pid), /*caller_is_child=*/false, &record);
  if (absl::Status s = ReadCommandStats(*direct, "evalsha", &record); !s.ok()) return Fail(s);
  grpc_clients->clear();
  service->reset();  // stops the host before Redis goes away

  const double base = baseline->ops_per_second;
  absl::PrintF("consent durable writes (RecordConsent via gRPC, %d clients, appendfsync always)\n",
               clients);
  absl::PrintF(kRowFormat, "measure", "calls", "secs", "ops/s", "p50 ms", "p99 ms",
               "ratio vs redis-benchmark SET");
  PrintRow(*baseline, base);
  PrintRow(store_set, base);
  PrintRow(record, base);
  absl::PrintF(
      "\nCPU per call, microseconds (client = redis-benchmark or the calling threads; service = "
      "the rest of this process; in command = redis's time executing the write command, from "
      "INFO commandstats)\n");
  absl::PrintF(kCpuFormat, "measure", "redis", "of which in command", "client", "service",
               "busy cores", "others' cores");
  PrintCpuRow(*baseline);
  PrintCpuRow(store_set);
  PrintCpuRow(record);
  for (const Measurement* m : {&*baseline, &store_set, &record}) {
    if (OthersCores(*m) >= kNoisyOthersCores) {
      absl::PrintF(
          "NOISY: other processes kept %.2f cores busy during \"%s\"; run again before "
          "comparing this ratio\n",
          OthersCores(*m), m->name);
    }
  }
  absl::PrintF("RATIO consent_record_vs_redis_set=%.3f\n", record.ops_per_second / base);

  const bool store_failed = ReportFailures(store_set);
  const bool record_failed = ReportFailures(record);
  return store_failed || record_failed ? kExitFailed : 0;
}

}  // namespace
}  // namespace bridging::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return bridging::bench::Run();
}
