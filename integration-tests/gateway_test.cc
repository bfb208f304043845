// Black-box tests of the suite behind its gateway, as partners reach it: the authorisation
// matrix over every method reflection shows, JSON and gRPC answering alike, per-tenant rate
// limits, revocation, the hash-chained audit log and its tamper detection.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "bridging/actions/v1/actions.grpc.pb.h"
#include "bridging/analytics/v1/analytics.grpc.pb.h"
#include "bridging/consent/v1/consent.grpc.pb.h"
#include "bridging/gateway/v1/admin.grpc.pb.h"
#include "integration-tests/local_suite.h"
#include "integration-tests/raw_calls.h"
#include "libs/auth/policy.h"
#include "libs/auth/principal.h"
#include "libs/common/contract.h"
#include "libs/common/proto_time.h"
#include "libs/store/redis_store.h"
#include "libs/testing/probes.h"
#include "libs/testing/test_store.h"
#include "services/gateway/audit_log.h"
#include "services/gateway/method_table.h"

namespace bridging {
namespace {

using common::v1::Role;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
namespace gv1 = gateway::v1;

// Codes that mean the gateway refused or could not route the call.
bool IsRefusal(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAUTHENTICATED || code == grpc::StatusCode::PERMISSION_DENIED ||
         code == grpc::StatusCode::UNIMPLEMENTED || code == grpc::StatusCode::RESOURCE_EXHAUSTED ||
         code == grpc::StatusCode::UNAVAILABLE;
}

using Answer = testing::RawAnswer;

// One suite for every test here: starting it takes a few seconds.
class GatewayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Links gRPC's reflection library, whose descriptors (the reflection protocol's message
    // types) the test reads answers with.
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    // Links the contract's descriptors, which the matrix reads policies from.
    contract_ = ContractServices();
    testing::LocalSuiteOptions options;
    // Low enough for the rate test to reach quickly, high enough for the matrix.
    options.flags["gateway"] = {"--rate_limit_rps=40", "--rate_limit_burst=300",
                                "--max_request_bytes=65536", "--web_root=" + MakeWebRoot()};
    auto suite = testing::LocalSuite::Start(options);
    ASSERT_TRUE(suite.ok()) << suite.status();
    suite_ = suite->release();
    ASSERT_FALSE(suite_->admin_key().empty());
    admin_ = gv1::AdminService::NewStub(suite_->GatewayChannel());
    keys_[Role::ROLE_ADMIN] = suite_->admin_key();
    const std::vector<std::pair<std::string, std::string>> orgs = {
        {"practices/alpha", "Alpha Surgery"}, {"practices/beta", "Beta Health Centre"},
        {"charities/hope", "Hope"},           {"charities/other", "Other Charity"},
        {"researchers/team-a", "Team A"},     {"researchers/team-b", "Team B"},
        {"services/publisher", "A publisher"}};
    for (const auto& [name, display] : orgs) {
      gv1::CreateOrganizationRequest create;
      create.mutable_organization()->set_name(name);
      create.mutable_organization()->set_display_name(display);
      gv1::Organization organization;
      grpc::ClientContext context;
      Authorize(&context, suite_->admin_key());
      grpc::Status status = admin_->CreateOrganization(&context, create, &organization);
      ASSERT_TRUE(status.ok()) << name << ": " << status.error_code() << " "
                               << status.error_message();
      secrets_[name] = CreateKey(name);
    }
  }

  static void TearDownTestSuite() {
    delete suite_;
    suite_ = nullptr;
    std::filesystem::remove_all(web_root_);
  }

  // A stand-in for web/dist: an index page and one hashed asset.
  static std::string MakeWebRoot() {
    web_root_ =
        (std::filesystem::temp_directory_path() / absl::StrCat("gateway-test-web-", getpid()))
            .string();
    std::filesystem::create_directories(web_root_ + "/assets");
    std::ofstream(web_root_ + "/index.html") << kIndexHtml;
    std::ofstream(web_root_ + "/assets/app-3f9a.js") << "export {};";
    return web_root_;
  }
  static constexpr char kIndexHtml[] = "<!doctype html><title>Bridging</title>";

  void TearDown() override {
    if (HasFailure() && suite_ != nullptr) suite_->DumpLogs();
  }

