// The gateway's cost on one unary call: Pseudonymize sent to the same anonymizer process three
// ways in the same run (direct, through nginx grpc_pass, through the gateway), with p50/p99 at a
// fixed offered rate and calls/s with a fixed number of calls outstanding, printed as ratios
// against the direct path and against nginx.
//
// 1. Starts the anonymizer (stateless, no Redis), a Redis for the gateway (appendfsync
//    everysec), the gateway routing bridging.anonymizer.v1 to the anonymizer, and nginx (one
//    process: master_process off) with grpc_pass to the same anonymizer, all on free loopback
//    ports in a temporary directory. nginx is skipped, with a message, when it is not installed.
// 2. Creates the organisation services/bench and a ROLE_SERVICE API key for it through the
//    gateway's AdminService with the bootstrap operator key. Direct and nginx calls carry the
//    x-bridging-principal headers this program signs itself (services/bench, ROLE_SERVICE).
// 3. Checks each path answers the same pseudonyms, and that the gateway refuses a call without
//    a key; exits with 1 otherwise.
// 4. Warms each path up, then runs --rounds rounds; each round runs every path (starting with
//    a different one each round) through a fixed-rate phase (open loop, --rate calls/s, latency
//    from each call's scheduled send time) and a max-throughput phase (closed loop,
//    --concurrency calls outstanding). Tables show the medians of the rounds.
// 5. Checks that the gateway's audit log holds an event for every call sent through it.
//
// Clients use gRPC's callback API, so sending never waits for answers. Exits with 1 if any
// call fails; if a process dies, the run stops at once and prints the end of its log.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/strings/substitute.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_util.h"
#include "bridging/anonymizer/v1/anonymizer.grpc.pb.h"
#include "bridging/gateway/v1/admin.grpc.pb.h"
#include "libs/auth/principal.h"
#include "libs/common/crypto.h"
#include "libs/common/proto_time.h"
#include "libs/store/redis_store.h"
#include "libs/testing/child_process.h"
#include "libs/testing/probes.h"
#include "libs/testing/redis_server.h"

ABSL_FLAG(double, rate, 1000, "Offered calls per second in the fixed-rate phase");
ABSL_FLAG(double, seconds, 5, "Fixed-rate load per path, in seconds, split evenly over the rounds");
ABSL_FLAG(double, throughput_seconds, 3,
          "Max-throughput load per path, in seconds, split evenly over the rounds");
ABSL_FLAG(int, concurrency, 32, "Calls outstanding in the max-throughput phase");
ABSL_FLAG(int, rounds, 3, "Rounds; each runs every path once, and tables show the medians");
ABSL_FLAG(int, channels, 1,
          "Client channels (each its own HTTP/2 connection) per path; calls take them in turn");
ABSL_FLAG(int, identifiers, 1, "Identifiers per Pseudonymize request");
ABSL_FLAG(double, warmup_seconds, 1, "Untimed load per path before the first round");
ABSL_FLAG(bool, quick, false,
          "Smoke run: one round, 1 s per path and phase, short warm-up (overrides the flags "
          "above)");
ABSL_FLAG(std::string, nginx, "",
          "nginx binary (default: nginx on PATH, else /usr/sbin/nginx); \"none\" skips nginx");
ABSL_FLAG(bool, nginx_access_log, true,
          "nginx writes an access log (buffered, to the temporary directory): its nearest "
          "equivalent of the gateway's audit log");
ABSL_FLAG(bool, keep_dir, false, "Keep the temporary directory (logs, nginx.conf)");
ABSL_FLAG(std::string, gateway, GATEWAY_BINARY, "Gateway binary (e.g. a patched build to compare)");
ABSL_FLAG(std::string, anonymizer, ANONYMIZER_BINARY, "Anonymizer binary");

namespace bridging::bench {
namespace {

using anonymizer::v1::AnonymizerService;
using anonymizer::v1::PseudonymizeRequest;
using anonymizer::v1::PseudonymizeResponse;
using Clock = std::chrono::steady_clock;

constexpr char kProgram[] = "gateway_bench";
constexpr char kService[] = "bridging.anonymizer.v1";
constexpr char kOrganization[] = "services/bench";
constexpr char kDomain[] = "participant";
constexpr absl::Duration kCallDeadline = absl::Seconds(10);
constexpr absl::Duration kStartTimeout = absl::Seconds(30);
constexpr absl::Duration kStopTimeout = absl::Seconds(10);
constexpr absl::Duration kAuditTimeout = absl::Seconds(15);

int64_t Nanos(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

std::string Tail(const std::string& text, size_t chars = 3000) {
  return text.size() <= chars ? text : text.substr(text.size() - chars);
}

// "UNAVAILABLE: message".
std::string Describe(const grpc::Status& status) {
  return absl::StrCat(absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())),
                      ": ", status.error_message());
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// CPU seconds (user + system, all threads) process `pid` has used; 0 if unreadable.
double ProcessCpuSeconds(pid_t pid) {
  if (pid <= 0) return 0;
  const std::string stat = testing::ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  // "pid (comm) state ppid ...": utime and stime are fields 14 and 15, the 12th and 13th
  // after the comm's closing parenthesis.
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return 0;
  const std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(stat).substr(paren + 2), ' ');
  int64_t utime = 0;
  int64_t stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return 0;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

absl::Status WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::trunc);
  out << contents;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

// --- the processes ----------------------------------------------------------------------------

// A program run as a child process, its output in a log file. Stopped with SIGTERM (then
// SIGKILL) when destroyed.
class Child {
 public:
  Child(std::string name, std::string log_file) : name_(std::move(name)), log_(log_file) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() { Stop(); }

  absl::Status Start(const std::vector<std::string>& argv) {
    absl::StatusOr<testing::ChildProcess> child = testing::ChildProcess::Start(argv, {}, log_);
    if (!child.ok()) return child.status();
    process_.emplace(*std::move(child));
    return absl::OkStatus();
  }

