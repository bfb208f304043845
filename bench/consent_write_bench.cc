// Durable RecordConsent writes/s through gRPC as a ratio of redis-benchmark SET, same run.
//
// One redis-server (appendonly yes, appendfsync always) serves three closed-loop measurements
// with the same number of concurrent clients, one after another:
//   1. redis-benchmark SET -d 200 (the baseline: what this disk and this Redis can fsync),
//   2. SET through bridging::store::RedisStore from N threads (our hiredis pool, no gRPC),
//   3. RecordConsent through the in-process consent service, one channel per client.
// Machines running this are noisy, so the ratios matter, not the absolute numbers.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_util.h"
#include "bridging/consent/v1/consent.grpc.pb.h"
#include "libs/auth/principal.h"
#include "libs/common/grpc_status.h"
#include "libs/server/service_host.h"
#include "libs/store/redis_store.h"
#include "libs/testing/child_process.h"
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

constexpr char kProgram[] = "consent_write_bench";
constexpr char kCharity[] = "charities/bench";
constexpr int kValueBytes = 200;  // redis-benchmark -d
constexpr absl::Duration kBaselineTimeout = absl::Minutes(10);
constexpr absl::Duration kWarmUp = absl::Seconds(1);

// Exit codes: 1 = the benchmark failed or a call failed, 2 = redis-benchmark is missing.
constexpr int kExitFailed = 1;
constexpr int kExitNoRedisBenchmark = 2;

// --- baseline: redis-benchmark ----------------------------------------------------------------

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
  absl::StatusOr<std::string> output = testing::RunAndCapture(argv, kBaselineTimeout);
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
  s->store = ServiceStore(redis_port, pool_size);
  s->codec = std::make_unique<auth::PrincipalCodec>(std::string(48, 'k'));
  s->consent_manager =
      std::make_unique<consent::ConsentManager>(*s->store, [] { return absl::Now(); });
  s->contribution_manager =
      std::make_unique<consent::ContributionManager>(*s->store, [] { return absl::Now(); });
  s->consent_service =
      std::make_unique<consent::ConsentServiceImpl>(s->consent_manager.get(), s->codec.get());
  s->contribution_service = std::make_unique<consent::ContributionServiceImpl>(
      s->contribution_manager.get(), s->codec.get());
  absl::StatusOr<std::unique_ptr<server::ServiceHost>> host = StartHost(
      "consent", {s->consent_service.get(), s->contribution_service.get()}, s->store.get());
  if (!host.ok()) return host.status();
  s->host = std::move(*host);
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
  return CallContext(codec, {kCharity, common::v1::ROLE_CHARITY});
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
    clients[i].channel = OwnChannel(port, i);
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

// --- output -----------------------------------------------------------------------------------

const TextTable& ResultTable() {
  static const TextTable* table = new TextTable({{"measure", 31, true},
                                                 {"calls", 8},
                                                 {"secs", 6},
                                                 {"ops/s", 9},
                                                 {"p50 ms", 7},
                                                 {"p99 ms", 7},
                                                 {"ratio vs redis-benchmark SET", 0, true, 2}});
  return *table;
}

void PrintRow(const Measurement& m, double baseline_ops) {
  ResultTable().PrintRow(
      {m.name, absl::StrCat(m.calls), absl::StrFormat("%.2f", m.seconds),
       absl::StrFormat("%.0f", m.ops_per_second), OrDash(m.p50_ms), OrDash(m.p99_ms),
       absl::StrFormat("%.3f", baseline_ops > 0 ? m.ops_per_second / baseline_ops : 0.0)});
}

