// Implements the benchmarks' shared helpers: load loops, CPU sampling, Redis checks and tables.
#include "bench/bench_util.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace bridging::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; }

int64_t Nanos(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

// The whitespace-separated fields of the first line of `path`.
std::vector<std::string> ReadFields(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return absl::StrSplit(line, ' ', absl::SkipEmpty());
}

// CPU seconds the calling thread has used.
double ThreadCpuSeconds() {
  timespec t = {};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// What one load thread saw.
struct ThreadResult {
  std::vector<int64_t> nanos;       // latency of each successful call
  std::vector<int64_t> late_nanos;  // open loop: how late each call was sent
  double cpu_seconds = 0;
  int64_t failures = 0;
  int64_t missed = 0;
  std::vector<std::string> errors;

  void Record(const absl::Status& status, int64_t latency_nanos) {
    if (status.ok()) {
      nanos.push_back(latency_nanos);
    } else {
      ++failures;
      if (errors.size() < kMaxErrorsShown) errors.push_back(status.ToString());
    }
  }
};

// Runs `body(client, result)` on `clients` threads, all released at once once `start` is set;
// returns the phase's measurement over [start, the last thread's end).
Measurement RunThreads(std::string name, int clients,
                       const std::function<void(int, Clock::time_point, ThreadResult&)>& body) {
  std::vector<ThreadResult> results(clients);
  absl::Notification go;
  // Written before go.Notify() and read after WaitForNotification(), which orders the two.
  Clock::time_point start;
  std::vector<std::thread> threads;
  threads.reserve(clients);
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      ThreadResult& mine = results[i];
      mine.nanos.reserve(1 << 16);
      go.WaitForNotification();
      const double cpu_start = ThreadCpuSeconds();
      body(i, start, mine);
      mine.cpu_seconds = ThreadCpuSeconds() - cpu_start;
    });
  }
  start = Clock::now();
  go.Notify();
  for (std::thread& t : threads) t.join();
  const Clock::time_point end = Clock::now();

  Measurement m;
  m.name = std::move(name);
  m.seconds = std::chrono::duration<double>(end - start).count();
  std::vector<int64_t> all;
  std::vector<int64_t> late;
  for (ThreadResult& r : results) {
    all.insert(all.end(), r.nanos.begin(), r.nanos.end());
    late.insert(late.end(), r.late_nanos.begin(), r.late_nanos.end());
    m.failures += r.failures;
    m.missed += r.missed;
    m.client_cpu += r.cpu_seconds;
    for (std::string& e : r.errors) {
      if (m.errors.size() < kMaxErrorsShown) m.errors.push_back(std::move(e));
    }
  }
  m.calls = static_cast<int64_t>(all.size());
  m.ops_per_second = m.seconds > 0 ? static_cast<double>(m.calls) / m.seconds : 0;
  std::sort(all.begin(), all.end());
  m.p50_ms = QuantileMs(all, 0.50);
  m.p99_ms = QuantileMs(all, 0.99);
  m.p999_ms = QuantileMs(all, 0.999);
  std::sort(late.begin(), late.end());
  m.late_p99_ms = QuantileMs(late, 0.99);
  return m;
}

}  // namespace

std::optional<double> QuantileMs(const std::vector<int64_t>& sorted_nanos, double q) {
  if (sorted_nanos.empty()) return std::nullopt;
  size_t rank = static_cast<size_t>(q * static_cast<double>(sorted_nanos.size()));
  if (rank >= sorted_nanos.size()) rank = sorted_nanos.size() - 1;
  return static_cast<double>(sorted_nanos[rank]) / 1e6;
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
  // Busy time of all CPUs is wall time times CPUs minus idle and iowait ("cpu user nice system
  // idle iowait ..." in /proc/stat). The busy fields themselves are sampled at each timer tick
  // and miss short bursts: at 2000 requests/s with idle in between they showed 0.01 cores
  // where our own processes alone used 0.3. The idle fields are measured, not sampled.
  std::vector<std::string> cpu = ReadFields("/proc/stat");
  int64_t idle = 0;
  int64_t iowait = 0;
  if (cpu.size() > 5 && absl::SimpleAtoi(cpu[4], &idle) && absl::SimpleAtoi(cpu[5], &iowait)) {
    const double wall = std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
    sample.machine = wall * static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN)) -
                     static_cast<double>(idle + iowait) * tick;
  }
  return sample;
}

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