  static void Authorize(grpc::ClientContext* context, const std::string& secret) {
    context->AddMetadata("authorization", "Bearer " + secret);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  }

  static std::string CreateKey(const std::string& org) {
    gv1::CreateApiKeyRequest request;
    request.set_parent(org);
    request.mutable_api_key()->set_role(RoleOf(org));
    *request.mutable_api_key()->mutable_expire_time() = ToTimestamp(absl::Now() + absl::Hours(1));
    gv1::CreateApiKeyResponse response;
    grpc::ClientContext context;
    Authorize(&context, suite_->admin_key());
    grpc::Status status = admin_->CreateApiKey(&context, request, &response);
    EXPECT_TRUE(status.ok()) << org << ": " << status.error_message();
    EXPECT_FALSE(response.secret().empty());
    return response.secret();
  }

  static Role RoleOf(absl::string_view org) {
    if (absl::StartsWith(org, "practices/")) return Role::ROLE_PRACTICE;
    if (absl::StartsWith(org, "charities/")) return Role::ROLE_CHARITY;
    if (absl::StartsWith(org, "researchers/")) return Role::ROLE_RESEARCHER;
    if (absl::StartsWith(org, "services/")) return Role::ROLE_SERVICE;
    return Role::ROLE_ADMIN;
  }

  // The organisation acting in each role, and a second one of the same kind.
  static std::string OrgFor(Role role) {
    switch (role) {
      case Role::ROLE_PRACTICE:
        return "practices/alpha";
      case Role::ROLE_CHARITY:
        return "charities/hope";
      case Role::ROLE_RESEARCHER:
        return "researchers/team-a";
      case Role::ROLE_SERVICE:
        return "services/publisher";
      default:
        return "operators/bootstrap";
    }
  }
  static std::string OtherOrgFor(Role role) {
    switch (role) {
      case Role::ROLE_PRACTICE:
        return "practices/beta";
      case Role::ROLE_CHARITY:
        return "charities/other";
      default:
        return "researchers/team-b";
    }
  }
  static std::string SecretFor(const std::string& org) {
    return org == "operators/bootstrap" ? suite_->admin_key() : secrets_.at(org);
  }

  // A raw call through the gateway, as any gRPC client would make it.
  static Answer Call(const std::string& method, const std::string& request,
                     const std::string& secret, testing::Metadata metadata = {}) {
    if (!secret.empty()) metadata.emplace_back("authorization", "Bearer " + secret);
    return testing::CallRaw(suite_->GatewayChannel(), method, request, metadata);
  }

  // Asks the gateway's reflection one question (a ServerReflectionRequest with `field` set
  // to `value`) and returns the answer, read through the descriptor pool.
  static std::unique_ptr<Message> Reflect(const std::string& field, const std::string& value) {
    const auto* pool = google::protobuf::DescriptorPool::generated_pool();
    auto* factory = google::protobuf::MessageFactory::generated_factory();
    const Descriptor* request_type =
        pool->FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionRequest");
    const Descriptor* response_type =
        pool->FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionResponse");
    EXPECT_NE(request_type, nullptr);
    std::unique_ptr<Message> request(factory->GetPrototype(request_type)->New());
    request->GetReflection()->SetString(request.get(), request_type->FindFieldByName(field), value);
    auto bytes = testing::ReflectionAsk(suite_->GatewayChannel(), request->SerializeAsString());
    EXPECT_TRUE(bytes.ok()) << bytes.status();
    std::unique_ptr<Message> response(factory->GetPrototype(response_type)->New());
    EXPECT_TRUE(response->ParseFromString(bytes.value_or("")));
    return response;
  }

  static const Message& SubMessage(const Message& message, const char* field) {
    return message.GetReflection()->GetMessage(message,
                                               message.GetDescriptor()->FindFieldByName(field));
  }

  // Builds every file into `pool`, each after the files it imports.
  static void BuildWithDependencies(
      const std::map<std::string, google::protobuf::FileDescriptorProto>& files,
      google::protobuf::DescriptorPool* pool) {
    std::function<void(const std::string&)> build = [&](const std::string& name) {
      if (pool->FindFileByName(name) != nullptr) return;
      auto it = files.find(name);
      ASSERT_NE(it, files.end()) << "reflection left out " << name;
      for (const std::string& dependency : it->second.dependency()) build(dependency);
      ASSERT_NE(pool->BuildFile(it->second), nullptr) << name;
    };
    for (const auto& [name, file] : files) build(name);
  }