  // Polls gRPC health on 127.0.0.1:port (a fresh connection each time) until SERVING.
  absl::Status WaitServing(int port) {
    const absl::Time deadline = absl::Now() + kStartTimeout;
    while (absl::Now() < deadline) {
      if (testing::WaitForServing(port, absl::Milliseconds(200))) return absl::OkStatus();
      if (process_ && process_->WaitForExit(absl::ZeroDuration()).has_value()) {
        return absl::UnavailableError(
            absl::StrCat(name_, " exited while starting; its log ends:\n", Tail(Log())));
      }
    }
    return absl::DeadlineExceededError(
        absl::StrCat(name_, " was not SERVING in time; its log ends:\n", Tail(Log())));
  }

  void Stop() {
    if (!process_ || !process_->running()) return;
    (void)process_->Signal(SIGTERM);
    if (!process_->WaitForExit(kStopTimeout).has_value()) {
      (void)process_->Signal(SIGKILL);
      process_->WaitForExit(kStopTimeout);
    }
  }

  pid_t pid() const { return process_ ? process_->pid() : -1; }
  std::string Log() const { return testing::ReadFile(log_); }

  // OK while the process runs; otherwise how it ended and the end of its log.
  absl::Status CheckRunning() {
    if (!process_) return absl::FailedPreconditionError(absl::StrCat(name_, " never started"));
    const std::optional<int> code = process_->WaitForExit(absl::ZeroDuration());
    if (!code.has_value()) return absl::OkStatus();
    return absl::InternalError(absl::StrCat(
        name_, " exited (",
        *code > 128 ? absl::StrCat("signal ", *code - 128) : absl::StrCat("code ", *code),
        "); its log ends:\n", Tail(Log())));
  }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string log_;
  std::optional<testing::ChildProcess> process_;
};

// The nginx.conf of the nginx path: one process, HTTP/2 without TLS in front, keep-alive
// HTTP/2 connections to the anonymizer behind, everything it writes inside `dir`.
std::string NginxConfig(const std::string& dir, int port, int backend_port, bool access_log) {
  // $0: dir, $1: port, $2: backend port, $3: the access_log directive.
  constexpr char kTemplate[] = R"conf(# Written by gateway_bench.
daemon off;
# One process serving every connection: a worker's event loop without a master.
master_process off;
worker_processes 1;
pid $0/nginx.pid;
lock_file $0/nginx.lock;
error_log $0/nginx-error.log warn;
events {
  worker_connections 1024;
}
http {
  $3
  client_body_temp_path $0/client_body;
  proxy_temp_path $0/proxy;
  fastcgi_temp_path $0/fastcgi;
  uwsgi_temp_path $0/uwsgi;
  scgi_temp_path $0/scgi;
  # The default (1000 requests) would close the clients' HTTP/2 connections mid-phase.
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  upstream anonymizer {
    server 127.0.0.1:$2;
    keepalive 32;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
  }
  server {
    listen 127.0.0.1:$1 http2;
    location / {
      grpc_pass grpc://anonymizer;
    }
  }
}
)conf";
  return absl::Substitute(
      kTemplate, dir, port, backend_port,
      access_log
          ? absl::StrCat("access_log ", dir, "/nginx-access.log combined buffer=64k flush=1s;")
          : std::string("access_log off;"));
}

// Everything the paths run against. Members are destroyed in reverse order: the proxies stop
// before the anonymizer and the gateway's Redis.
struct Deployment {
  std::string dir;
  std::string secret;
  int backend_port = 0;
  int gateway_port = 0;
  int nginx_port = 0;  // 0: no nginx
  std::string nginx_binary;
  std::string admin_key;
  std::optional<Child> backend;
  std::unique_ptr<testing::RedisServer> redis;
  std::optional<Child> gateway;
  std::optional<Child> nginx;