double OthersCores(const Measurement& m) {
  const double ours = m.redis_cpu + m.client_cpu + m.service_cpu;
  return std::max(0.0, m.machine_cpu - ours) / std::max(m.seconds, 1e-9);
}

Measurement RunClosedLoop(std::string name, int clients, absl::Duration duration, const Op& op) {
  const Clock::duration length = absl::ToChronoNanoseconds(duration);
  return RunThreads(std::move(name), clients,
                    [&](int client, Clock::time_point start, ThreadResult& mine) {
                      const Clock::time_point deadline = start + length;
                      for (int64_t iteration = 0;; ++iteration) {
                        const Clock::time_point begin = Clock::now();
                        if (begin >= deadline) break;
                        const absl::Status status = op(client, iteration);
                        mine.Record(status, Nanos(Clock::now() - begin));
                      }
                    });
}

Measurement RunOpenLoop(std::string name, const OpenLoopOptions& options, const Op& op) {
  const int64_t total = std::llround(options.rate * absl::ToDoubleSeconds(options.duration));
  const double interval_nanos = 1e9 / options.rate;
  const Clock::duration give_up = absl::ToChronoNanoseconds(options.duration + options.max_overrun);
  return RunThreads(std::move(name), options.clients,
                    [&](int client, Clock::time_point start, ThreadResult& mine) {
                      // The default 50 us timer slack would make every sleeping client send late.
                      prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
                      mine.late_nanos.reserve(1 << 16);
                      int64_t iteration = 0;
                      for (int64_t k = client; k < total; k += options.clients, ++iteration) {
                        const Clock::time_point scheduled =
                            start + std::chrono::nanoseconds(static_cast<int64_t>(
                                        static_cast<double>(k) * interval_nanos));
                        Clock::time_point sent = Clock::now();
                        if (sent < scheduled) {
                          std::this_thread::sleep_until(scheduled);
                          sent = Clock::now();
                        } else if (sent - start > give_up) {
                          mine.missed += (total - k + options.clients - 1) / options.clients;
                          break;
                        }
                        const absl::Status status = op(client, iteration);
                        mine.Record(status, Nanos(Clock::now() - scheduled));
                        mine.late_nanos.push_back(Nanos(sent - scheduled));
                      }
                    });
}

bool ReportFailures(const Measurement& m) {
  if (m.failures == 0) return false;
  absl::FPrintF(stderr, "%s: %d of %d calls failed; first errors:\n", m.name, m.failures,
                m.failures + m.calls);
  for (const std::string& e : m.errors) absl::FPrintF(stderr, "  %s\n", e);
  return true;
}

absl::StatusOr<std::string> CheckRedisConfig(
    store::Store& store, const std::vector<std::pair<std::string, std::string>>& want) {
  for (const auto& [name, value] : want) {
    absl::StatusOr<store::Reply> reply = store.Command({"CONFIG", "GET", name});
    if (!reply.ok()) return reply.status();
    if (reply->elements.size() != 2 || reply->elements[1].str != value) {
      return absl::FailedPreconditionError(
          absl::StrCat("redis-server has ", name, " = ", reply->DebugString(), "; want ", value));
    }
  }
  absl::StatusOr<store::Reply> info = store.Command({"INFO", "server"});
  if (!info.ok()) return info.status();
  for (absl::string_view line : absl::StrSplit(info->str, "\r\n")) {
    if (absl::ConsumePrefix(&line, "redis_version:")) return std::string(line);
  }
  return std::string("unknown");
}

