// Analytics Query latency over synthetic contributions as a ratio of PostgreSQL 15 running the
// same GROUP BY over the same rows in the same run, and the ingest rate (IngestEvents against
// PostgreSQL COPY of the same rows).
//
// 1. Generates --contributions synthetic de-identified contributions (synthetic_contributions.h)
//    and the same data as analytics IngestEvents batches, and checks both are well formed.
// 2. Starts a private PostgreSQL 15 (postgres_server.h), loads the rows with COPY, builds the
//    indexes and runs VACUUM (ANALYZE), timing each phase.
// 3. Runs each query of contribution_queries.h once in both its SQL forms and checks the
//    answers, contributions and distinct participants per group, against the answer computed
//    directly from the generated data; exits with 1 on any difference. Then times --runs runs
//    of each (--postgres_sql picks the form; the default per_participant is the faster).
// 4. The analytics half (RunAnalyticsHalf below) starts the analytics and consent binaries,
//    each with its own redis-server, ingests the same events through IngestEvents, checks and
//    times the same queries through Query, measures the analytics process's memory and the
//    time a restarted analytics takes to load its view from Redis, and prints RATIO lines.
//
// Run as root, PostgreSQL runs as the user "postgres" (or "nobody"). Exits with 2 when
// PostgreSQL 15 is not installed.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bench/bench_util.h"
#include "bench/contribution_queries.h"
#include "bench/postgres_contributions.h"
#include "bench/postgres_server.h"
#include "bench/synthetic_contributions.h"
#include "bridging/analytics/v1/analytics.grpc.pb.h"
#include "bridging/analytics/v1/analytics.pb.h"
#include "libs/auth/principal.h"
#include "libs/common/crypto.h"
#include "libs/common/grpc_status.h"
#include "libs/store/redis_store.h"
#include "libs/testing/child_process.h"
#include "libs/testing/probes.h"
#include "libs/testing/redis_server.h"

ABSL_FLAG(int64_t, contributions, 1000000, "Synthetic contributions to load and query");
ABSL_FLAG(int, participants, 2000, "Participants the contributions come from (Zipf-skewed)");
ABSL_FLAG(uint64_t, seed, 20240601, "Seed of the synthetic data");
ABSL_FLAG(int, runs, 30, "Timed runs of each query");
ABSL_FLAG(int, warmup, 2, "Untimed runs of each query before the timed ones");
ABSL_FLAG(bool, explain, false, "Print PostgreSQL's EXPLAIN (ANALYZE, BUFFERS) of each query");
ABSL_FLAG(std::string, postgres_sql, "per_participant",
          "The SQL PostgreSQL is timed with: per_participant (counts per group and participant, "
          "then per group; the faster) or count_distinct (count(DISTINCT participant))");
ABSL_FLAG(int, ingest_streams, 1,
          "Concurrent IngestEvents calls. Analytics applies one batch at a time and skips events "
          "at or below a source's applied sequence, so with more than one a later batch that "
          "overtakes an earlier one loses it (the benchmark then fails): 1 is the safe setting");

namespace bridging::bench {
namespace {

constexpr char kProgram[] = "analytics_query_bench";

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// --- self-checks of the generated data --------------------------------------------------------

absl::Status Invalid(std::string what) {
  return absl::InternalError(absl::StrCat("generated data: ", what));
}

// Every field in range, and the same options give the same data.
absl::Status CheckData(const SyntheticContributions& data) {
  const SyntheticOptions& o = data.options;
  if (static_cast<int64_t>(data.contributions.size()) != o.contributions ||
      static_cast<int>(data.participants.size()) != o.participants ||
      static_cast<int>(data.practices.size()) != o.practices) {
    return Invalid("wrong number of contributions, participants or practices");
  }
  std::set<std::string> names(data.participants.begin(), data.participants.end());
  names.insert(data.practices.begin(), data.practices.end());
  if (names.size() != data.participants.size() + data.practices.size() ||
      !std::all_of(names.begin(), names.end(), IsPseudonym)) {
    return Invalid("participant and practice pseudonyms are not distinct 64-hex strings");
  }
  int64_t theme_rows = 0;
  int previous_month = 0;
  for (size_t i = 0; i < data.contributions.size(); ++i) {
    const SyntheticContribution& c = data.contributions[i];
    const int themes = __builtin_popcount(c.theme_bits);
    if (c.id != static_cast<int64_t>(i) + 1 || !IsPseudonym(c.pseudonym) || c.participant < 0 ||
        c.participant >= o.participants || c.practice < 0 || c.practice >= o.practices ||
        c.source_type < consent::v1::SOURCE_TYPE_REFLECTIVE_NOTE ||
        c.source_type > consent::v1::SOURCE_TYPE_FEEDBACK || themes < 1 || themes > 3 ||
        c.theme_bits >= (1 << 6) || c.month < previous_month || c.month >= kMonths) {
      return Invalid(absl::StrCat("contribution ", c.id, " is malformed or out of order"));
    }
    previous_month = c.month;
    theme_rows += themes;
  }
  if (theme_rows != data.theme_rows) return Invalid("theme_rows is wrong");

  // Determinism, on a small sample: same options, same data; the participants do not depend
  // on the number of contributions; another seed, other data.
  SyntheticOptions small = o;
  small.contributions = std::min<int64_t>(o.contributions, 5000);
  const SyntheticContributions a = GenerateContributions(small);
  const SyntheticContributions b = GenerateContributions(small);
  for (size_t i = 0; i < a.contributions.size(); ++i) {
    const SyntheticContribution& x = a.contributions[i];
    const SyntheticContribution& y = b.contributions[i];
    if (x.pseudonym != y.pseudonym || x.participant != y.participant || x.practice != y.practice ||
        x.source_type != y.source_type || x.theme_bits != y.theme_bits || x.month != y.month) {
      return Invalid("the same seed gave different contributions");
    }
  }
  if (a.participants != data.participants || a.practices != data.practices) {
    return Invalid("participants or practices depend on the number of contributions");
  }
  small.seed = o.seed + 1;
  if (GenerateContributions(small).participants == data.participants) {
    return Invalid("another seed gave the same participants");
  }
  return absl::OkStatus();
}

// The batches hold every event once, in order: consent first, then each contribution as it is.
absl::Status CheckBatches(const SyntheticContributions& data,
                          const std::vector<analytics::v1::IngestEventsRequest>& batches) {
  const int64_t participants = static_cast<int64_t>(data.participants.size());
  int64_t next = 0;
  for (const analytics::v1::IngestEventsRequest& batch : batches) {
    if (batch.events_size() < 1 || batch.events_size() > kIngestBatchSize) {
      return Invalid(absl::StrCat("a batch of ", batch.events_size(), " events"));
    }
    for (const analytics::v1::Event& e : batch.events()) {
      const bool consent = next < participants;
      if (e.source() != kEventSource || e.sequence() != next + 1 ||
          e.kind() != (consent ? analytics::v1::EVENT_KIND_CONSENT_GIVEN
                               : analytics::v1::EVENT_KIND_CONTRIBUTION_SHARED) ||
          e.pseudonym_key_version().empty() || !e.has_event_time()) {
        return Invalid(absl::StrCat("event ", next, " is wrong: ", e.ShortDebugString()));
      }
      if (consent) {
        if (e.consent().participant() != data.participants[next] ||
            e.consent().purposes_size() != 1 ||
            e.consent().purposes(0) != consent::v1::PURPOSE_RESEARCH_USE ||
            e.consent().state() != consent::v1::CONSENT_STATE_GIVEN) {
          return Invalid(absl::StrCat("consent event ", next, ": ", e.ShortDebugString()));
        }
      } else {
        const SyntheticContribution& c = data.contributions[next - participants];
        const analytics::v1::ContributionEvent& ce = e.contribution();
        const std::vector<common::v1::Principle> themes = c.Themes();
        if (ce.participant() != data.participants[c.participant] ||
            ce.contribution() != c.pseudonym || ce.practice() != data.practices[c.practice] ||
            ce.source_type() != c.source_type ||
            ce.themes_size() != static_cast<int>(themes.size()) ||
            !std::equal(themes.begin(), themes.end(), ce.themes().begin()) ||
            MonthLabel(c.month) !=
                absl::StrFormat("%04d-%02d", ce.month().year(), ce.month().month()) ||
            ce.month().day() != 0 || !ce.redacted_text().empty()) {
          return Invalid(absl::StrCat("contribution event ", next, ": ", e.ShortDebugString()));
        }
      }
      ++next;
    }
  }
  if (next != EventCount(data)) return Invalid("events are missing");
  return absl::OkStatus();
}

// --- the analytics half -----------------------------------------------------------------------

constexpr char kPrincipalSecret[] = "analytics-query-bench-principal-secret-of-48-bytes";
constexpr char kIngestCaller[] = "services/consent";
constexpr absl::Duration kStartTimeout = absl::Seconds(30);
constexpr absl::Duration kStopTimeout = absl::Seconds(30);
constexpr absl::Duration kReloadTimeout = absl::Minutes(20);
constexpr absl::Duration kIngestDeadline = absl::Minutes(2);
constexpr absl::Duration kQueryDeadline = absl::Minutes(1);

// A team's query log after the timed runs: what the differencing guard reads on every query.
struct QueryLogSize {
  int64_t entries = 0;     // XLEN
  int64_t bytes = 0;       // MEMORY USAGE
  int64_t read_bytes = 0;  // field bytes of XREVRANGE ... COUNT 200, the guard's read
  double read_ms = 0;      // that read from this process, median of 5
};

// CPU milliseconds per Query call, by process (clock-tick resolution: 10 ms over all calls).
struct QueryCpu {
  double analytics_ms = 0;
  double analytics_redis_ms = 0;
  double consent_ms = 0;
  double consent_redis_ms = 0;
  double bench_ms = 0;  // this process: the gRPC client
};

// What the analytics half measured, for the RATIO lines and the tables.
struct AnalyticsResult {
  // Contributions per second from the first IngestEvents call until every event was applied
  // (the consent events included), compared with PostgresLoad::ready_seconds().
  double ingest_contributions_per_second = 0;
  // One per query, in the order of the query list.
  std::vector<QueryLatency> queries;