  ~Deployment() {
    nginx.reset();
    gateway.reset();
    redis.reset();
    backend.reset();
    if (!dir.empty() && !absl::GetFlag(FLAGS_keep_dir)) {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  }
};

std::string FindNginx() {
  const std::string flag = absl::GetFlag(FLAGS_nginx);
  if (flag == "none") return "";
  if (!flag.empty()) return flag;
  std::string found = testing::FindProgram("nginx");
  if (found.empty() && access("/usr/sbin/nginx", X_OK) == 0) found = "/usr/sbin/nginx";
  return found;
}

absl::StatusOr<std::unique_ptr<Deployment>> StartDeployment() {
  auto d = std::make_unique<Deployment>();
  char pattern[] = "/tmp/gateway-bench-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return absl::InternalError("mkdtemp failed");
  d->dir = pattern;
  d->secret = RandomId(48);
  const std::string secret_file = d->dir + "/principal.secret";
  const std::string keys_file = d->dir + "/pseudonym.keys";
  if (absl::Status s = WriteFile(secret_file, d->secret + "\n"); !s.ok()) return s;
  if (absl::Status s =
          WriteFile(keys_file, absl::StrCat("k1:", absl::Base64Escape(RandomId(40)), "\n"));
      !s.ok()) {
    return s;
  }
  d->backend_port = testing::PickFreeLoopbackPort();
  d->gateway_port = testing::PickFreeLoopbackPort();
  d->nginx_binary = FindNginx();
  if (!d->nginx_binary.empty()) d->nginx_port = testing::PickFreeLoopbackPort();
  if (d->backend_port <= 0 || d->gateway_port <= 0 || d->nginx_port < 0 ||
      d->backend_port == d->gateway_port || d->nginx_port == d->backend_port ||
      d->nginx_port == d->gateway_port) {
    return absl::UnavailableError("no free loopback ports");
  }
  const std::string secret_flag = "--principal_secret_file=" + secret_file;

  d->backend.emplace("anonymizer", d->dir + "/anonymizer.log");
  if (absl::Status s = d->backend->Start(
          {absl::GetFlag(FLAGS_anonymizer), absl::StrCat("--port=", d->backend_port),
           "--metrics_port=0", secret_flag, "--pseudonym_key_file=" + keys_file});
      !s.ok()) {
    return s;
  }

  testing::RedisServerOptions redis_options;
  redis_options.appendfsync = "everysec";
  // No AOF rewrite in the middle of a timed phase (as the other benchmarks).
  redis_options.extra_config = {{"auto-aof-rewrite-percentage", "0"}};
  absl::StatusOr<std::unique_ptr<testing::RedisServer>> redis =
      testing::RedisServer::Start(redis_options);
  if (!redis.ok()) return redis.status();
  d->redis = *std::move(redis);

  d->gateway.emplace("gateway", d->dir + "/gateway.log");
  if (absl::Status s = d->gateway->Start(
          {absl::GetFlag(FLAGS_gateway), absl::StrCat("--port=", d->gateway_port),
           "--metrics_port=0", secret_flag, "--redis_addr=" + d->redis->address(), "--http_port=-1",
           "--bootstrap_admin_key_file=" + d->dir + "/admin.key",
           absl::StrCat("--routes=", kService, "=127.0.0.1:", d->backend_port),
           "--rate_limit_rps=1000000", "--rate_limit_burst=1000000",
           "--max_in_flight_per_caller=100000"});
      !s.ok()) {
    return s;
  }

  if (d->nginx_port > 0) {
    const std::string conf = d->dir + "/nginx.conf";
    if (absl::Status s = WriteFile(conf, NginxConfig(d->dir, d->nginx_port, d->backend_port,
                                                     absl::GetFlag(FLAGS_nginx_access_log)));
        !s.ok()) {
      return s;
    }
    d->nginx.emplace("nginx", d->dir + "/nginx.log");
    if (absl::Status s = d->nginx->Start({d->nginx_binary, "-c", conf, "-p", d->dir + "/"});
        !s.ok()) {
      return s;
    }
  }

  if (absl::Status s = d->backend->WaitServing(d->backend_port); !s.ok()) return s;
  if (absl::Status s = d->gateway->WaitServing(d->gateway_port); !s.ok()) return s;
  if (d->nginx) {
    // Health through nginx reaches the anonymizer's health service.
    if (absl::Status s = d->nginx->WaitServing(d->nginx_port); !s.ok()) {
      return absl::Status(s.code(),
                          absl::StrCat(s.message(), "\nnginx-error.log ends:\n",
                                       Tail(testing::ReadFile(d->dir + "/nginx-error.log"))));
    }
  }
  d->admin_key = std::string(absl::StripAsciiWhitespace(testing::ReadFile(d->dir + "/admin.key")));
  if (d->admin_key.empty()) return absl::FailedPreconditionError("the gateway wrote no admin.key");
  return d;
}

// services/bench and a ROLE_SERVICE key for it, through AdminService; returns the secret.
absl::StatusOr<std::string> CreateBenchKey(const Deployment& d) {
  auto admin = gateway::v1::AdminService::NewStub(testing::LoopbackChannel(d.gateway_port));
  auto authorize = [&](grpc::ClientContext* context) {
    context->AddMetadata("authorization", "Bearer " + d.admin_key);
    context->set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
  };
  gateway::v1::CreateOrganizationRequest create;
  create.mutable_organization()->set_name(kOrganization);
  create.mutable_organization()->set_display_name("Gateway benchmark");
  gateway::v1::Organization organization;
  grpc::ClientContext org_context;
  authorize(&org_context);
  grpc::Status status = admin->CreateOrganization(&org_context, create, &organization);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("CreateOrganization ", kOrganization, ": ", Describe(status)));
  }
  gateway::v1::CreateApiKeyRequest request;
  request.set_parent(kOrganization);
  request.mutable_api_key()->set_display_name("gateway_bench");
  request.mutable_api_key()->set_role(common::v1::ROLE_SERVICE);
  *request.mutable_api_key()->mutable_expire_time() = ToTimestamp(absl::Now() + absl::Hours(2));
  gateway::v1::CreateApiKeyResponse response;
  grpc::ClientContext key_context;
  authorize(&key_context);
  status = admin->CreateApiKey(&key_context, request, &response);
  if (!status.ok() || response.secret().empty()) {
    return absl::InternalError(absl::StrCat("CreateApiKey: ", Describe(status)));
  }
  return response.secret();
}

// --- the paths --------------------------------------------------------------------------------

// One way of reaching the anonymizer.
struct Path {
  std::string name;
  Child* proxy = nullptr;  // nginx or the gateway; none for direct
  pid_t proxy_pid = -1;
  pid_t proxy_redis_pid = -1;  // the gateway's Redis
  // Direct and nginx: the principal headers are signed here; the gateway: the API key.
  const auth::PrincipalCodec* codec = nullptr;
  std::string api_key;
  std::vector<std::unique_ptr<AnonymizerService::Stub>> stubs;
  // The metadata every call carries, refreshed before each phase.
  std::vector<std::pair<std::string, std::string>> metadata;
  int64_t calls_sent = 0;

  // Signs the principal once per phase (valid for an hour), so each call only copies two
  // strings: the client's work per call is then the same on every path.
  void RefreshMetadata() {
    metadata.clear();
    if (codec != nullptr) {
      const auth::PrincipalCodec::Signed s =
          codec->Sign({kOrganization, common::v1::ROLE_SERVICE}, absl::Now() + absl::Hours(1));
      metadata = {{auth::kPrincipalHeader, s.value}, {auth::kSignatureHeader, s.signature}};
    } else {
      metadata = {{"authorization", "Bearer " + api_key}};
    }
  }

  void Prepare(grpc::ClientContext* context) const {
    context->set_deadline(std::chrono::system_clock::now() +
                          absl::ToChronoNanoseconds(kCallDeadline));
    for (const auto& [key, value] : metadata) context->AddMetadata(key, value);
  }

  AnonymizerService::Stub* stub(int64_t index) const {
    return stubs[static_cast<size_t>(index % static_cast<int64_t>(stubs.size()))].get();
  }
};

PseudonymizeRequest MakeRequest(int identifiers) {
  PseudonymizeRequest request;
  request.set_domain(kDomain);
  for (int i = 0; i < identifiers; ++i) {
    request.add_identifiers(absl::StrFormat("charities/bench/participants/p-%05d", 42 + i));
  }
  return request;
}

bool IsPseudonymHex(absl::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return absl::ascii_isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

// One blocking call, checked: OK, one 64-hex pseudonym per identifier, key version k1.
absl::StatusOr<PseudonymizeResponse> CheckedCall(Path& path, const PseudonymizeRequest& request) {
  path.RefreshMetadata();
  grpc::ClientContext context;
  path.Prepare(&context);
  PseudonymizeResponse response;
  ++path.calls_sent;
  const grpc::Status status = path.stub(0)->Pseudonymize(&context, request, &response);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat(path.name, ": Pseudonymize failed: ", Describe(status)));
  }
  if (response.pseudonyms_size() != request.identifiers_size() ||
      !std::all_of(response.pseudonyms().begin(), response.pseudonyms().end(),
                   [](const std::string& p) { return IsPseudonymHex(p); }) ||
      response.key_version() != "k1") {
    return absl::InternalError(
        absl::StrCat(path.name, ": unexpected answer ", response.ShortDebugString()));
  }
  return response;
}