absl::Status ResetCommandStats(store::Store& store) {
  absl::StatusOr<store::Reply> reply = store.Command({"CONFIG", "RESETSTAT"});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

absl::Status ReadCommandStats(store::Store& store, const std::string& command, Measurement* m) {
  // Lines look like "cmdstat_set:calls=3,usec=12,usec_per_call=4.00,...".
  absl::StatusOr<store::Reply> info = store.Command({"INFO", "commandstats"});
  if (!info.ok()) return info.status();
  m->redis_command = command;
  m->redis_calls.clear();
  for (absl::string_view line : absl::StrSplit(info->str, "\r\n")) {
    if (!absl::ConsumePrefix(&line, "cmdstat_")) continue;
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    const absl::string_view name = line.substr(0, colon);
    for (absl::string_view field : absl::StrSplit(line.substr(colon + 1), ',')) {
      double value = 0;
      int64_t calls = 0;
      if (absl::ConsumePrefix(&field, "calls=") && absl::SimpleAtoi(field, &calls)) {
        m->redis_calls.emplace_back(std::string(name), calls);
      } else if (name == command && absl::ConsumePrefix(&field, "usec_per_call=") &&
                 absl::SimpleAtod(field, &value)) {
        m->redis_exec_us = value;
      }
    }
  }
  return absl::OkStatus();
}

std::string OrDash(const std::optional<double>& value, int decimals) {
  return value.has_value() ? absl::StrFormat("%.*f", decimals, *value) : "-";
}

void TextTable::PrintHeader() const {
  std::vector<std::string> headers;
  for (const Column& c : columns_) headers.push_back(c.header);
  PrintRow(headers);
}

void TextTable::PrintRow(const std::vector<std::string>& cells) const {
  std::string line;
  for (size_t i = 0; i < cells.size() && i < columns_.size(); ++i) {
    const Column& c = columns_[i];
    if (i > 0) line.append(c.gap, ' ');
    const size_t width = std::max(static_cast<size_t>(std::max(c.width, 0)), cells[i].size());
    const std::string padding(width - cells[i].size(), ' ');
    absl::StrAppend(&line, c.left ? "" : padding, cells[i], c.left ? padding : "");
  }
  absl::PrintF("%s\n", line);
}

void PrintCpuTable(const std::vector<const Measurement*>& rows) {
  absl::PrintF(
      "CPU per call, microseconds (client = redis-benchmark or the calling threads; service = "
      "the rest of this process; in command = redis's time executing the write command, from "
      "INFO commandstats)\n");
  const TextTable table({{"measure", 31, true},
                         {"redis", 7},
                         {"of which in command", 20},
                         {"client", 7},
                         {"service", 8},
                         {"busy cores", 10},
                         {"others' cores", 13}});
  table.PrintHeader();
  for (const Measurement* m : rows) {
    const double calls = static_cast<double>(std::max<int64_t>(m->calls, 1));
    table.PrintRow({m->name, absl::StrFormat("%.1f", m->redis_cpu * 1e6 / calls),
                    absl::StrCat(OrDash(m->redis_exec_us, 1), " (", m->redis_command, ")"),
                    absl::StrFormat("%.1f", m->client_cpu * 1e6 / calls),
                    absl::StrFormat("%.1f", m->service_cpu * 1e6 / calls),
                    absl::StrFormat("%.2f", m->machine_cpu / std::max(m->seconds, 1e-9)),
                    absl::StrFormat("%.2f", OthersCores(*m))});
  }
}

void PrintNoisyWarnings(const std::vector<const Measurement*>& rows) {
  for (const Measurement* m : rows) {
    if (OthersCores(*m) >= kNoisyOthersCores) {
      absl::PrintF(
          "NOISY: other processes kept %.2f cores busy during \"%s\"; run again before "
          "comparing this ratio\n",
          OthersCores(*m), m->name);
    }
  }
}

int Fail(absl::string_view program, const absl::Status& status) {
  absl::FPrintF(stderr, "%s: %s\n", program, status.ToString());
  return 1;
}

std::unique_ptr<store::RedisStore> ServiceStore(int redis_port, int pool_size) {
  store::RedisOptions options;
  options.port = redis_port;
  options.pool_size = pool_size;
  return store::RedisStore::Create(options);
}

absl::StatusOr<std::unique_ptr<server::ServiceHost>> StartHost(
    const std::string& name, const std::vector<grpc::Service*>& services, store::Store* store) {
  server::ServiceHostOptions options;
  options.service_name = name;
  options.listen_address = "127.0.0.1:0";
  options.shutdown_grace = absl::Seconds(2);
  auto host = std::make_unique<server::ServiceHost>(options);
  for (grpc::Service* service : services) host->AddService(service);
  host->AddReadinessCheck("redis", [store] { return store->Ping(); });
  if (absl::Status started = host->Start(); !started.ok()) return started;
  return host;
}

std::shared_ptr<grpc::Channel> OwnChannel(int port, int index) {
  grpc::ChannelArguments args;
  // Distinct arguments and a local subchannel pool: gRPC would otherwise share one
  // connection between identical channels, and the clients would not be independent.
  args.SetInt("bench_channel", index);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), args);
}

std::unique_ptr<grpc::ClientContext> CallContext(const auth::PrincipalCodec& codec,
                                                 const auth::Principal& caller,
                                                 absl::Duration deadline) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  codec.Attach(caller, context.get());
  return context;
}

}  // namespace bridging::bench