  // Ingest: every batch through IngestEvents on `streams` concurrent calls.
  int streams = 1;
  int64_t events = 0;
  int64_t batches = 0;
  double ingest_seconds = 0;
  std::optional<double> batch_p50_ms, batch_p99_ms;
  double analytics_cpu_seconds = 0;  // the analytics process during ingest
  double redis_cpu_seconds = 0;      // the analytics Redis during ingest
  double consent_cpu_seconds = 0;    // the consent process during ingest
  // Memory after ingest (kB / bytes).
  int64_t rss_kb = 0;
  int64_t peak_rss_kb = 0;
  int64_t redis_rss_kb = 0;
  int64_t redis_used_memory = 0;
  // A restarted analytics loading the view from Redis: from starting the process until it
  // reported SERVING (its readiness loop polls once a second), and the load's own duration
  // from its view_loaded log line.
  double reload_seconds = 0;
  std::optional<double> reload_logged_seconds;
  int64_t reload_rss_kb = 0;
  int64_t reload_peak_rss_kb = 0;
  // Per query, what the first answer looked like.
  std::vector<std::string> answer_checks;
  // Per query, its first and last timed call (ms): each answer joins the team's query log,
  // which the differencing guard reads back (up to its last 200 answers) on every query.
  std::vector<std::pair<double, double>> first_last_ms;
  std::vector<QueryLogSize> query_logs;  // per query's team, after its timed runs
  std::vector<QueryCpu> query_cpu;       // per query, over its warm-up and timed calls
};

// --- processes --------------------------------------------------------------------------------

// A field of /proc/<pid>/status in kB ("VmRSS", "VmHWM"); 0 if unreadable.
int64_t ProcStatusKb(pid_t pid, absl::string_view field) {
  const std::string status = testing::ReadFile(absl::StrCat("/proc/", pid, "/status"));
  for (absl::string_view line : absl::StrSplit(status, '\n')) {
    if (!absl::ConsumePrefix(&line, field) || !absl::ConsumePrefix(&line, ":")) continue;
    line = absl::StripAsciiWhitespace(line);
    absl::ConsumeSuffix(&line, " kB");
    int64_t kb = 0;
    if (absl::SimpleAtoi(line, &kb)) return kb;
  }
  return 0;
}

// User + system CPU seconds of a process so far; 0 if unreadable.
double ProcessCpuSeconds(pid_t pid) {
  const std::string stat = testing::ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  // After the command's closing parenthesis: state (field 3), ..., utime (14), stime (15).
  const std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(stat).substr(paren + 1), ' ', absl::SkipEmpty());
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return 0;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string Tail(const std::string& text, size_t chars = 2000) {
  return text.size() <= chars ? text : text.substr(text.size() - chars);
}

// One service binary run as a child process on a fixed loopback port, its output in a file.
class ServiceProcess {
 public:
  ServiceProcess(std::string name, std::vector<std::string> argv, int port, std::string log_file)
      : name_(std::move(name)),
        argv_(std::move(argv)),
        port_(port),
        log_file_(std::move(log_file)) {}