  // Every method the gateway's reflection describes, as full paths.
  static std::vector<std::string> MethodsByReflection() {
    std::unique_ptr<Message> listing = Reflect("list_services", "");
    const Message& services = SubMessage(*listing, "list_services_response");
    const FieldDescriptor* service_field = services.GetDescriptor()->FindFieldByName("service");
    google::protobuf::DescriptorPool pool;
    std::vector<std::string> methods;
    for (int i = 0; i < services.GetReflection()->FieldSize(services, service_field); ++i) {
      const Message& entry =
          services.GetReflection()->GetRepeatedMessage(services, service_field, i);
      const std::string name =
          entry.GetReflection()->GetString(entry, entry.GetDescriptor()->FindFieldByName("name"));
      if (absl::StartsWith(name, "grpc.")) continue;
      std::unique_ptr<Message> answer = Reflect("file_containing_symbol", name);
      const Message& files = SubMessage(*answer, "file_descriptor_response");
      const FieldDescriptor* protos_field =
          files.GetDescriptor()->FindFieldByName("file_descriptor_proto");
      std::map<std::string, google::protobuf::FileDescriptorProto> by_name;
      for (int f = 0; f < files.GetReflection()->FieldSize(files, protos_field); ++f) {
        google::protobuf::FileDescriptorProto file;
        EXPECT_TRUE(
            file.ParseFromString(files.GetReflection()->GetRepeatedString(files, protos_field, f)));
        by_name[file.name()] = file;
      }
      BuildWithDependencies(by_name, &pool);
      const auto* descriptor = pool.FindServiceByName(name);
      EXPECT_NE(descriptor, nullptr) << name;
      if (descriptor == nullptr) continue;
      for (int m = 0; m < descriptor->method_count(); ++m) {
        methods.push_back(absl::StrCat("/", name, "/", descriptor->method(m)->name()));
      }
    }
    return methods;
  }

  static testing::LocalSuite* suite_;
  static std::vector<std::string> contract_;
  static std::unique_ptr<gv1::AdminService::Stub> admin_;
  static std::map<Role, std::string> keys_;
  static std::map<std::string, std::string> secrets_;
  static std::string web_root_;
};

testing::LocalSuite* GatewayTest::suite_ = nullptr;
std::vector<std::string> GatewayTest::contract_;
std::unique_ptr<gv1::AdminService::Stub> GatewayTest::admin_;
std::map<Role, std::string> GatewayTest::keys_;
std::map<std::string, std::string> GatewayTest::secrets_;
std::string GatewayTest::web_root_;