// Every path answers OK with the same pseudonyms, and the gateway refuses a call without a key.
absl::Status VerifyPaths(std::vector<Path>& paths, const PseudonymizeRequest& request) {
  std::optional<PseudonymizeResponse> first;
  for (Path& path : paths) {
    absl::StatusOr<PseudonymizeResponse> response = CheckedCall(path, request);
    if (!response.ok()) return response.status();
    if (first && response->SerializeAsString() != first->SerializeAsString()) {
      return absl::InternalError(absl::StrCat(path.name, " answered ", response->ShortDebugString(),
                                              " but ", paths[0].name, " ",
                                              first->ShortDebugString()));
    }
    if (!first) first = *std::move(response);
    if (path.codec == nullptr) {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
      PseudonymizeResponse refused;
      ++path.calls_sent;
      const grpc::Status status = path.stub(0)->Pseudonymize(&context, request, &refused);
      if (status.error_code() != grpc::StatusCode::UNAUTHENTICATED) {
        return absl::InternalError(
            absl::StrCat(path.name, " answered a call without a key with ", Describe(status)));
      }
    }
  }
  return absl::OkStatus();
}

// --- load -------------------------------------------------------------------------------------

// CPU seconds used so far by each process involved.
struct Cpu {
  double client = 0;   // this process: the gRPC client
  double proxy = 0;    // nginx or the gateway
  double redis = 0;    // the gateway's Redis
  double backend = 0;  // the anonymizer
  double machine = 0;  // every CPU busy (see SampleCpu)
};

Cpu SampleAll(const Path& path, pid_t backend_pid) {
  const CpuSample sample = SampleCpu(path.proxy_redis_pid);
  Cpu cpu;
  cpu.client = sample.self;
  cpu.redis = path.proxy_redis_pid > 0 ? sample.redis : 0;
  cpu.machine = sample.machine;
  cpu.proxy = ProcessCpuSeconds(path.proxy_pid);
  cpu.backend = ProcessCpuSeconds(backend_pid);
  return cpu;
}

// One timed phase of one path.
struct Phase {
  int64_t ok = 0;
  int64_t failed = 0;
  double seconds = 0;     // from the start until the last call finished
  double per_second = 0;  // successful calls / seconds
  std::optional<double> p50_ms;
  std::optional<double> p99_ms;
  std::optional<double> late_p99_ms;  // fixed rate: how late the sender sent
  std::vector<std::string> errors;
  Cpu cpu;  // spent during the phase
};

// Failures seen by the callbacks, from any thread.
class Failures {
 public:
  void Add(const grpc::Status& status, const PseudonymizeResponse& response) {
    absl::MutexLock lock(&mu_);
    ++count_;
    if (messages_.size() < kMaxErrorsShown) {
      messages_.push_back(status.ok()
                              ? absl::StrCat("OK with a bad answer: ", response.ShortDebugString())
                              : Describe(status));
    }
  }
  void MoveTo(Phase* phase) {
    absl::MutexLock lock(&mu_);
    phase->failed = count_;
    phase->errors = std::move(messages_);
  }

 private:
  absl::Mutex mu_;
  int64_t count_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> messages_ ABSL_GUARDED_BY(mu_);
};

bool GoodAnswer(const grpc::Status& status, const PseudonymizeResponse& response, int expected) {
  return status.ok() && response.pseudonyms_size() == expected;
}

// One call in flight; freed by its callback.
struct Call {
  grpc::ClientContext context;
  PseudonymizeResponse response;
};

void Finalize(std::vector<int64_t> nanos, Phase* phase) {
  std::sort(nanos.begin(), nanos.end());
  phase->ok = static_cast<int64_t>(nanos.size());
  phase->per_second = phase->seconds > 0 ? static_cast<double>(phase->ok) / phase->seconds : 0;
  phase->p50_ms = QuantileMs(nanos, 0.50);
  phase->p99_ms = QuantileMs(nanos, 0.99);
}

// Open loop: call k is sent at start + k / rate by this thread, whatever is still in flight,
// and its latency is measured from that scheduled time (a stall counts against every call
// scheduled behind it: no coordinated omission).
Phase RunFixedRate(Path& path, pid_t backend_pid, const PseudonymizeRequest& request, double rate,
                   absl::Duration duration) {
  const int64_t total = std::max<int64_t>(1, std::llround(rate * absl::ToDoubleSeconds(duration)));
  const int expected = request.identifiers_size();
  const double interval_nanos = 1e9 / rate;
  std::vector<int64_t> latency(static_cast<size_t>(total), -1);
  std::vector<int64_t> late;
  late.reserve(static_cast<size_t>(total));
  std::atomic<int64_t> last_end{0};  // nanoseconds after start
  absl::BlockingCounter pending(static_cast<int>(total));
  Failures failures;
  path.RefreshMetadata();
  // The default 50 us timer slack would make every send late.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

  const Cpu before = SampleAll(path, backend_pid);
  const Clock::time_point start = Clock::now();
  for (int64_t k = 0; k < total; ++k) {
    const Clock::time_point scheduled =
        start +
        std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(k) * interval_nanos));
    Clock::time_point now = Clock::now();
    if (now < scheduled) {
      std::this_thread::sleep_until(scheduled);
      now = Clock::now();
    }
    late.push_back(Nanos(now - scheduled));
    auto* call = new Call;
    path.Prepare(&call->context);
    path.stub(k)->async()->Pseudonymize(
        &call->context, &request, &call->response,
        [call, k, scheduled, start, expected, &latency, &last_end, &pending,
         &failures](grpc::Status status) {
          const Clock::time_point end = Clock::now();
          if (GoodAnswer(status, call->response, expected)) {
            latency[static_cast<size_t>(k)] = Nanos(end - scheduled);
          } else {
            failures.Add(status, call->response);
          }
          const int64_t end_nanos = Nanos(end - start);
          int64_t seen = last_end.load();
          while (seen < end_nanos && !last_end.compare_exchange_weak(seen, end_nanos)) {
          }
          delete call;
          pending.DecrementCount();
        });
  }
  path.calls_sent += total;
  pending.Wait();

  Phase phase;
  const Cpu after = SampleAll(path, backend_pid);
  phase.cpu = {after.client - before.client, after.proxy - before.proxy, after.redis - before.redis,
               after.backend - before.backend, after.machine - before.machine};
  phase.seconds = static_cast<double>(last_end.load()) / 1e9;
  failures.MoveTo(&phase);
  std::vector<int64_t> nanos;
  nanos.reserve(latency.size());
  for (int64_t n : latency) {
    if (n >= 0) nanos.push_back(n);
  }
  Finalize(std::move(nanos), &phase);
  std::sort(late.begin(), late.end());
  phase.late_p99_ms = QuantileMs(late, 0.99);
  return phase;
}