  int port() const { return port_; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  const std::string& log_file() const { return log_file_; }

  absl::Status Start() {
    absl::StatusOr<testing::ChildProcess> child =
        testing::ChildProcess::Start(argv_, {}, log_file_);
    if (!child.ok()) return child.status();
    process_.emplace(*std::move(child));
    return absl::OkStatus();
  }

  // Waits until grpc.health.v1 reports SERVING for the whole server. Each poll dials afresh:
  // a channel that first dialled before the server listened can sit in reconnect backoff for
  // seconds after the server is up, which would count against the service.
  absl::Status WaitServing(absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    for (int attempt = 0; absl::Now() < deadline; ++attempt) {
      absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus> status =
          testing::CheckHealth(OwnChannel(port_, attempt));
      if (status.ok() && *status == grpc::health::v1::HealthCheckResponse::SERVING) {
        return absl::OkStatus();
      }
      if (process_ && process_->WaitForExit(absl::ZeroDuration()).has_value()) {
        return absl::UnavailableError(
            absl::StrCat(name_, " exited while starting; its log ends:\n", Tail(Log())));
      }
      absl::SleepFor(absl::Milliseconds(10));  // poll interval
    }
    return absl::DeadlineExceededError(absl::StrCat(name_, " was not SERVING within ",
                                                    absl::FormatDuration(timeout),
                                                    "; its log ends:\n", Tail(Log())));
  }

  // SIGTERM, then SIGKILL if it has not exited in time.
  absl::Status Stop() {
    if (!process_ || !process_->running()) return absl::OkStatus();
    if (absl::Status s = process_->Signal(SIGTERM); !s.ok()) return s;
    if (process_->WaitForExit(kStopTimeout).has_value()) return absl::OkStatus();
    (void)process_->Signal(SIGKILL);
    process_->WaitForExit(kStopTimeout);
    return absl::DeadlineExceededError(absl::StrCat(name_, " did not stop on SIGTERM"));
  }

  std::string Log() const { return testing::ReadFile(log_file_); }

 private:
  std::string name_;
  std::vector<std::string> argv_;
  int port_;
  std::string log_file_;
  std::optional<testing::ChildProcess> process_;
};

// The two Redis servers and the two services, as deployed: consent answers analytics'
// watermark calls; its outbox publisher is off (the benchmark publishes the events itself).
// Members are destroyed in reverse order: the services stop before their Redis servers.
struct AnalyticsDeployment {
  std::unique_ptr<testing::RedisServer> analytics_redis;
  std::unique_ptr<testing::RedisServer> consent_redis;
  std::optional<ServiceProcess> consent;
  std::optional<ServiceProcess> analytics;

  ~AnalyticsDeployment() {
    if (analytics) (void)analytics->Stop();
    if (consent) (void)consent->Stop();
  }
};

absl::StatusOr<std::unique_ptr<AnalyticsDeployment>> StartAnalyticsDeployment() {
  auto d = std::make_unique<AnalyticsDeployment>();
  testing::RedisServerOptions analytics_redis;
  analytics_redis.appendfsync = "everysec";
  // No AOF rewrite in the middle of a timed phase (as the other benchmarks).
  analytics_redis.extra_config = {{"auto-aof-rewrite-percentage", "0"}};
  absl::StatusOr<std::unique_ptr<testing::RedisServer>> redis =
      testing::RedisServer::Start(analytics_redis);
  if (!redis.ok()) return redis.status();
  d->analytics_redis = *std::move(redis);
  redis = testing::RedisServer::Start();  // consent's: appendfsync always, as deployed
  if (!redis.ok()) return redis.status();
  d->consent_redis = *std::move(redis);

  const std::string dir = d->analytics_redis->dir();
  const std::string secret_file = absl::StrCat(dir, "/principal.secret");
  {
    std::ofstream out(secret_file, std::ios::trunc);
    out << kPrincipalSecret << "\n";
    out.close();
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", secret_file));
  }
  const int consent_port = testing::PickFreeLoopbackPort();
  const int analytics_port = testing::PickFreeLoopbackPort();
  if (consent_port <= 0 || analytics_port <= 0 || consent_port == analytics_port) {
    return absl::UnavailableError("no free loopback ports");
  }
  const std::string secret_flag = absl::StrCat("--principal_secret_file=", secret_file);
  d->consent.emplace("consent",
                     std::vector<std::string>{
                         CONSENT_BINARY, absl::StrCat("--port=", consent_port), "--metrics_port=0",
                         absl::StrCat("--redis_addr=", d->consent_redis->address()), secret_flag,
                         "--analytics_addr="},
                     consent_port, absl::StrCat(dir, "/consent.log"));
  d->analytics.emplace(
      "analytics",
      std::vector<std::string>{
          ANALYTICS_BINARY, absl::StrCat("--port=", analytics_port), "--metrics_port=0",
          absl::StrCat("--redis_addr=", d->analytics_redis->address()),
          absl::StrCat("--consent_addr=127.0.0.1:", consent_port), secret_flag},
      analytics_port, absl::StrCat(dir, "/analytics.log"));
  if (absl::Status s = d->consent->Start(); !s.ok()) return s;
  if (absl::Status s = d->analytics->Start(); !s.ok()) return s;
  if (absl::Status s = d->consent->WaitServing(kStartTimeout); !s.ok()) return s;
  if (absl::Status s = d->analytics->WaitServing(kStartTimeout); !s.ok()) return s;
  return d;
}

// The seconds of the last view_loaded line of an analytics log.
std::optional<double> LoggedViewLoadSeconds(const std::string& log) {
  std::optional<double> seconds;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (!absl::StrContains(line, "\"event\":\"view_loaded\"")) continue;
    const size_t at = line.find("\"seconds\":\"");
    if (at == absl::string_view::npos) continue;
    absl::string_view value = line.substr(at + 11);
    value = value.substr(0, value.find('"'));
    double s = 0;
    if (absl::SimpleAtod(value, &s)) seconds = s;
  }
  return seconds;
}

// used_memory of a Redis server (INFO memory), or 0.
int64_t RedisUsedMemory(int port) {
  std::unique_ptr<store::RedisStore> store = ServiceStore(port, 1);
  absl::StatusOr<store::Reply> info = store->Command({"INFO", "memory"});
  if (!info.ok()) return 0;
  for (absl::string_view line : absl::StrSplit(info->str, absl::ByAnyChar("\r\n"))) {
    int64_t bytes = 0;
    if (absl::ConsumePrefix(&line, "used_memory:") && absl::SimpleAtoi(line, &bytes)) return bytes;
  }
  return 0;
}

// --- ingest -----------------------------------------------------------------------------------

// Sends every batch with IngestEvents on `streams` concurrent calls (each takes the next batch
// in order; with more than one nothing keeps them in order at the service) and checks that
// every event was applied exactly once.
absl::Status IngestAll(const std::vector<analytics::v1::IngestEventsRequest>& batches, int streams,
                       int port, const auth::PrincipalCodec& codec, AnalyticsResult* result) {
  std::vector<std::unique_ptr<analytics::v1::AnalyticsService::Stub>> stubs;
  for (int i = 0; i < streams; ++i) {
    stubs.push_back(analytics::v1::AnalyticsService::NewStub(OwnChannel(port, i)));
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::atomic<int64_t> applied{0}, duplicates{0};
  absl::Mutex mu;
  absl::Status first_error;
  std::vector<int64_t> nanos;
  const auth::Principal caller{kIngestCaller, common::v1::ROLE_SERVICE};

  auto stream = [&](int s) {
    std::vector<int64_t> mine;
    for (size_t b = next++; b < batches.size() && !failed; b = next++) {
      analytics::v1::IngestEventsResponse response;
      const auto start = std::chrono::steady_clock::now();
      const grpc::Status status = stubs[s]->IngestEvents(
          CallContext(codec, caller, kIngestDeadline).get(), batches[b], &response);
      mine.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now() - start)
                         .count());
      absl::Status error;
      if (!status.ok()) {
        error = FromGrpcStatus(status);
      } else if (response.applied_count() + response.duplicate_count() !=
                 batches[b].events_size()) {
        error = absl::InternalError(absl::StrCat("IngestEvents applied ", response.applied_count(),
                                                 " and skipped ", response.duplicate_count(),
                                                 " of ", batches[b].events_size(), " events"));
      }
      if (!error.ok()) {
        absl::MutexLock lock(&mu);
        if (first_error.ok()) {
          first_error = absl::Status(
              error.code(), absl::StrCat("IngestEvents of batch ", b, ": ", error.message()));
        }
        failed = true;
        break;
      }
      applied += response.applied_count();
      duplicates += response.duplicate_count();
    }
    absl::MutexLock lock(&mu);
    nanos.insert(nanos.end(), mine.begin(), mine.end());
  };

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int s = 0; s < streams; ++s) threads.emplace_back(stream, s);
  for (std::thread& t : threads) t.join();
  result->ingest_seconds = SecondsSince(start);
  if (!first_error.ok()) return first_error;

