// Implements the process-level suite used by the black-box tests.
#include "integration-tests/local_suite.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "bridging/gateway/v1/admin.grpc.pb.h"
#include "libs/common/crypto.h"
#include "libs/common/grpc_status.h"
#include "libs/common/proto_time.h"
#include "libs/server/tls.h"
#include "libs/testing/probes.h"

namespace bridging::testing {
namespace {

// The service that owns each Redis, and how it syncs its AOF.
const std::map<std::string, std::string>& RedisOwners() {
  static const auto* owners = new std::map<std::string, std::string>{{"consent", "always"},
                                                                     {"actions", "everysec"},
                                                                     {"analytics", "everysec"},
                                                                     {"gateway", "everysec"}};
  return *owners;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LocalSuite>> LocalSuite::Start(LocalSuiteOptions options) {
  std::unique_ptr<LocalSuite> suite(new LocalSuite(std::move(options)));
  char pattern[] = "/tmp/bridging-suite-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return absl::InternalError("mkdtemp failed");
  suite->dir_ = pattern;
  suite->secret_ = RandomId(48);
  std::ofstream(suite->dir_ + "/principal.secret") << suite->secret_ << "\n";
  std::ofstream(suite->dir_ + "/pseudonym.keys")
      << "k1:" << absl::Base64Escape(RandomId(40)) << "\n";
  for (const auto& [owner, fsync] : RedisOwners()) {
    RedisServerOptions redis_options;
    redis_options.appendfsync = fsync;
    auto redis = RedisServer::Start(redis_options);
    if (!redis.ok()) return redis.status();
    suite->redis_[owner] = std::move(*redis);
  }
  for (const char* name : {"consent", "actions", "anonymizer", "analytics", "gateway"}) {
    suite->ports_[name] = PickFreeLoopbackPort();
    suite->metrics_ports_[name] = PickFreeLoopbackPort();
  }
  suite->http_port_ = PickFreeLoopbackPort();
  if (suite->options_.tls) {
    const std::string make_certs =
        absl::StrCat("bash '", MAKE_CERTS_SCRIPT, "' '", suite->tls_dir(), "' >/dev/null");
    if (std::system(make_certs.c_str()) != 0) {
      return absl::InternalError(absl::StrCat("failed: ", make_certs));
    }
    // A peer presents the gateway's certificate; a partner only verifies the gateway's.
    const std::string dir = suite->tls_dir();
    absl::StatusOr<std::optional<server::TlsMaterial>> peer =
        server::LoadTls({dir + "/gateway.crt", dir + "/gateway.key", dir + "/ca.crt"}, "tls");
    if (!peer.ok()) return peer.status();
    suite->peer_credentials_ = server::ChannelCredentials(*peer);
    suite->partner_credentials_ =
        server::ChannelCredentials(server::TlsMaterial{"", "", (*peer)->ca_pem});
  }
  for (const std::string& service : suite->options_.services) {
    if (absl::Status started = suite->StartService(service); !started.ok()) {
      suite->DumpLogs();
      return started;
    }
  }
  if (suite->processes_.count("gateway") > 0) {
    suite->admin_key_ =
        std::string(absl::StripAsciiWhitespace(ReadFile(suite->dir_ + "/admin.key")));
  }
  return suite;
}

LocalSuite::~LocalSuite() {
  for (auto& [name, process] : processes_) {
    if (process.has_value()) {
      (void)process->Signal(SIGKILL);
      process->WaitForExit(absl::Seconds(5));
    }
  }
  redis_.clear();
  if (!dir_.empty()) (void)system(absl::StrCat("rm -rf '", dir_, "'").c_str());
}

std::string LocalSuite::address(const std::string& service) const {
  return absl::StrCat("127.0.0.1:", ports_.at(service));
}

std::map<std::string, std::string> BuiltBinaries() {
  return {{"consent", CONSENT_BINARY},
          {"actions", ACTIONS_BINARY},
          {"anonymizer", ANONYMIZER_BINARY},
          {"analytics", ANALYTICS_BINARY},
          {"gateway", GATEWAY_BINARY}};
}

absl::StatusOr<std::string> LocalSuite::AddOrganization(const std::string& name,
                                                        const std::string& display_name) const {
  auto admin = gateway::v1::AdminService::NewStub(GatewayChannel());
  const auto authorize = [](grpc::ClientContext* context, const std::string& key) {
    context->AddMetadata("authorization", "Bearer " + key);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  };
  gateway::v1::CreateOrganizationRequest create;
  create.mutable_organization()->set_name(name);
  create.mutable_organization()->set_display_name(display_name);
  gateway::v1::Organization organization;
  grpc::ClientContext create_context;
  authorize(&create_context, admin_key_);
  grpc::Status status = admin->CreateOrganization(&create_context, create, &organization);
  if (!status.ok()) return FromGrpcStatus(status);
  gateway::v1::CreateApiKeyRequest key;
  key.set_parent(name);
  key.mutable_api_key()->set_role(organization.role());
  *key.mutable_api_key()->mutable_expire_time() = ToTimestamp(absl::Now() + absl::Hours(1));
  gateway::v1::CreateApiKeyResponse created;
  grpc::ClientContext key_context;
  authorize(&key_context, admin_key_);
  status = admin->CreateApiKey(&key_context, key, &created);
  if (!status.ok()) return FromGrpcStatus(status);
  return created.secret();
}

std::shared_ptr<grpc::Channel> LocalSuite::GatewayChannel() const {
  return LoopbackChannel(port("gateway"), partner_credentials_);
}

std::shared_ptr<grpc::Channel> LocalSuite::ServiceChannel(const std::string& service) const {
  return LoopbackChannel(port(service), peer_credentials_);
}

std::vector<std::string> LocalSuite::ArgvOf(const std::string& service) const {
  std::vector<std::string> argv = {options_.binaries.at(service),
                                   absl::StrCat("--port=", port(service)),
                                   absl::StrCat("--metrics_port=", metrics_port(service)),
                                   "--principal_secret_file=" + dir_ + "/principal.secret"};
  auto redis_flag = [&](const std::string& owner) {
    return absl::StrCat("--redis_addr=", redis_.at(owner)->address());
  };
  if (service == "consent" || service == "actions") {
    argv.push_back(redis_flag(service));
    argv.push_back("--anonymizer_addr=" + address("anonymizer"));
    argv.push_back("--analytics_addr=" + address("analytics"));
  } else if (service == "anonymizer") {
    argv.push_back("--pseudonym_key_file=" + dir_ + "/pseudonym.keys");
  } else if (service == "analytics") {
    argv.push_back(redis_flag(service));
    argv.push_back("--consent_addr=" + address("consent"));
  } else if (service == "gateway") {
    argv.push_back(redis_flag(service));
    argv.push_back(absl::StrCat("--http_port=", http_port_));
    argv.push_back("--bootstrap_admin_key_file=" + dir_ + "/admin.key");
    argv.push_back(absl::StrCat("--routes=bridging.consent.v1=", address("consent"),
                                ",bridging.actions.v1=", address("actions"),
                                ",bridging.anonymizer.v1=", address("anonymizer"),
                                ",bridging.analytics.v1=", address("analytics")));
  }
  if (options_.tls) {
    argv.push_back(absl::StrCat("--tls_cert_file=", tls_dir(), "/", service, ".crt"));
    argv.push_back(absl::StrCat("--tls_key_file=", tls_dir(), "/", service, ".key"));
    argv.push_back(absl::StrCat("--tls_ca_file=", tls_dir(), "/ca.crt"));
    if (service == "gateway") {
      argv.push_back(absl::StrCat("--public_tls_cert_file=", tls_dir(), "/gateway-public.crt"));
      argv.push_back(absl::StrCat("--public_tls_key_file=", tls_dir(), "/gateway-public.key"));
    }
  }
  auto extra = options_.flags.find(service);
  if (extra != options_.flags.end()) {
    argv.insert(argv.end(), extra->second.begin(), extra->second.end());
  }
  return argv;
}

absl::Status LocalSuite::StartService(const std::string& service) {
  auto process = ChildProcess::Start(ArgvOf(service), {}, dir_ + "/" + service + ".log");
  if (!process.ok()) return process.status();
  processes_[service] = std::move(*process);
  const std::shared_ptr<grpc::Channel> channel =
      service == "gateway" ? GatewayChannel() : ServiceChannel(service);
  if (!WaitForHealth(channel, grpc::health::v1::HealthCheckResponse::SERVING, absl::Seconds(30))) {
    return absl::UnavailableError(
        absl::StrCat(service, " did not become SERVING; log:\n", Log(service)));
  }
  return absl::OkStatus();
}

absl::Status LocalSuite::StopService(const std::string& service, int signal) {
  auto it = processes_.find(service);
  if (it == processes_.end() || !it->second.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(service, " is not running"));
  }
  if (absl::Status sent = it->second->Signal(signal); !sent.ok()) return sent;
  if (!it->second->WaitForExit(absl::Seconds(15)).has_value()) {
    return absl::DeadlineExceededError(absl::StrCat(service, " did not exit"));
  }
  it->second.reset();
  return absl::OkStatus();
}

std::string LocalSuite::Log(const std::string& service) const {
  return ReadFile(dir_ + "/" + service + ".log");
}

void LocalSuite::DumpLogs() const {
  for (const auto& [name, process] : processes_) {
    const std::string log = Log(name);
    std::cerr << "--- " << name << " log (tail)\n"
              << (log.size() > 4000 ? log.substr(log.size() - 4000) : log) << "\n";
  }
}

}  // namespace bridging::testing