TEST_F(GatewayTest, EveryMethodFoundByReflectionObeysItsDeclaredPolicy) {
  const std::vector<std::string> methods = MethodsByReflection();
  ASSERT_GT(methods.size(), 30u);
  // Reflection shows exactly the contract's services.
  std::set<std::string> reflected_services;
  for (const std::string& path : methods)
    reflected_services.insert(path.substr(1, path.rfind('/') - 1));
  EXPECT_EQ(reflected_services, std::set<std::string>(contract_.begin(), contract_.end()));
  const std::vector<Role> roles = {Role::ROLE_PRACTICE, Role::ROLE_CHARITY, Role::ROLE_RESEARCHER,
                                   Role::ROLE_ADMIN, Role::ROLE_SERVICE};
  int cases = 0;
  for (const std::string& path : methods) {
    SCOPED_TRACE(path);
    const std::string service = path.substr(1, path.rfind('/') - 1);
    const auto* descriptor = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
        absl::StrCat(service, ".", path.substr(path.rfind('/') + 1)));
    ASSERT_NE(descriptor, nullptr) << "reflection shows a method the contract lacks";
    ASSERT_TRUE(descriptor->options().HasExtension(common::v1::policy)) << "no policy";
    const common::v1::MethodPolicy policy = auth::PolicyOf(*descriptor);
    const std::string& field = policy.resource_field();
    const std::set<int> allowed(policy.allowed_roles().begin(), policy.allowed_roles().end());
    ASSERT_FALSE(allowed.empty());
    const Role some_allowed = static_cast<Role>(*allowed.begin());

    // 1. No credential.
    Answer none = Call(path, testing::RequestNaming(*descriptor, OrgFor(some_allowed)), "");
    EXPECT_EQ(none.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_TRUE(none.bytes.empty());
    ++cases;

    // 2. Each role the method does not allow, on its own organisation's resource.
    for (Role role : roles) {
      if (allowed.count(role) > 0) continue;
      const std::string org = OrgFor(role);
      Answer denied = Call(path, testing::RequestNaming(*descriptor, org), SecretFor(org));
      EXPECT_EQ(denied.status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << Role_Name(role) << ": " << denied.status.error_message();
      EXPECT_TRUE(denied.bytes.empty());
      ++cases;
    }

    // 3. An allowed tenant acting on another tenant's resource (shared reads included: the
    //    owner's backend finds no share and refuses).
    for (Role role : {Role::ROLE_PRACTICE, Role::ROLE_CHARITY, Role::ROLE_RESEARCHER}) {
      if (allowed.count(role) == 0 || field.empty()) continue;
      Answer denied = Call(path, testing::RequestNaming(*descriptor, OtherOrgFor(role) + "/x"),
                           SecretFor(OrgFor(role)));
      EXPECT_EQ(denied.status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << Role_Name(role) << ": " << denied.status.error_message();
      EXPECT_TRUE(denied.bytes.empty());
      ++cases;
    }

    // 4. Each allowed role on its own organisation: admitted and answered by the backend
    //    (which may still find the near-empty request invalid).
    for (int allowed_role : allowed) {
      const Role role = static_cast<Role>(allowed_role);
      const std::string org = OrgFor(role);
      Answer admitted = Call(path, testing::RequestNaming(*descriptor, org), SecretFor(org));
      EXPECT_FALSE(IsRefusal(admitted.status.error_code()))
          << Role_Name(role) << ": " << admitted.status.error_code() << " "
          << admitted.status.error_message();
      ++cases;
    }
  }
  std::cout << "authorisation matrix: " << methods.size() << " methods, " << cases << " cases\n";
}

TEST_F(GatewayTest, UnknownMethodsAndGarbageAreRefusedWithoutReachingABackend) {
  const std::string charity = SecretFor("charities/hope");
  EXPECT_EQ(
      Call("/bridging.consent.v1.ConsentService/DropEverything", "", charity).status.error_code(),
      grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(Call("/../../etc/passwd", "", charity).status.error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  // Not a protobuf message at all.
  EXPECT_EQ(Call("/bridging.consent.v1.ConsentService/GetParticipant", "\xff\xff\xff\xff", charity)
                .status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Over the request size limit.
  consent::v1::CreateParticipantRequest big;
  big.set_parent("charities/hope");
  big.mutable_participant()->set_alias(std::string(70000, 'a'));
  EXPECT_EQ(Call("/bridging.consent.v1.ConsentService/CreateParticipant", big.SerializeAsString(),
                 charity)
                .status.error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Malformed and unknown credentials.
  EXPECT_EQ(Call("/bridging.gateway.v1.AdminService/WhoAmI", "", "not a key!").status.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call("/bridging.gateway.v1.AdminService/WhoAmI", "", std::string(48, 'a'))
                .status.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(GatewayTest, ForgedPrincipalHeadersFromClientsAreIgnored) {
  // A practice claims, in the headers services trust, to be the charity: the gateway signs
  // its own principal, so the claim is dropped and the call stays the practice's.
  consent::v1::GetParticipantRequest request;
  request.set_name("charities/hope/participants/p1");
  Answer answer =
      Call("/bridging.consent.v1.ConsentService/GetParticipant", request.SerializeAsString(),
           SecretFor("practices/alpha"),
           {{"x-bridging-principal", "v1;org=charities/hope;role=ROLE_CHARITY;exp=9999999999"},
            {"x-bridging-principal-signature", std::string(64, '0')}});
  EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(GatewayTest, ServicesRefuseCallsThatDidNotComeThroughTheGateway) {
  consent::v1::GetParticipantRequest request;
  request.set_name("charities/hope/participants/p1");
  auto consent =
      consent::v1::ConsentService::NewStub(testing::LoopbackChannel(suite_->port("consent")));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + SecretFor("charities/hope"));
  consent::v1::Participant participant;
  EXPECT_EQ(consent->GetParticipant(&context, request, &participant).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(GatewayTest, JsonAndGrpcGiveTheSameAnswers) {
  const std::string secret = SecretFor("charities/hope");
  auto consent = consent::v1::ConsentService::NewStub(suite_->GatewayChannel());
  consent::v1::CreateParticipantRequest create;
  create.set_parent("charities/hope");
  create.mutable_participant()->set_charity_reference("REF-0042");
  create.mutable_participant()->set_alias("Robin");
  consent::v1::Participant created;
  {
    grpc::ClientContext context;
    Authorize(&context, secret);
    grpc::Status status = consent->CreateParticipant(&context, create, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  consent::v1::GetParticipantRequest get;
  get.set_name(created.name());
  consent::v1::Participant by_grpc;
  {
    grpc::ClientContext context;
    Authorize(&context, secret);
    ASSERT_TRUE(consent->GetParticipant(&context, get, &by_grpc).ok());
  }
  httplib::Client http("127.0.0.1", suite_->gateway_http_port());
  httplib::Headers headers = {{"Authorization", "Bearer " + secret}};
  auto result = http.Post("/bridging.consent.v1.ConsentService/GetParticipant", headers,
                          absl::StrCat("{\"name\":\"", created.name(), "\"}"), "application/json");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  ASSERT_EQ(result->status, 200) << result->body;
  consent::v1::Participant by_json;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(result->body, &by_json).ok());
  EXPECT_EQ(by_json.SerializeAsString(), by_grpc.SerializeAsString());

  // The same refusal, in each protocol's words.
  auto denied =
      http.Post("/bridging.consent.v1.ConsentService/GetParticipant",
                httplib::Headers{{"Authorization", "Bearer " + SecretFor("charities/other")}},
                absl::StrCat("{\"name\":\"", created.name(), "\"}"), "application/json");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);
  EXPECT_NE(denied->body.find("\"permission_denied\""), std::string::npos) << denied->body;
  EXPECT_EQ(denied->body.find("REF-0042"), std::string::npos);
  auto missing = http.Post("/bridging.consent.v1.ConsentService/GetParticipant", httplib::Headers{},
                           "{}", "application/json");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  auto malformed = http.Post("/bridging.consent.v1.ConsentService/GetParticipant", headers,
                             "{\"name\": ", "application/json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
}

TEST_F(GatewayTest, ServesTheWebUiWithBrowserSecurityHeaders) {
  httplib::Client http("127.0.0.1", suite_->gateway_http_port());
  auto index = http.Get("/");
  ASSERT_TRUE(index) << httplib::to_string(index.error());
  ASSERT_EQ(index->status, 200);
  EXPECT_EQ(index->body, kIndexHtml);
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(index->get_header_value("X-Frame-Options"), "DENY");
  EXPECT_EQ(index->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(index->has_header("Strict-Transport-Security")) << "only over HTTPS";
  const std::string csp = index->get_header_value("Content-Security-Policy");
  EXPECT_TRUE(absl::StrContains(csp, "script-src 'self'")) << csp;
  EXPECT_TRUE(absl::StrContains(csp, "frame-ancestors 'none'")) << csp;
  EXPECT_FALSE(absl::StrContains(csp, "unsafe")) << csp;

  // Revalidation: the same ETag gets 304 without a body.
  const std::string etag = index->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  auto unchanged = http.Get("/index.html", {{"If-None-Match", "\"other\", " + etag}});
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->status, 304);
  EXPECT_TRUE(unchanged->body.empty());

  auto script = http.Get("/assets/app-3f9a.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_EQ(script->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");

  // Nothing outside the build, however the path is spelt.
  for (const char* path : {"/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                           "/assets/../index.html", "/assets/", "/.env", "/nope"}) {
    auto missing = http.Get(path);
    ASSERT_TRUE(missing) << path;
    EXPECT_EQ(missing->status, 404) << path;
    EXPECT_FALSE(absl::StrContains(missing->body, "root:")) << path;
    EXPECT_EQ(missing->get_header_value("Cache-Control"), "no-store") << path;
  }
  // A method path read with GET names the verb it takes.
  auto get_method = http.Get("/bridging.consent.v1.ConsentService/GetParticipant");
  ASSERT_TRUE(get_method);
  EXPECT_EQ(get_method->status, 405);
  EXPECT_EQ(get_method->get_header_value("Allow"), "POST");

  // API answers hold personal data: never cached, same hardening.
  auto answer =
      http.Post("/bridging.gateway.v1.AdminService/WhoAmI",
                httplib::Headers{{"Authorization", "Bearer " + SecretFor("charities/hope")}}, "{}",
                "application/json");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200) << answer->body;
  EXPECT_EQ(answer->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(answer->get_header_value("Content-Security-Policy"), csp);
}

TEST_F(GatewayTest, OneTenantsFloodDoesNotSlowAnother) {
  const std::string flooder = SecretFor("researchers/team-b");
  const std::string neighbour = SecretFor("charities/other");
  const std::string who_am_i = "/bridging.gateway.v1.AdminService/WhoAmI";
  std::atomic<int> flood_exhausted{0}, neighbour_failures{0};
  std::thread flood([&] {
    for (int i = 0; i < 600; ++i) {
      if (Call(who_am_i, "", flooder).status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        ++flood_exhausted;
      }
    }
  });
  for (int i = 0; i < 40; ++i) {
    Answer answer = Call(who_am_i, "", neighbour);
    if (!answer.status.ok()) ++neighbour_failures;
    absl::SleepFor(absl::Milliseconds(30));  // 33 calls/s: inside the neighbour's own limit
  }
  flood.join();
  EXPECT_GT(flood_exhausted.load(), 0);
  EXPECT_EQ(neighbour_failures.load(), 0);
}

TEST_F(GatewayTest, WhoAmIAndRevocationTakeEffectAtOnce) {
  const std::string secret = CreateKey("practices/beta");
  gv1::WhoAmIResponse who;
  {
    grpc::ClientContext context;
    Authorize(&context, secret);
    ASSERT_TRUE(admin_->WhoAmI(&context, {}, &who).ok());
  }
  EXPECT_EQ(who.organization(), "practices/beta");
  EXPECT_EQ(who.organization_display_name(), "Beta Health Centre");
  EXPECT_EQ(who.role(), Role::ROLE_PRACTICE);
  EXPECT_EQ(who.credential_type(), gv1::CREDENTIAL_TYPE_API_KEY);
  ASSERT_TRUE(absl::StartsWith(who.api_key(), "practices/beta/apiKeys/"));

  gv1::RevokeApiKeyRequest revoke;
  revoke.set_name(who.api_key());
  gv1::ApiKey revoked;
  {
    grpc::ClientContext context;
    Authorize(&context, suite_->admin_key());
    ASSERT_TRUE(admin_->RevokeApiKey(&context, revoke, &revoked).ok());
  }
  EXPECT_EQ(revoked.state(), gv1::API_KEY_STATE_REVOKED);
  grpc::ClientContext context;
  Authorize(&context, secret);
  EXPECT_EQ(admin_->WhoAmI(&context, {}, &who).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(GatewayTest, AuditTrailIsPerOrganisationAndItsChainDetectsTampering) {
  // A call by the charity on its own data, and a refused one by a practice on it.
  consent::v1::ListParticipantsRequest list;
  list.set_parent("charities/hope");
  ASSERT_TRUE(Call("/bridging.consent.v1.ConsentService/ListParticipants", list.SerializeAsString(),
                   SecretFor("charities/hope"))
                  .status.ok());
  EXPECT_EQ(Call("/bridging.consent.v1.ConsentService/ListParticipants", list.SerializeAsString(),
                 SecretFor("practices/alpha"))
                .status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // The charity sees both calls on its data; the practice's trail has its own call only.
  auto events_of = [&](const std::string& parent, const std::string& secret) {
    gv1::ListAuditEventsRequest request;
    request.set_parent(parent);
    request.set_method("/bridging.consent.v1.ConsentService/ListParticipants");
    request.set_page_size(1000);
    std::vector<gv1::AuditEvent> events;
    for (int attempt = 0; attempt < 50; ++attempt) {  // the appender runs in the background
      gv1::ListAuditEventsResponse response;
      grpc::ClientContext context;
      Authorize(&context, secret);
      grpc::Status status = admin_->ListAuditEvents(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      events.assign(response.events().begin(), response.events().end());
      if (events.size() >= 2 || parent != "charities/hope") break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return events;
  };
  std::vector<gv1::AuditEvent> charity = events_of("charities/hope", SecretFor("charities/hope"));
  ASSERT_GE(charity.size(), 2u);
  std::set<std::string> callers;
  for (const auto& event : charity) {
    // The charity's trail: calls on its data, and calls its own callers made.
    EXPECT_TRUE(absl::StartsWith(event.resource(), "charities/hope") ||
                event.caller_organization() == "charities/hope");
    if (event.resource() == "charities/hope") callers.insert(event.caller_organization());
    EXPECT_EQ(event.hash().size(), 64u);
  }
  EXPECT_EQ(callers, (std::set<std::string>{"charities/hope", "practices/alpha"}));
  for (const auto& event : events_of("practices/alpha", SecretFor("practices/alpha"))) {
    EXPECT_EQ(event.caller_organization(), "practices/alpha");
  }
  // Another organisation's trail and the whole log are not the charity's to read.
  gv1::ListAuditEventsRequest foreign;
  foreign.set_parent("-");
  gv1::ListAuditEventsResponse ignored;
  grpc::ClientContext context;
  Authorize(&context, SecretFor("charities/hope"));
  EXPECT_NE(admin_->ListAuditEvents(&context, foreign, &ignored).error_code(),
            grpc::StatusCode::OK);

  // The chain verifies, then one edited event breaks it.
  auto store = testing::ConnectTestStore(suite_->redis("gateway"));
  auto report = gateway::VerifyAuditChain(*store);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GT(report->events, 5);
  auto first = store->Command({"LINDEX", "gateway:audit:events", "3"});
  ASSERT_TRUE(first.ok());
  gv1::AuditEvent event;
  ASSERT_TRUE(event.ParseFromString(first->str));
  event.set_outcome_code(0);
  event.set_caller_organization("operators/someone-else");
  ASSERT_TRUE(
      store->Command({"LSET", "gateway:audit:events", "3", event.SerializeAsString()}).ok());
  auto tampered = gateway::VerifyAuditChain(*store);
  EXPECT_EQ(tampered.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(tampered.status().message(), "sequence 3")) << tampered.status();
  // The operator's tool says the same.
  const std::vector<std::string> verify = {AUDIT_VERIFY_BINARY,
                                           "--redis_addr=" + suite_->redis("gateway").address()};
  EXPECT_FALSE(testing::RunAndCapture(verify, absl::Seconds(30)).ok());
  ASSERT_TRUE(store->Command({"LSET", "gateway:audit:events", "3", first->str}).ok());
  auto restored = testing::RunAndCapture(verify, absl::Seconds(30));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_TRUE(absl::StrContains(*restored, "audit chain verified")) << *restored;
}

TEST_F(GatewayTest, APracticeWithItsOwnBackendKeepsItsPlansOnIt) {
  // practices/alpha runs its own actions service and Redis; a second gateway (sharing the
  // first one's keys) routes alpha's names there and everyone else's to the shared one.
  auto own_redis = testing::RedisServer::Start();
  ASSERT_TRUE(own_redis.ok()) << own_redis.status();
  const int own_port = testing::PickFreeLoopbackPort();
  auto own_actions = testing::ChildProcess::Start(
      {testing::BuiltBinaries().at("actions"), absl::StrCat("--port=", own_port),
       "--metrics_port=0", "--principal_secret_file=" + suite_->dir() + "/principal.secret",
       "--redis_addr=" + (*own_redis)->address(),
       "--anonymizer_addr=" + suite_->address("anonymizer"),
       "--analytics_addr=" + suite_->address("analytics"), "--outbox_source=actions/alpha"},
      {}, suite_->dir() + "/actions-alpha.log");
  ASSERT_TRUE(own_actions.ok()) << own_actions.status();
  ASSERT_TRUE(testing::WaitForServing(own_port, absl::Seconds(30)))
      << testing::ReadFile(suite_->dir() + "/actions-alpha.log");
  const int gateway_port = testing::PickFreeLoopbackPort();
  auto gateway = testing::ChildProcess::Start(
      {testing::BuiltBinaries().at("gateway"), absl::StrCat("--port=", gateway_port),
       "--metrics_port=0", "--http_port=-1",
       "--principal_secret_file=" + suite_->dir() + "/principal.secret",
       "--redis_addr=" + suite_->redis("gateway").address(),
       absl::StrCat("--routes=bridging.actions.v1=", suite_->address("actions"),
                    ",bridging.actions.v1@practices/alpha=127.0.0.1:", own_port)},
      {}, suite_->dir() + "/gateway-2.log");
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  ASSERT_TRUE(testing::WaitForServing(gateway_port, absl::Seconds(30)))
      << testing::ReadFile(suite_->dir() + "/gateway-2.log");

  auto plans = actions::v1::ActionPlanService::NewStub(testing::LoopbackChannel(gateway_port));
  std::map<std::string, std::string> created;  // practice -> plan name
  for (const std::string practice : {"practices/alpha", "practices/beta"}) {
    actions::v1::CreatePlanRequest request;
    request.set_parent(practice);
    request.mutable_plan()->set_title("Trauma-informed access");
    actions::v1::Plan plan;
    grpc::ClientContext context;
    Authorize(&context, SecretFor(practice));
    grpc::Status status = plans->CreatePlan(&context, request, &plan);
    ASSERT_TRUE(status.ok()) << practice << ": " << status.error_message();
    created[practice] = plan.name();
    actions::v1::CreateActionRequest action_request;
    action_request.set_parent(plan.name());
    action_request.mutable_action()->set_title("Offer a longer first appointment");
    action_request.mutable_action()->set_principle(common::v1::PRINCIPLE_SAFETY);
    action_request.mutable_action()->set_area(common::v1::AREA_APPOINTMENTS);
    action_request.mutable_action()->set_owner_role("practice manager");
    *action_request.mutable_action()->mutable_due_date() = ToDate(TodayUtc(absl::Now()) + 30);
    actions::v1::Action action;
    grpc::ClientContext action_context;
    Authorize(&action_context, SecretFor(practice));
    status = plans->CreateAction(&action_context, action_request, &action);
    ASSERT_TRUE(status.ok()) << practice << ": " << status.error_message();
  }
  auto own_store = testing::ConnectTestStore(**own_redis);
  auto shared_store = testing::ConnectTestStore(suite_->redis("actions"));
  auto exists = [](store::Store& store, const std::string& plan) {
    auto reply = store.Command({"EXISTS", "actions:plan:" + plan});
    return reply.ok() && reply->integer == 1;
  };
  EXPECT_TRUE(exists(*own_store, created["practices/alpha"]));
  EXPECT_FALSE(exists(*shared_store, created["practices/alpha"]));
  EXPECT_TRUE(exists(*shared_store, created["practices/beta"]));
  EXPECT_FALSE(exists(*own_store, created["practices/beta"]));

  // Its outbox reaches analytics under its own source: under the shared "actions" one, its
  // first sequence numbers would be taken as already applied and dropped.
  auto analytics =
      analytics::v1::AnalyticsService::NewStub(testing::LoopbackChannel(suite_->port("analytics")));
  const auth::PrincipalCodec codec(suite_->principal_secret());
  int64_t applied = 0;
  for (absl::Time deadline = absl::Now() + absl::Seconds(20); absl::Now() < deadline;
       absl::SleepFor(absl::Milliseconds(100))) {
    analytics::v1::GetAppliedSequenceRequest request;
    request.set_source("actions/alpha");
    analytics::v1::AppliedSequence sequence;
    grpc::ClientContext context;
    codec.Attach({"services/actions", common::v1::ROLE_SERVICE}, &context);
    if (analytics->GetAppliedSequence(&context, request, &sequence).ok() &&
        sequence.sequence() > 0) {
      applied = sequence.sequence();
      break;
    }
  }
  EXPECT_GT(applied, 0) << testing::ReadFile(suite_->dir() + "/actions-alpha.log");
}

}  // namespace
}  // namespace bridging