  std::sort(nanos.begin(), nanos.end());
  result->batch_p50_ms = QuantileMs(nanos, 0.50);
  result->batch_p99_ms = QuantileMs(nanos, 0.99);
  int64_t events = 0;
  for (const auto& batch : batches) events += batch.events_size();
  if (duplicates > 0 || applied != events) {
    return absl::InternalError(absl::StrCat(
        applied.load(), " of ", events, " events were applied and ", duplicates.load(),
        " skipped as already applied: with ", streams,
        " concurrent streams later batches reached analytics before earlier ones, and analytics "
        "skips every event at or below a source's applied sequence"));
  }
  // The service agrees: every consent-source event is applied.
  analytics::v1::GetAppliedSequenceRequest request;
  request.set_source(kEventSource);
  analytics::v1::AppliedSequence sequence;
  const grpc::Status status =
      stubs[0]->GetAppliedSequence(CallContext(codec, caller).get(), request, &sequence);
  if (!status.ok()) return FromGrpcStatus(status);
  if (sequence.sequence() != events) {
    return absl::InternalError(absl::StrCat("analytics reports source ", kEventSource,
                                            " applied up to ", sequence.sequence(), ", not ",
                                            events));
  }
  return absl::OkStatus();
}

// --- queries ----------------------------------------------------------------------------------

// A research team per query ("researchers/bench-by-theme"), so the differencing guard
// compares an answer only with earlier answers to the same query.
std::string TeamFor(const ContributionQuery& query) {
  std::string id = absl::StrCat("bench-", query.name);
  std::replace(id.begin(), id.end(), '_', '-');
  return absl::StrCat("researchers/", id);
}

// Checks a disclosure-controlled answer against the exact one: every row is a group of the
// data; a cell is suppressed exactly when its group has threshold or fewer contributions or
// participants (no totals, so no secondary suppression); published counts are multiples of
// the rounding base within half of it of the true count and carry no contributors; every
// group above the threshold is present. Returns a one-line summary.
absl::StatusOr<std::string> CheckAnalyticsAnswer(const ContributionQuery& query,
                                                 const QueryAnswer& expected,
                                                 const analytics::v1::QueryResponse& response) {
  const common::v1::DisclosurePolicy& policy = response.stamp().policy();
  const int64_t threshold = policy.threshold();
  const int64_t base = std::max(policy.rounding_base(), 1);
  const common::v1::Table& table = response.table();
  std::vector<std::string> problems;
  auto problem = [&](std::string text) {
    if (problems.size() < kMaxErrorsShown) problems.push_back(std::move(text));
  };
  if (threshold < 2 || table.columns_size() != 1 ||
      table.row_dimensions_size() != static_cast<int>(query.group_by.size()) ||
      response.stamp().coarsened() || policy.has_epsilon()) {
    problem(absl::StrCat("unexpected table shape or stamp: ", response.stamp().ShortDebugString(),
                         " columns ", table.columns_size(), " row dimensions ",
                         table.row_dimensions_size()));
  }
  auto small = [&](const GroupCount& g) {
    return g.contributions <= threshold || g.participants <= threshold;
  };
  std::set<std::vector<std::string>> seen;
  int64_t published = 0, suppressed = 0, largest_error = 0;
  for (const common::v1::TableRow& row : table.rows()) {
    const std::vector<std::string> labels(row.labels().begin(), row.labels().end());
    const std::string name = absl::StrJoin(labels, "/");
    if (!seen.insert(labels).second) problem(absl::StrCat("group ", name, " appears twice"));
    auto it = expected.find(labels);
    if (it == expected.end()) {
      problem(absl::StrCat("group ", name, " is not in the data"));
      continue;
    }
    if (row.cells_size() != 1) {
      problem(absl::StrCat("group ", name, " has ", row.cells_size(), " cells"));
      continue;
    }
    const common::v1::Cell& cell = row.cells(0);
    const GroupCount& truth = it->second;
    if (cell.suppressed()) {
      ++suppressed;
      if (!small(truth)) {
        problem(absl::StrCat("group ", name, " (", truth.contributions, " contributions, ",
                             truth.participants, " participants) is suppressed"));
      }
      continue;
    }
    ++published;
    const int64_t value = static_cast<int64_t>(cell.value());
    const int64_t error = std::llabs(value - truth.contributions);
    largest_error = std::max(largest_error, error);
    if (small(truth)) {
      problem(absl::StrCat("group ", name, " of ", truth.contributions, " contributions from ",
                           truth.participants, " participants is published: ", value));
    } else if (static_cast<double>(value) != cell.value() || value % base != 0 ||
               error > base / 2 || cell.contributors() != 0) {
      problem(absl::StrCat("group ", name, ": published ", cell.value(), " (contributors ",
                           cell.contributors(), "), true count ", truth.contributions));
    }
  }
  int64_t publishable = 0;
  for (const auto& [labels, truth] : expected) {
    if (small(truth)) continue;
    ++publishable;
    if (seen.count(labels) == 0) {
      problem(absl::StrCat("group ", absl::StrJoin(labels, "/"), " (", truth.contributions,
                           " contributions, ", truth.participants, " participants) is missing"));
    }
  }
  if (!problems.empty()) {
    return absl::InternalError(absl::StrCat("analytics' answer to ", query.name,
                                            " is wrong: ", absl::StrJoin(problems, "; ")));
  }
  return absl::StrFormat(
      "%s: %d of %d groups published (all with more than %d contributions and participants), "
      "%d suppressed, %d absent; largest rounding difference %d",
      query.name, published, expected.size(), threshold, suppressed,
      static_cast<int64_t>(expected.size()) - published - suppressed, largest_error);
}