// Closed loop: `concurrency` chains, each starting its next call from the previous call's
// callback until the phase's time is up.
class ClosedLoop {
 public:
  ClosedLoop(Path& path, const PseudonymizeRequest& request, int concurrency)
      : path_(path),
        request_(request),
        expected_(request.identifiers_size()),
        chains_(static_cast<size_t>(concurrency)),
        done_(concurrency) {}

  Phase Run(pid_t backend_pid, absl::Duration duration) {
    path_.RefreshMetadata();
    const Cpu before = SampleAll(path_, backend_pid);
    start_ = Clock::now();
    deadline_ = start_ + absl::ToChronoNanoseconds(duration);
    for (size_t i = 0; i < chains_.size(); ++i) {
      chains_[i].nanos.reserve(1 << 14);
      Send(i);
    }
    done_.Wait();

    Phase phase;
    const Cpu after = SampleAll(path_, backend_pid);
    phase.cpu = {after.client - before.client, after.proxy - before.proxy,
                 after.redis - before.redis, after.backend - before.backend,
                 after.machine - before.machine};
    std::vector<int64_t> nanos;
    int64_t last_end = 0;
    for (Chain& chain : chains_) {
      nanos.insert(nanos.end(), chain.nanos.begin(), chain.nanos.end());
      last_end = std::max(last_end, chain.last_end);
      path_.calls_sent += chain.sent;
    }
    phase.seconds = static_cast<double>(last_end) / 1e9;
    failures_.MoveTo(&phase);
    Finalize(std::move(nanos), &phase);
    return phase;
  }

 private:
  // Touched only by its own chain of calls, one at a time.
  struct Chain {
    std::vector<int64_t> nanos;
    int64_t last_end = 0;  // nanoseconds after start
    int64_t sent = 0;
  };

  void Send(size_t i) {
    Chain& chain = chains_[i];
    auto* call = new Call;
    path_.Prepare(&call->context);
    const Clock::time_point sent = Clock::now();
    ++chain.sent;
    path_.stub(static_cast<int64_t>(i))
        ->async()
        ->Pseudonymize(&call->context, &request_, &call->response,
                       [this, i, call, sent](grpc::Status status) {
                         Chain& chain = chains_[i];
                         const Clock::time_point end = Clock::now();
                         if (GoodAnswer(status, call->response, expected_)) {
                           chain.nanos.push_back(Nanos(end - sent));
                         } else {
                           failures_.Add(status, call->response);
                         }
                         chain.last_end = Nanos(end - start_);
                         delete call;
                         if (end < deadline_) {
                           Send(i);
                         } else {
                           done_.DecrementCount();
                         }
                       });
  }

  Path& path_;
  const PseudonymizeRequest& request_;
  const int expected_;
  std::vector<Chain> chains_;
  absl::BlockingCounter done_;
  Failures failures_;
  Clock::time_point start_;
  Clock::time_point deadline_;
};

Phase RunMaxThroughput(Path& path, pid_t backend_pid, const PseudonymizeRequest& request,
                       int concurrency, absl::Duration duration) {
  ClosedLoop loop(path, request, concurrency);
  return loop.Run(backend_pid, duration);
}

// --- output -----------------------------------------------------------------------------------

struct Results {
  std::vector<Phase> fixed;       // one per round
  std::vector<Phase> throughput;  // one per round
};

double MedianOf(const std::vector<Phase>& phases, const std::function<double(const Phase&)>& f) {
  std::vector<double> values;
  for (const Phase& p : phases) values.push_back(f(p));
  return Median(std::move(values));
}
double MedianP50(const std::vector<Phase>& phases) {
  return MedianOf(phases, [](const Phase& p) { return p.p50_ms.value_or(0); });
}
double MedianP99(const std::vector<Phase>& phases) {
  return MedianOf(phases, [](const Phase& p) { return p.p99_ms.value_or(0); });
}
double MedianRate(const std::vector<Phase>& phases) {
  return MedianOf(phases, [](const Phase& p) { return p.per_second; });
}
int64_t Failed(const std::vector<Phase>& phases) {
  int64_t n = 0;
  for (const Phase& p : phases) n += p.failed;
  return n;
}

std::string ByRound(const std::vector<Phase>& phases, const std::function<double(const Phase&)>& f,
                    int decimals) {
  std::vector<std::string> cells;
  for (const Phase& p : phases) cells.push_back(absl::StrFormat("%.*f", decimals, f(p)));
  return absl::StrJoin(cells, " ");
}

// CPU microseconds per successful call over all rounds: client, proxy, redis, backend.
struct CpuPerCall {
  double client = 0, proxy = 0, redis = 0, backend = 0, busy_cores = 0, others_cores = 0;
};

CpuPerCall CpuOf(const std::vector<Phase>& phases) {
  Cpu sum;
  double seconds = 0;
  int64_t calls = 0;
  for (const Phase& p : phases) {
    sum.client += p.cpu.client;
    sum.proxy += p.cpu.proxy;
    sum.redis += p.cpu.redis;
    sum.backend += p.cpu.backend;
    sum.machine += p.cpu.machine;
    seconds += p.seconds;
    calls += p.ok;
  }
  const double per = 1e6 / static_cast<double>(std::max<int64_t>(calls, 1));
  CpuPerCall c;
  c.client = sum.client * per;
  c.proxy = sum.proxy * per;
  c.redis = sum.redis * per;
  c.backend = sum.backend * per;
  seconds = std::max(seconds, 1e-9);
  c.busy_cores = sum.machine / seconds;
  c.others_cores =
      std::max(0.0, sum.machine - sum.client - sum.proxy - sum.redis - sum.backend) / seconds;
  return c;
}