int Run() {
  const int seconds = absl::GetFlag(FLAGS_seconds);
  const int clients = absl::GetFlag(FLAGS_clients);
  const int baseline_requests = absl::GetFlag(FLAGS_baseline_requests);
  const int pool_size = absl::GetFlag(FLAGS_service_pool_size);
  if (seconds < 1 || clients < 1 || baseline_requests < clients || pool_size < 1) {
    return Fail(kProgram, absl::InvalidArgumentError(
                              "want --seconds >= 1, --clients >= 1, --baseline_requests >= "
                              "--clients and --service_pool_size >= 1"));
  }
  const absl::Duration duration = absl::Seconds(seconds);

  const std::string redis_benchmark = testing::FindProgram("redis-benchmark");
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
  if (!redis.ok()) return Fail(kProgram, redis.status());
  const int redis_port = (*redis)->port();

  // 50 threads issuing SET through our pool: our client overhead, without gRPC.
  store::RedisOptions store_options;
  store_options.port = redis_port;
  store_options.pool_size = clients;
  std::unique_ptr<store::RedisStore> direct = store::RedisStore::Create(store_options);
  // The server must really fsync every write (the point of the benchmark).
  absl::StatusOr<std::string> redis_version =
      CheckRedisConfig(*direct, {{"appendonly", "yes"}, {"appendfsync", "always"}});
  if (!redis_version.ok()) return Fail(kProgram, redis_version.status());

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
  if (absl::Status s = ResetCommandStats(*direct); !s.ok()) return Fail(kProgram, s);
  CpuSample before = SampleCpu(redis_pid);
  absl::StatusOr<Measurement> baseline =
      RunRedisBenchmark(redis_benchmark, redis_port, clients, baseline_requests);
  if (!baseline.ok()) return Fail(kProgram, baseline.status());
  AttributeCpu(before, SampleCpu(redis_pid), /*caller_is_child=*/true, &*baseline);
  if (absl::Status s = ReadCommandStats(*direct, "set", &*baseline); !s.ok()) {
    return Fail(kProgram, s);
  }

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
  if (absl::Status s = ResetCommandStats(*direct); !s.ok()) return Fail(kProgram, s);
  before = SampleCpu(redis_pid);
  Measurement store_set =
      RunClosedLoop(absl::StrCat("RedisStore SET (", clients, " threads)"), clients, duration, set);
  AttributeCpu(before, SampleCpu(redis_pid), /*caller_is_child=*/false, &store_set);
  if (absl::Status s = ReadCommandStats(*direct, "set", &store_set); !s.ok()) {
    return Fail(kProgram, s);
  }

  // 3. RecordConsent through the in-process consent service.
  absl::StatusOr<std::unique_ptr<ConsentService>> service =
      StartConsentService(redis_port, pool_size);
  if (!service.ok()) return Fail(kProgram, service.status());
  const auth::PrincipalCodec& codec = *(*service)->codec;
  absl::StatusOr<std::vector<Client>> grpc_clients =
      PrepareClients((*service)->host->port(), clients, codec);
  if (!grpc_clients.ok()) return Fail(kProgram, grpc_clients.status());
  auto record_consent = [&](int client, int64_t i) {
    return RecordConsent((*grpc_clients)[client], codec, i);
  };
  // Untimed, so the service's Redis pool and its gRPC threads are all up before timing.
  if (ReportFailures(RunClosedLoop("RecordConsent warm-up", clients, kWarmUp, record_consent))) {
    return kExitFailed;
  }
  if (absl::Status s = ResetCommandStats(*direct); !s.ok()) return Fail(kProgram, s);
  before = SampleCpu(redis_pid);
  Measurement record = RunClosedLoop("RecordConsent via gRPC", clients, duration, record_consent);
  AttributeCpu(before, SampleCpu(redis_pid), /*caller_is_child=*/false, &record);
  if (absl::Status s = ReadCommandStats(*direct, "evalsha", &record); !s.ok()) {
    return Fail(kProgram, s);
  }
  grpc_clients->clear();
  service->reset();  // stops the host before Redis goes away

  const double base = baseline->ops_per_second;
  absl::PrintF("consent durable writes (RecordConsent via gRPC, %d clients, appendfsync always)\n",
               clients);
  ResultTable().PrintHeader();
  PrintRow(*baseline, base);
  PrintRow(store_set, base);
  PrintRow(record, base);
  absl::PrintF("\n");
  PrintCpuTable({&*baseline, &store_set, &record});
  PrintNoisyWarnings({&*baseline, &store_set, &record});
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