absl::StatusOr<analytics::v1::QueryResponse> AskAnalytics(
    analytics::v1::AnalyticsService::Stub& stub, const auth::PrincipalCodec& codec,
    const analytics::v1::QueryRequest& request) {
  analytics::v1::QueryResponse response;
  const grpc::Status status = stub.Query(
      CallContext(codec, {request.parent(), common::v1::ROLE_RESEARCHER}, kQueryDeadline).get(),
      request, &response);
  if (!status.ok()) {
    const absl::Status s = FromGrpcStatus(status);
    return absl::Status(s.code(), absl::StrCat("Query for ", request.parent(), ": ", s.message()));
  }
  return response;
}

// ============================================================================================
// THE ANALYTICS HALF, as deployed: the analytics and consent binaries with their own Redis
// servers, reached over loopback gRPC.
//   1. starts both Redis servers (analytics': AOF everysec) and both services, waits until
//      they are SERVING;
//   2. sends `batches` in order with IngestEvents (signed ROLE_SERVICE as services/consent),
//      timing from the first call until the last has returned, and checks every event was
//      applied once; then reads the analytics process's memory;
//   3. sends ToQueryRequest(query, team) for each query once (a team per query) and checks
//      the disclosure-controlled table against `expected`, then times it with TimeQuery;
//   4. restarts analytics and times until it is SERVING again (the view loaded from Redis),
//      and checks a query gives the same answer as before.
// ============================================================================================
absl::StatusOr<AnalyticsResult> RunAnalyticsHalf(
    const std::vector<analytics::v1::IngestEventsRequest>& batches,
    const std::vector<ContributionQuery>& queries, const std::vector<QueryAnswer>& expected,
    int runs, int warmup) {
  AnalyticsResult result;
  result.streams = std::max(absl::GetFlag(FLAGS_ingest_streams), 1);
  result.batches = static_cast<int64_t>(batches.size());
  for (const auto& batch : batches) result.events += batch.events_size();

  absl::StatusOr<std::unique_ptr<AnalyticsDeployment>> deployment = StartAnalyticsDeployment();
  if (!deployment.ok()) return deployment.status();
  AnalyticsDeployment& d = **deployment;
  const auth::PrincipalCodec codec(kPrincipalSecret);
  absl::PrintF(
      "\nanalytics: %s (pid %d, port %d) with its Redis on %s (AOF everysec); consent %s (pid "
      "%d, port %d) with its Redis on %s, asked for the watermark before every answer\n",
      ANALYTICS_BINARY, d.analytics->pid(), d.analytics->port(), d.analytics_redis->address(),
      CONSENT_BINARY, d.consent->pid(), d.consent->port(), d.consent_redis->address());

  // --- ingest ---
  const double analytics_cpu = ProcessCpuSeconds(d.analytics->pid());
  const double redis_cpu = ProcessCpuSeconds(d.analytics_redis->pid());
  const double consent_cpu = ProcessCpuSeconds(d.consent->pid());
  if (absl::Status s = IngestAll(batches, result.streams, d.analytics->port(), codec, &result);
      !s.ok()) {
    return s;
  }
  result.analytics_cpu_seconds = ProcessCpuSeconds(d.analytics->pid()) - analytics_cpu;
  result.redis_cpu_seconds = ProcessCpuSeconds(d.analytics_redis->pid()) - redis_cpu;
  result.consent_cpu_seconds = ProcessCpuSeconds(d.consent->pid()) - consent_cpu;
  int64_t contribution_events = 0;
  for (const auto& batch : batches) {
    for (const auto& e : batch.events()) {
      if (e.kind() == analytics::v1::EVENT_KIND_CONTRIBUTION_SHARED) ++contribution_events;
    }
  }
  result.ingest_contributions_per_second =
      result.ingest_seconds > 0 ? static_cast<double>(contribution_events) / result.ingest_seconds
                                : 0;
  result.rss_kb = ProcStatusKb(d.analytics->pid(), "VmRSS");
  result.peak_rss_kb = ProcStatusKb(d.analytics->pid(), "VmHWM");
  result.redis_rss_kb = ProcStatusKb(d.analytics_redis->pid(), "VmRSS");
  result.redis_used_memory = RedisUsedMemory(d.analytics_redis->port());

  // --- queries ---
  auto stub = analytics::v1::AnalyticsService::NewStub(OwnChannel(d.analytics->port(), 0));
  std::vector<analytics::v1::QueryResponse> first_answers;
  for (size_t i = 0; i < queries.size() && i < expected.size(); ++i) {
    const analytics::v1::QueryRequest request = ToQueryRequest(queries[i], TeamFor(queries[i]));
    absl::StatusOr<analytics::v1::QueryResponse> answer = AskAnalytics(*stub, codec, request);
    if (!answer.ok()) return answer.status();
    absl::StatusOr<std::string> checked = CheckAnalyticsAnswer(queries[i], expected[i], *answer);
    if (!checked.ok()) return checked.status();
    result.answer_checks.push_back(*checked);
    const std::string first_table = answer->table().SerializeAsString();
    std::vector<double> call_ms;  // every call, warm-up included, in order
    const std::vector<pid_t> pids = {d.analytics->pid(), d.analytics_redis->pid(), d.consent->pid(),
                                     d.consent_redis->pid(), getpid()};
    std::vector<double> cpu_before;
    for (pid_t pid : pids) cpu_before.push_back(ProcessCpuSeconds(pid));
    absl::StatusOr<QueryLatency> latency =
        TimeQuery(queries[i].name, runs, warmup, [&]() -> absl::StatusOr<int64_t> {
          const auto start = std::chrono::steady_clock::now();
          absl::StatusOr<analytics::v1::QueryResponse> again = AskAnalytics(*stub, codec, request);
          call_ms.push_back(SecondsSince(start) * 1e3);
          if (!again.ok()) return again.status();
          if (again->table().SerializeAsString() != first_table) {
            return absl::InternalError(absl::StrCat("analytics answered ", queries[i].name,
                                                    " differently on a repeated run"));
          }
          return again->table().rows_size();
        });
    if (!latency.ok()) return latency.status();
    result.queries.push_back(*latency);
    QueryCpu cpu;
    const double calls = static_cast<double>(std::max<size_t>(call_ms.size(), 1));
    double* fields[] = {&cpu.analytics_ms, &cpu.analytics_redis_ms, &cpu.consent_ms,
                        &cpu.consent_redis_ms, &cpu.bench_ms};
    for (size_t p = 0; p < pids.size(); ++p) {
      *fields[p] = (ProcessCpuSeconds(pids[p]) - cpu_before[p]) * 1e3 / calls;
    }
    result.query_cpu.push_back(cpu);
    if (static_cast<int>(call_ms.size()) >= runs && runs > 0) {
      result.first_last_ms.emplace_back(call_ms[call_ms.size() - runs], call_ms.back());
    } else {
      result.first_last_ms.emplace_back(0, 0);
    }
    first_answers.push_back(*std::move(answer));
  }

  // --- the teams' query logs, which the differencing guard reads back on every query ---
  {
    std::unique_ptr<store::RedisStore> redis = ServiceStore(d.analytics_redis->port(), 1);
    for (const ContributionQuery& query : queries) {
      // analytics' key for a team's query log (services/analytics keys::QueryLog).
      const std::string key = absl::StrCat("analytics:query_log:", TeamFor(query));
      QueryLogSize size;
      absl::StatusOr<store::Reply> entries = redis->Command({"XLEN", key});
      absl::StatusOr<store::Reply> bytes = redis->Command({"MEMORY", "USAGE", key});
      if (!entries.ok() || !bytes.ok()) {
        return absl::InternalError(absl::StrCat("reading ", key, " failed"));
      }
      size.entries = entries->integer;
      size.bytes = bytes->integer;
      std::vector<int64_t> nanos;
      for (int i = 0; i < 5; ++i) {
        const auto start = std::chrono::steady_clock::now();
        absl::StatusOr<store::Reply> read =
            redis->Command({"XREVRANGE", key, "+", "-", "COUNT", "200"});
        nanos.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count());
        if (!read.ok()) return read.status();
        if (i == 0) {
          for (const store::Reply& entry : read->elements) {
            for (const store::Reply& field : entry.elements.size() == 2
                                                 ? entry.elements[1].elements
                                                 : std::vector<store::Reply>{}) {
              size.read_bytes += static_cast<int64_t>(field.str.size());
            }
          }
        }
      }
      std::sort(nanos.begin(), nanos.end());
      size.read_ms = QuantileMs(nanos, 0.5).value_or(0);
      result.query_logs.push_back(size);
    }
  }

  // --- restart: the view loaded from Redis ---
  stub.reset();  // a connection left open holds up the server's shutdown for its grace period
  if (absl::Status s = d.analytics->Stop(); !s.ok()) return s;
  const auto restart = std::chrono::steady_clock::now();
  if (absl::Status s = d.analytics->Start(); !s.ok()) return s;
  if (absl::Status s = d.analytics->WaitServing(kReloadTimeout); !s.ok()) return s;
  result.reload_seconds = SecondsSince(restart);
  result.reload_logged_seconds = LoggedViewLoadSeconds(d.analytics->Log());
  result.reload_rss_kb = ProcStatusKb(d.analytics->pid(), "VmRSS");
  result.reload_peak_rss_kb = ProcStatusKb(d.analytics->pid(), "VmHWM");
  if (!queries.empty() && !first_answers.empty()) {
    stub = analytics::v1::AnalyticsService::NewStub(OwnChannel(d.analytics->port(), 1));
    absl::StatusOr<analytics::v1::QueryResponse> answer =
        AskAnalytics(*stub, codec, ToQueryRequest(queries[0], TeamFor(queries[0])));
    if (!answer.ok()) return answer.status();
    if (answer->table().SerializeAsString() != first_answers[0].table().SerializeAsString()) {
      return absl::InternalError(absl::StrCat("after reloading its view, analytics answered ",
                                              queries[0].name, " differently"));
    }
  }
  stub.reset();
  if (absl::Status s = d.analytics->Stop(); !s.ok()) return s;
  if (absl::Status s = d.consent->Stop(); !s.ok()) return s;
  return result;
}