void PrintCpu(const std::vector<Path>& paths, const std::vector<Results>& results, bool fixed) {
  const TextTable table({{"path", 8, true},
                         {"client", 7},
                         {"proxy", 7},
                         {"proxy's redis", 13},
                         {"anonymizer", 10},
                         {"total", 7},
                         {"busy cores", 10},
                         {"others' cores", 13}});
  table.PrintHeader();
  for (size_t i = 0; i < paths.size(); ++i) {
    const CpuPerCall c = CpuOf(fixed ? results[i].fixed : results[i].throughput);
    table.PrintRow(
        {paths[i].name, absl::StrFormat("%.1f", c.client), absl::StrFormat("%.1f", c.proxy),
         absl::StrFormat("%.1f", c.redis), absl::StrFormat("%.1f", c.backend),
         absl::StrFormat("%.1f", c.client + c.proxy + c.redis + c.backend),
         absl::StrFormat("%.2f", c.busy_cores), absl::StrFormat("%.2f", c.others_cores)});
  }
}

double Ratio(double a, double b) { return b > 0 ? a / b : 0; }

// --- the run ----------------------------------------------------------------------------------

// Waits until the gateway's audit log holds at least `want` events; returns how many it holds.
absl::StatusOr<int64_t> WaitForAudit(int redis_port, int64_t want) {
  std::unique_ptr<store::RedisStore> store = ServiceStore(redis_port, 1);
  const absl::Time deadline = absl::Now() + kAuditTimeout;
  int64_t have = 0;
  while (true) {
    absl::StatusOr<store::Reply> reply = store->Command({"LLEN", "gateway:audit:events"});
    if (!reply.ok()) return reply.status();
    have = reply->integer;
    if (have >= want || absl::Now() > deadline) return have;
    absl::SleepFor(absl::Milliseconds(100));
  }
}

// What a run does, from the flags.
struct Settings {
  double rate = 0;
  double seconds = 0;             // fixed-rate load per path, over all rounds
  double throughput_seconds = 0;  // max-throughput load per path, over all rounds
  double warmup_seconds = 0;
  int rounds = 0;
  int concurrency = 0;
  int channels = 0;
  int identifiers = 0;
};

absl::StatusOr<Settings> SettingsFromFlags() {
  Settings s;
  s.rate = absl::GetFlag(FLAGS_rate);
  s.seconds = absl::GetFlag(FLAGS_seconds);
  s.throughput_seconds = absl::GetFlag(FLAGS_throughput_seconds);
  s.warmup_seconds = absl::GetFlag(FLAGS_warmup_seconds);
  s.rounds = absl::GetFlag(FLAGS_rounds);
  s.concurrency = absl::GetFlag(FLAGS_concurrency);
  s.channels = absl::GetFlag(FLAGS_channels);
  s.identifiers = absl::GetFlag(FLAGS_identifiers);
  if (absl::GetFlag(FLAGS_quick)) {
    s.seconds = 1;
    s.throughput_seconds = 1;
    s.warmup_seconds = 0.25;
    s.rounds = 1;
  }
  if (s.rate <= 0 || s.seconds <= 0 || s.throughput_seconds <= 0 || s.warmup_seconds < 0 ||
      s.rounds < 1 || s.concurrency < 1 || s.channels < 1 || s.identifiers < 1 ||
      s.identifiers > 1000) {
    return absl::InvalidArgumentError(
        "--rate, --seconds, --throughput_seconds, --rounds, --concurrency and --channels must be "
        "positive, --warmup_seconds not negative, --identifiers 1-1000");
  }
  return s;
}

// The paths over `d`: direct, nginx (when it runs), the gateway (always last).
std::vector<Path> MakePaths(Deployment& d, const auth::PrincipalCodec& codec,
                            const std::string& api_key, int channels) {
  std::vector<Path> paths;
  paths.reserve(3);
  auto add_path = [&](std::string name, int port) -> Path& {
    Path& path = paths.emplace_back();
    path.name = std::move(name);
    for (int c = 0; c < channels; ++c) {
      path.stubs.push_back(AnonymizerService::NewStub(OwnChannel(port, c)));
    }
    return path;
  };
  add_path("direct", d.backend_port).codec = &codec;
  if (d.nginx) {
    Path& nginx = add_path("nginx", d.nginx_port);
    nginx.codec = &codec;
    nginx.proxy = &*d.nginx;
    nginx.proxy_pid = d.nginx->pid();
  }
  Path& gateway = add_path("gateway", d.gateway_port);
  gateway.api_key = api_key;
  gateway.proxy = &*d.gateway;
  gateway.proxy_pid = d.gateway->pid();
  gateway.proxy_redis_pid = d.redis->pid();
  return paths;
}

// OK while the anonymizer and the path's proxy run; a process that died fails every later
// call, so the run stops and says why.
absl::Status CheckAlive(Deployment& d, const Path& path, absl::string_view phase) {
  absl::Status s = d.backend->CheckRunning();
  if (s.ok() && path.proxy != nullptr) s = path.proxy->CheckRunning();
  if (s.ok()) return s;
  return absl::Status(s.code(),
                      absl::StrCat("during ", phase, " of ", path.name, ": ", s.message()));
}

// Untimed load on every path: connections, the gateway's credential cache, nginx's upstream
// keep-alive pool. Any failure is fatal.
absl::Status WarmUp(Deployment& d, std::vector<Path>& paths, const PseudonymizeRequest& request,
                    const Settings& s) {
  if (s.warmup_seconds <= 0) return absl::OkStatus();
  const pid_t backend_pid = d.backend->pid();
  for (Path& path : paths) {
    const Phase fixed =
        RunFixedRate(path, backend_pid, request, s.rate, absl::Seconds(s.warmup_seconds));
    const Phase closed = RunMaxThroughput(path, backend_pid, request, s.concurrency,
                                          absl::Seconds(s.warmup_seconds / 2));
    if (absl::Status alive = CheckAlive(d, path, "the warm-up"); !alive.ok()) return alive;
    for (const Phase* p : {&fixed, &closed}) {
      if (p->failed > 0) {
        return absl::InternalError(absl::StrCat(
            path.name, " failed during the warm-up: ", absl::StrJoin(p->errors, "; ")));
      }
    }
  }
  return absl::OkStatus();
}