// --- output -----------------------------------------------------------------------------------

std::string Rate(double count, double seconds) {
  return seconds > 0 ? absl::StrFormat("%.0f", count / seconds) : "-";
}

void PrintLoad(const PostgresLoad& load) {
  absl::PrintF(
      "load: PostgreSQL COPY of %d contributions and %d theme rows (%.1f MB of COPY "
      "text; tables and indexes %.1f MB)\n",
      load.contributions, load.theme_rows, static_cast<double>(load.copy_bytes) / 1e6,
      static_cast<double>(load.table_bytes) / 1e6);
  const TextTable table(
      {{"phase", 34, true}, {"seconds", 8}, {"contributions/s", 16}, {"rows/s (both tables)", 21}});
  table.PrintHeader();
  const double rows = static_cast<double>(load.contributions + load.theme_rows);
  const double n = static_cast<double>(load.contributions);
  table.PrintRow({"COPY, both tables (FREEZE)", absl::StrFormat("%.2f", load.copy_seconds),
                  Rate(n, load.copy_seconds), Rate(rows, load.copy_seconds)});
  table.PrintRow({"primary keys and indexes", absl::StrFormat("%.2f", load.index_seconds), "", ""});
  table.PrintRow({"VACUUM (ANALYZE)", absl::StrFormat("%.2f", load.analyze_seconds), "", ""});
  table.PrintRow({"ready to query (all three)", absl::StrFormat("%.2f", load.ready_seconds()),
                  Rate(n, load.ready_seconds()), Rate(rows, load.ready_seconds())});
}

void PrintLatencies(const std::vector<ContributionQuery>& queries,
                    const std::vector<QueryLatency>& latencies) {
  const TextTable table({{"query", 24, true},
                         {"groups", 6},
                         {"p50 ms", 9},
                         {"p99 ms", 9},
                         {"min ms", 9},
                         {"what", 0, true, 2}});
  table.PrintHeader();
  for (size_t i = 0; i < latencies.size() && i < queries.size(); ++i) {
    const QueryLatency& l = latencies[i];
    table.PrintRow({l.name, absl::StrCat(l.groups), OrDash(l.p50_ms, 2), OrDash(l.p99_ms, 2),
                    OrDash(l.min_ms, 2), queries[i].description});
  }
}

std::optional<double> Ratio(const std::optional<double>& a, const std::optional<double>& b) {
  if (!a.has_value() || !b.has_value() || *b <= 0) return std::nullopt;
  return *a / *b;
}

std::string Megabytes(int64_t kilobytes) {
  return absl::StrFormat("%.0f", static_cast<double>(kilobytes) / 1024.0);
}

void PrintAnalyticsIngest(const AnalyticsResult& a, const PostgresLoad& load) {
  const double contributions = static_cast<double>(load.contributions);
  const double pg_rate = contributions / load.ready_seconds();
  absl::PrintF(
      "\nanalytics ingest: %d events (%d consent, %d contributions) in %d IngestEvents batches "
      "on %d stream(s), from the first call until the last returned\n",
      a.events, a.events - load.contributions, load.contributions, a.batches, a.streams);
  const TextTable table({{"load", 36, true},
                         {"seconds", 8},
                         {"events/s", 9},
                         {"contributions/s", 16},
                         {"vs PostgreSQL", 13}});
  table.PrintHeader();
  table.PrintRow({"PostgreSQL COPY + indexes + ANALYZE",
                  absl::StrFormat("%.2f", load.ready_seconds()), "",
                  Rate(contributions, load.ready_seconds()), "1.000"});
  table.PrintRow({absl::StrFormat("analytics IngestEvents (%d stream%s)", a.streams,
                                  a.streams == 1 ? "" : "s"),
                  absl::StrFormat("%.2f", a.ingest_seconds),
                  Rate(static_cast<double>(a.events), a.ingest_seconds),
                  absl::StrFormat("%.0f", a.ingest_contributions_per_second),
                  absl::StrFormat("%.3f", a.ingest_contributions_per_second / pg_rate)});
  absl::PrintF(
      "  IngestEvents of %d events: p50 %s ms, p99 %s ms. CPU seconds during ingest: analytics "
      "%.1f, its Redis %.1f, consent %.1f (%.1f us of analytics CPU per event)\n",
      kIngestBatchSize, OrDash(a.batch_p50_ms, 1), OrDash(a.batch_p99_ms, 1),
      a.analytics_cpu_seconds, a.redis_cpu_seconds, a.consent_cpu_seconds,
      a.events > 0 ? a.analytics_cpu_seconds * 1e6 / static_cast<double>(a.events) : 0.0);
  absl::PrintF(
      "\nanalytics memory and restart\n"
      "  after ingest: analytics VmRSS %s MB (peak VmHWM %s MB); its Redis VmRSS %s MB, "
      "used_memory %.0f MB\n",
      Megabytes(a.rss_kb), Megabytes(a.peak_rss_kb), Megabytes(a.redis_rss_kb),
      static_cast<double>(a.redis_used_memory) / 1048576.0);
  absl::PrintF(
      "  restarted (SIGTERM, start): SERVING after %.2f s (readiness polled every 1 s; the "
      "view's own load took %s s); then VmRSS %s MB, peak VmHWM during the load %s MB; the "
      "reloaded view gives the same answer\n",
      a.reload_seconds, OrDash(a.reload_logged_seconds, 2), Megabytes(a.reload_rss_kb),
      Megabytes(a.reload_peak_rss_kb));
}

void PrintQueryLogs(const std::vector<ContributionQuery>& queries, const AnalyticsResult& a) {
  absl::PrintF(
      "\nthe differencing guard's input: each team's query log after its runs (every Query reads "
      "back its last 200 answers and compares each new cell with every cell published in them)\n");
  const TextTable table({{"query (own team)", 24, true},
                         {"answers", 8},
                         {"log MB", 8},
                         {"read MB", 8},
                         {"read ms", 8},
                         {"CPU ms per Query: analytics", 28},
                         {"its Redis", 10},
                         {"consent", 8},
                         {"consent Redis", 14},
                         {"client", 7}});
  table.PrintHeader();
  for (size_t i = 0; i < queries.size() && i < a.query_logs.size(); ++i) {
    const QueryLogSize& q = a.query_logs[i];
    const QueryCpu cpu = i < a.query_cpu.size() ? a.query_cpu[i] : QueryCpu{};
    table.PrintRow(
        {queries[i].name, absl::StrCat(q.entries),
         absl::StrFormat("%.2f", static_cast<double>(q.bytes) / 1048576.0),
         absl::StrFormat("%.2f", static_cast<double>(q.read_bytes) / 1048576.0),
         absl::StrFormat("%.2f", q.read_ms), absl::StrFormat("%.2f", cpu.analytics_ms),
         absl::StrFormat("%.2f", cpu.analytics_redis_ms), absl::StrFormat("%.2f", cpu.consent_ms),
         absl::StrFormat("%.2f", cpu.consent_redis_ms), absl::StrFormat("%.2f", cpu.bench_ms)});
  }
}

void PrintComparison(const std::vector<ContributionQuery>& queries,
                     const std::vector<QueryLatency>& postgres, const AnalyticsResult& analytics) {
  const TextTable table({{"query", 24, true},
                         {"PG p50 ms", 10},
                         {"PG p99 ms", 10},
                         {"an. p50 ms", 11},
                         {"an. p99 ms", 11},
                         {"p50 ratio", 10},
                         {"p99 ratio", 10},
                         {"an. first/last timed run ms", 0, true, 2}});
  table.PrintHeader();
  for (size_t i = 0; i < queries.size() && i < postgres.size() && i < analytics.queries.size();
       ++i) {
    const QueryLatency& a = analytics.queries[i];
    table.PrintRow({queries[i].name, OrDash(postgres[i].p50_ms, 2), OrDash(postgres[i].p99_ms, 2),
                    OrDash(a.p50_ms, 2), OrDash(a.p99_ms, 2),
                    OrDash(Ratio(a.p50_ms, postgres[i].p50_ms), 3),
                    OrDash(Ratio(a.p99_ms, postgres[i].p99_ms), 3),
                    i < analytics.first_last_ms.size()
                        ? absl::StrFormat("%.2f / %.2f", analytics.first_last_ms[i].first,
                                          analytics.first_last_ms[i].second)
                        : "-"});
  }
}

// --- the benchmark ----------------------------------------------------------------------------