// The timed rounds; results are indexed like `paths`.
absl::StatusOr<std::vector<Results>> RunRounds(Deployment& d, std::vector<Path>& paths,
                                               const PseudonymizeRequest& request,
                                               const Settings& s) {
  const pid_t backend_pid = d.backend->pid();
  std::vector<Results> results(paths.size());
  const absl::Duration fixed_each = absl::Seconds(s.seconds / s.rounds);
  const absl::Duration throughput_each = absl::Seconds(s.throughput_seconds / s.rounds);
  for (int round = 0; round < s.rounds; ++round) {
    // Each round starts with the next path, so no path always follows the same one.
    for (size_t j = 0; j < paths.size(); ++j) {
      const size_t i = (j + static_cast<size_t>(round)) % paths.size();
      results[i].fixed.push_back(RunFixedRate(paths[i], backend_pid, request, s.rate, fixed_each));
      if (absl::Status alive = CheckAlive(d, paths[i], "the fixed-rate phase"); !alive.ok()) {
        return alive;
      }
      results[i].throughput.push_back(
          RunMaxThroughput(paths[i], backend_pid, request, s.concurrency, throughput_each));
      if (absl::Status alive = CheckAlive(d, paths[i], "the max-throughput phase"); !alive.ok()) {
        return alive;
      }
    }
  }
  return results;
}

// "nginx/1.22.1" from `nginx -v`, or the path when it does not answer.
std::string NginxVersion(const std::string& binary) {
  absl::StatusOr<std::string> out = testing::RunAndCapture({binary, "-v"}, absl::Seconds(10));
  if (!out.ok()) return binary;
  absl::string_view version = absl::StripAsciiWhitespace(*out);
  absl::ConsumePrefix(&version, "nginx version: ");
  return absl::StrCat(version, " (", binary, ")");
}

void PrintPhaseTables(const std::vector<Path>& paths, const std::vector<Results>& results,
                      const Settings& s) {
  absl::PrintF(
      "fixed rate: %.0f calls/s offered, open loop, %.1f s per path (%d x %.2f s); latency from "
      "each call's scheduled send time; medians of the rounds\n",
      s.rate, s.seconds, s.rounds, s.seconds / s.rounds);
  const TextTable fixed_table({{"path", 8, true},
                               {"calls/s", 8},
                               {"p50 ms", 7},
                               {"p99 ms", 7},
                               {"p99 ms by round", 22},
                               {"errors", 6},
                               {"send late p99 ms", 16}});
  fixed_table.PrintHeader();
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::vector<Phase>& f = results[i].fixed;
    std::vector<double> late;
    for (const Phase& p : f) late.push_back(p.late_p99_ms.value_or(0));
    fixed_table.PrintRow({paths[i].name, absl::StrFormat("%.0f", MedianRate(f)),
                          absl::StrFormat("%.3f", MedianP50(f)),
                          absl::StrFormat("%.3f", MedianP99(f)),
                          ByRound(
                              f, [](const Phase& p) { return p.p99_ms.value_or(0); }, 3),
                          absl::StrCat(Failed(f)), absl::StrFormat("%.3f", Median(late))});
  }
  absl::PrintF(
      "\nmax throughput: %d calls outstanding, closed loop, %.1f s per path (%d x %.2f s); "
      "medians of the rounds\n",
      s.concurrency, s.throughput_seconds, s.rounds, s.throughput_seconds / s.rounds);
  const TextTable max_table({{"path", 8, true},
                             {"calls/s", 8},
                             {"p50 ms", 7},
                             {"p99 ms", 7},
                             {"calls/s by round", 22},
                             {"errors", 6}});
  max_table.PrintHeader();
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::vector<Phase>& t = results[i].throughput;
    max_table.PrintRow({paths[i].name, absl::StrFormat("%.0f", MedianRate(t)),
                        absl::StrFormat("%.3f", MedianP50(t)),
                        absl::StrFormat("%.3f", MedianP99(t)),
                        ByRound(
                            t, [](const Phase& p) { return p.per_second; }, 0),
                        absl::StrCat(Failed(t))});
  }
  absl::PrintF(
      "\nCPU per call at the fixed rate, microseconds (client = this process; proxy = nginx or "
      "the gateway; busy cores = the whole machine)\n");
  PrintCpu(paths, results, /*fixed=*/true);
  absl::PrintF("\nCPU per call at max throughput, microseconds\n");
  PrintCpu(paths, results, /*fixed=*/false);
}