int Run() {
  const int runs = std::max(absl::GetFlag(FLAGS_runs), 1);
  const int warmup = std::max(absl::GetFlag(FLAGS_warmup), 0);
  const std::string sql_flag = absl::GetFlag(FLAGS_postgres_sql);
  if (sql_flag != SqlFormName(SqlForm::kPerParticipant) &&
      sql_flag != SqlFormName(SqlForm::kCountDistinct)) {
    return Fail(kProgram,
                absl::InvalidArgumentError(absl::StrCat(
                    "--postgres_sql must be per_participant or count_distinct, not ", sql_flag)));
  }
  const SqlForm form = sql_flag == SqlFormName(SqlForm::kCountDistinct) ? SqlForm::kCountDistinct
                                                                        : SqlForm::kPerParticipant;
  SyntheticOptions options;
  options.contributions = std::max<int64_t>(absl::GetFlag(FLAGS_contributions), 1);
  options.participants = std::max(absl::GetFlag(FLAGS_participants), 1);
  options.seed = absl::GetFlag(FLAGS_seed);

  auto start = std::chrono::steady_clock::now();
  const SyntheticContributions data = GenerateContributions(options);
  absl::PrintF(
      "data: %d synthetic contributions (seed %d) from %d participants (Zipf, exponent %.1f) "
      "about %d practices, months %s..%s, %d theme rows; generated in %.1f s\n",
      options.contributions, options.seed, options.participants, options.participant_zipf_exponent,
      options.practices, MonthLabel(0), MonthLabel(kMonths - 1), data.theme_rows,
      SecondsSince(start));
  {
    std::vector<int64_t> per_participant(data.participants.size(), 0);
    for (const SyntheticContribution& c : data.contributions) ++per_participant[c.participant];
    std::sort(per_participant.begin(), per_participant.end());
    const int64_t active = static_cast<int64_t>(
        per_participant.end() -
        std::upper_bound(per_participant.begin(), per_participant.end(), int64_t{0}));
    absl::PrintF(
        "      contributions per participant: most %d, median %d, fewest %d; %d of %d "
        "participants contributed\n",
        per_participant.back(), per_participant[per_participant.size() / 2],
        per_participant.front(), active, per_participant.size());
  }
  if (absl::Status checked = CheckData(data); !checked.ok()) return Fail(kProgram, checked);

  start = std::chrono::steady_clock::now();
  const std::vector<analytics::v1::IngestEventsRequest> batches = IngestBatches(data);
  if (absl::Status checked = CheckBatches(data, batches); !checked.ok()) {
    return Fail(kProgram, checked);
  }
  absl::PrintF(
      "events: %d analytics events in %d IngestEventsRequest batches of up to %d; "
      "built and checked in %.1f s\n",
      EventCount(data), batches.size(), kIngestBatchSize, SecondsSince(start));

  const std::vector<ContributionQuery> queries = ContributionQueries(data);
  std::vector<QueryAnswer> expected;
  for (const ContributionQuery& query : queries) expected.push_back(ExpectedAnswer(data, query));

  // --- PostgreSQL ---
  absl::StatusOr<std::unique_ptr<PostgresServer>> pg = PostgresServer::Start();
  if (!pg.ok()) {
    Fail(kProgram, pg.status());
    return absl::IsFailedPrecondition(pg.status()) ? 2 : 1;
  }
  std::vector<std::string> settings;
  for (const auto& [name, value] : (*pg)->settings()) {
    if (name != "unix_socket_directories" && name != "listen_addresses") {
      settings.push_back(absl::StrCat(name, "=", value));
    }
  }
  absl::PrintF("PostgreSQL %s on 127.0.0.1:%d as user %s: %s\n\n", (*pg)->version(), (*pg)->port(),
               (*pg)->user(), absl::StrJoin(settings, " "));
  absl::StatusOr<PgConnection> conn = ConnectPostgres((*pg)->ConnectionString());
  if (!conn.ok()) return Fail(kProgram, conn.status());

  absl::StatusOr<PostgresLoad> load = LoadContributions(conn->get(), data);
  if (!load.ok()) return Fail(kProgram, load.status());
  PrintLoad(*load);

  // Both SQL forms of every query must give exactly the counts of the generated data.
  for (size_t i = 0; i < queries.size(); ++i) {
    for (SqlForm checked : {SqlForm::kPerParticipant, SqlForm::kCountDistinct}) {
      absl::StatusOr<QueryAnswer> answer = RunPostgresQuery(conn->get(), queries[i], checked);
      if (!answer.ok()) return Fail(kProgram, answer.status());
      if (absl::Status same = CompareAnswers(queries[i].name, expected[i], *answer); !same.ok()) {
        return Fail(kProgram, absl::InternalError(absl::StrCat(
                                  "PostgreSQL's answer (", SqlFormName(checked),
                                  " SQL) differs from the generated data's: ", same.message())));
      }
    }
  }
  absl::PrintF(
      "\ncheck: PostgreSQL's contributions and distinct participants equal the counts computed "
      "from the generated data, every group of all %d queries, both SQL forms\n\n",
      queries.size());

  std::vector<QueryLatency> pg_latencies;
  for (const ContributionQuery& query : queries) {
    absl::StatusOr<QueryLatency> latency =
        TimePostgresQuery(conn->get(), query, runs, warmup, form);
    if (!latency.ok()) return Fail(kProgram, latency.status());
    pg_latencies.push_back(*latency);
  }
  absl::PrintF(
      "PostgreSQL query latency, %s SQL, %d runs each after %d untimed (one connection, "
      "sequential; from sending the SQL to having every row)\n",
      sql_flag, runs, warmup);
  PrintLatencies(queries, pg_latencies);
  if (absl::GetFlag(FLAGS_explain)) {
    for (const ContributionQuery& query : queries) {
      absl::StatusOr<std::string> plan = ExplainPostgresQuery(conn->get(), query, form);
      if (!plan.ok()) return Fail(kProgram, plan.status());
      absl::PrintF("\n%s: %s\n%s", query.name,
                   form == SqlForm::kCountDistinct ? query.sql_count_distinct : query.sql, *plan);
    }
  }
  conn->reset();
  if (absl::Status stopped = (*pg)->Stop(); !stopped.ok()) return Fail(kProgram, stopped);
  // Its memory back before the analytics half runs.
  pg->reset();

  // --- analytics ---
  absl::StatusOr<AnalyticsResult> analytics =
      RunAnalyticsHalf(batches, queries, expected, runs, warmup);
  if (!analytics.ok()) return Fail(kProgram, analytics.status());
  const double pg_rate = static_cast<double>(load->contributions) / load->ready_seconds();
  PrintAnalyticsIngest(*analytics, *load);
  absl::PrintF(
      "\ncheck: analytics' disclosure-controlled answers agree with the generated data (cells "
      "of threshold or fewer contributions or participants withheld, the others rounded to the "
      "policy's base and within half of it of the true count, every larger group present):\n");
  for (const std::string& line : analytics->answer_checks) absl::PrintF("  %s\n", line);
  absl::PrintF(
      "\nanalytics Query latency, %d runs each after %d untimed (one gRPC channel, sequential; "
      "a research team per query)\n",
      runs, warmup);
  PrintLatencies(queries, analytics->queries);
  absl::PrintF("\nanalytics vs PostgreSQL (%s SQL)\n", sql_flag);
  PrintComparison(queries, pg_latencies, *analytics);
  PrintQueryLogs(queries, *analytics);
  std::string ratios = absl::StrFormat("RATIO analytics_ingest_vs_postgres_copy=%.3f",
                                       analytics->ingest_contributions_per_second / pg_rate);
  for (size_t i = 0; i < queries.size() && i < analytics->queries.size(); ++i) {
    absl::StrAppendFormat(&ratios, " analytics_%s_p50_vs_postgres=%s", queries[i].name,
                          OrDash(Ratio(analytics->queries[i].p50_ms, pg_latencies[i].p50_ms)));
  }
  absl::PrintF("%s\n", ratios);
  return 0;
}

}  // namespace
}  // namespace bridging::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return bridging::bench::Run();
}