// The ratio table, NOISY lines and the RATIO line. Latency ratios come from the fixed-rate
// phase, throughput ratios from the closed loop.
void PrintRatios(const std::vector<Path>& paths, const std::vector<Results>& results) {
  const size_t direct = 0;
  const size_t gateway = paths.size() - 1;
  const std::optional<size_t> nginx = paths.size() == 3 ? std::optional<size_t>(1) : std::nullopt;
  absl::PrintF(
      "\nratios (p50, p99: fixed-rate phase; calls/s: max throughput; p50 added: difference in "
      "ms; proxy CPU: the proxy's and its Redis's microseconds per call at the fixed rate)\n");
  const TextTable table({{"", 15, true},
                         {"p50", 6},
                         {"p99", 6},
                         {"calls/s", 8},
                         {"p50 added ms", 12},
                         {"proxy CPU us", 12}});
  table.PrintHeader();
  auto row = [&](size_t a, size_t b) {
    const Results& x = results[a];
    const Results& y = results[b];
    const CpuPerCall cpu = CpuOf(x.fixed);
    table.PrintRow(
        {absl::StrCat(paths[a].name, "/", paths[b].name),
         absl::StrFormat("%.2f", Ratio(MedianP50(x.fixed), MedianP50(y.fixed))),
         absl::StrFormat("%.2f", Ratio(MedianP99(x.fixed), MedianP99(y.fixed))),
         absl::StrFormat("%.2f", Ratio(MedianRate(x.throughput), MedianRate(y.throughput))),
         absl::StrFormat("%+.3f", MedianP50(x.fixed) - MedianP50(y.fixed)),
         absl::StrFormat("%.1f", cpu.proxy + cpu.redis)});
  };
  if (nginx) row(*nginx, direct);
  row(gateway, direct);
  if (nginx) row(gateway, *nginx);

  // Other processes busy during a path's phases make its figures unlike the others'.
  for (size_t i = 0; i < paths.size(); ++i) {
    for (const bool fixed : {true, false}) {
      const CpuPerCall c = CpuOf(fixed ? results[i].fixed : results[i].throughput);
      if (c.others_cores >= kNoisyOthersCores) {
        absl::PrintF(
            "NOISY: other processes kept %.2f cores busy during %s's %s phases; run again "
            "before comparing its ratios\n",
            c.others_cores, paths[i].name, fixed ? "fixed-rate" : "max-throughput");
      }
    }
  }

  const Results& g = results[gateway];
  const Results& base = results[direct];
  std::string line = absl::StrFormat(
      "RATIO gateway_p50_vs_direct=%.2f gateway_p99_vs_direct=%.2f "
      "gateway_throughput_vs_direct=%.2f",
      Ratio(MedianP50(g.fixed), MedianP50(base.fixed)),
      Ratio(MedianP99(g.fixed), MedianP99(base.fixed)),
      Ratio(MedianRate(g.throughput), MedianRate(base.throughput)));
  if (nginx) {
    const Results& n = results[*nginx];
    absl::StrAppend(&line,
                    absl::StrFormat(" nginx_p50_vs_direct=%.2f nginx_p99_vs_direct=%.2f "
                                    "nginx_throughput_vs_direct=%.2f gateway_p50_vs_nginx=%.2f "
                                    "gateway_p99_vs_nginx=%.2f gateway_throughput_vs_nginx=%.2f",
                                    Ratio(MedianP50(n.fixed), MedianP50(base.fixed)),
                                    Ratio(MedianP99(n.fixed), MedianP99(base.fixed)),
                                    Ratio(MedianRate(n.throughput), MedianRate(base.throughput)),
                                    Ratio(MedianP50(g.fixed), MedianP50(n.fixed)),
                                    Ratio(MedianP99(g.fixed), MedianP99(n.fixed)),
                                    Ratio(MedianRate(g.throughput), MedianRate(n.throughput))));
  }
  absl::PrintF("%s\n", line);
}

// 1 if any timed call failed (printing the first errors to stderr), else 0.
int ReportFailedCalls(const std::vector<Path>& paths, const std::vector<Results>& results) {
  int status = 0;
  for (size_t i = 0; i < paths.size(); ++i) {
    for (const std::vector<Phase>* phases : {&results[i].fixed, &results[i].throughput}) {
      for (const Phase& p : *phases) {
        if (p.failed == 0) continue;
        absl::FPrintF(stderr, "%s: %s: %d calls failed; first errors:\n", kProgram, paths[i].name,
                      p.failed);
        for (const std::string& e : p.errors) absl::FPrintF(stderr, "  %s\n", e);
        status = 1;
      }
    }
  }
  return status;
}

int Run() {
  absl::StatusOr<Settings> settings = SettingsFromFlags();
  if (!settings.ok()) return Fail(kProgram, settings.status());
  const Settings& s = *settings;

  absl::StatusOr<std::unique_ptr<Deployment>> deployment = StartDeployment();
  if (!deployment.ok()) return Fail(kProgram, deployment.status());
  Deployment& d = **deployment;
  if (d.nginx_port == 0 && absl::GetFlag(FLAGS_nginx) != "none") {
    absl::FPrintF(stderr,
                  "%s: nginx not found (looked for nginx on PATH and /usr/sbin/nginx; Debian "
                  "package nginx, see scripts/install-deps.sh): skipping the nginx path\n",
                  kProgram);
  }
  absl::StatusOr<std::string> api_key = CreateBenchKey(d);
  if (!api_key.ok()) return Fail(kProgram, api_key.status());
  const auth::PrincipalCodec codec(d.secret);
  std::vector<Path> paths = MakePaths(d, codec, *api_key, s.channels);
  const PseudonymizeRequest request = MakeRequest(s.identifiers);
  if (absl::Status v = VerifyPaths(paths, request); !v.ok()) return Fail(kProgram, v);
  if (absl::Status w = WarmUp(d, paths, request, s); !w.ok()) return Fail(kProgram, w);

  absl::PrintF(
      "machine: nproc %d, shared by the client, the proxies and the anonymizer; %s\n",
      static_cast<int>(std::thread::hardware_concurrency()),
      d.nginx ? absl::StrCat(NginxVersion(d.nginx_binary), ", master_process off (one process)")
              : std::string("nginx skipped"));
  absl::PrintF(
      "call: /bridging.anonymizer.v1.AnonymizerService/Pseudonymize, %d identifier(s), %d-byte "
      "request; %d client channel(s) per path; %d round(s), each running every path once, "
      "starting with a different one\n\n",
      s.identifiers, static_cast<int>(request.ByteSizeLong()), s.channels, s.rounds);
  std::fflush(stdout);

  absl::StatusOr<std::vector<Results>> results = RunRounds(d, paths, request, s);
  if (!results.ok()) return Fail(kProgram, results.status());
  // Every call sent through the gateway (refusals included) and the 2 admin calls.
  const Path& gateway = paths.back();
  const int64_t want_audited = gateway.calls_sent + 2;
  absl::StatusOr<int64_t> audited = WaitForAudit(d.redis->port(), want_audited);

  PrintPhaseTables(paths, *results, s);
  PrintRatios(paths, *results);

  int status = ReportFailedCalls(paths, *results);
  if (!audited.ok()) {
    absl::FPrintF(stderr, "%s: reading the audit log: %s\n", kProgram, audited.status().ToString());
    status = 1;
  } else {
    absl::PrintF(
        "audit: %d events in the gateway's log for %d calls through it (2 of them "
        "admin calls)\n",
        *audited, want_audited);
    if (*audited < want_audited) {
      absl::FPrintF(stderr, "%s: the gateway audited %d of %d calls\n", kProgram, *audited,
                    want_audited);
      status = 1;
    }
  }
  return status;
}

}  // namespace
}  // namespace bridging::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return bridging::bench::Run();
}
