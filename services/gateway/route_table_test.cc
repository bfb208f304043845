// Tests the gateway's RouteTable: parsing of the --routes spec (valid entries and every way an
// entry can be malformed), the precedence service@owner > package@owner > service > package,
// unrouted services, and one Backend (one channel) per distinct address.
#include "services/gateway/route_table.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bridging::gateway {
namespace {

using ::testing::HasSubstr;

constexpr char kConsentService[] = "bridging.consent.v1.ConsentService";
constexpr char kContributionService[] = "bridging.consent.v1.ContributionService";
constexpr char kActionsService[] = "bridging.actions.v1.ActionPlanService";
constexpr char kRiverside[] = "practices/riverside";

std::vector<RouteTable::Route> MustParse(const std::string& spec) {
  absl::StatusOr<std::vector<RouteTable::Route>> routes = RouteTable::ParseSpec(spec);
  EXPECT_TRUE(routes.ok()) << spec << ": " << routes.status();
  return routes.ok() ? *routes : std::vector<RouteTable::Route>{};
}

// The address the call resolves to, or "" when nothing routes it.
std::string AddressFor(const RouteTable& table, absl::string_view service,
                       absl::string_view owner) {
  const Backend* backend = table.Resolve(service, owner);
  return backend == nullptr ? "" : backend->address;
}

TEST(RouteTableParseTest, ParsesEntriesSeparatedByCommasAndWhitespace) {
  std::vector<RouteTable::Route> routes = MustParse(
      "bridging.consent.v1=127.0.0.1:7101, bridging.actions.v1@practices/riverside=10.1.2.3:7102"
      "\n\tbridging.consent.v1.ConsentService=host.example:443,,"
      "bridging.gateway.v1=inprocess:admin  ");
  ASSERT_EQ(routes.size(), 4u);
  EXPECT_EQ(routes[0].target, "bridging.consent.v1");
  EXPECT_EQ(routes[0].owner, "");
  EXPECT_EQ(routes[0].address, "127.0.0.1:7101");
  EXPECT_EQ(routes[1].target, "bridging.actions.v1");
  EXPECT_EQ(routes[1].owner, kRiverside);
  EXPECT_EQ(routes[1].address, "10.1.2.3:7102");
  EXPECT_EQ(routes[2].target, kConsentService);
  EXPECT_EQ(routes[2].owner, "");
  EXPECT_EQ(routes[2].address, "host.example:443");
  EXPECT_EQ(routes[3].target, "bridging.gateway.v1");
  EXPECT_EQ(routes[3].address, "inprocess:admin");
}

TEST(RouteTableParseTest, AcceptsEveryOwnerCollectionAndPortBounds) {
  for (const char* owner :
       {"practices/p1", "charities/hope", "researchers/team-a", "operators/ops", "services/sync"}) {
    std::vector<RouteTable::Route> routes =
        MustParse(std::string("bridging.actions.v1@") + owner + "=h:1");
    ASSERT_EQ(routes.size(), 1u) << owner;
    EXPECT_EQ(routes[0].owner, owner);
  }
  EXPECT_EQ(MustParse("a.b=h:65535")[0].address, "h:65535");
  EXPECT_EQ(MustParse("a.b=[::1]:7101")[0].address, "[::1]:7101");
  // The same target may be routed once without an owner and once per owner.
  EXPECT_EQ(MustParse("a.b=h:1 a.b@practices/x=h:2 a.b@practices/y=h:2").size(), 3u);
}

TEST(RouteTableParseTest, RefusesMalformedEntriesNamingThem) {
  const std::vector<std::string> bad_entries = {
      // missing '='
      "bridging.consent.v1",
      "bridging.consent.v1:7101",
      // extra '=' or '@'
      "bridging.consent.v1=h:1=h:2",
      "bridging.consent.v1@practices/a@practices/b=h:1",
      "bridging.consent.v1==h:1",
      // empty or bad target
      "=h:1",
      "@practices/a=h:1",
      ".bridging.consent=h:1",
      "bridging.consent.=h:1",
      "bridging/consent=h:1",
      "bridging-consent=h:1",
      // bad address or port
      "bridging.consent.v1=",
      "bridging.consent.v1=h",
      "bridging.consent.v1=h:",
      "bridging.consent.v1=:7101",
      "bridging.consent.v1=h:0",
      "bridging.consent.v1=h:-1",
      "bridging.consent.v1=h:65536",
      "bridging.consent.v1=h:99999999999",
      "bridging.consent.v1=h:http",
      "bridging.consent.v1=inprocess:",
      // bad owner
      "bridging.consent.v1@hospitals/a=h:1",
      "bridging.consent.v1@practices=h:1",
      "bridging.consent.v1@practices/=h:1",
      "bridging.consent.v1@Practices/a=h:1",
      "bridging.consent.v1@practices/A=h:1",
      "bridging.consent.v1@practices/a/plans/b=h:1",
      "bridging.consent.v1@/practices/a=h:1",
  };
  for (const std::string& entry : bad_entries) {
    absl::StatusOr<std::vector<RouteTable::Route>> routes =
        RouteTable::ParseSpec("bridging.actions.v1=h:1," + entry);
    ASSERT_FALSE(routes.ok()) << entry;
    EXPECT_EQ(routes.status().code(), absl::StatusCode::kInvalidArgument) << entry;
    EXPECT_THAT(routes.status().message(), HasSubstr("\"" + entry + "\"")) << entry;
  }
}

TEST(RouteTableParseTest, RefusesAnEmptyOwnerAfterAt) {
  absl::StatusOr<std::vector<RouteTable::Route>> routes =
      RouteTable::ParseSpec("bridging.consent.v1@=h:1");
  ASSERT_FALSE(routes.ok());
  EXPECT_EQ(routes.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RouteTableParseTest, RefusesRepeatedEntries) {
  for (const std::string spec :
       {"a.b=h:1,a.b=h:2", "a.b=h:1 a.b=h:1", "a.b@practices/x=h:1\na.b@practices/x=h:2"}) {
    absl::StatusOr<std::vector<RouteTable::Route>> routes = RouteTable::ParseSpec(spec);
    ASSERT_FALSE(routes.ok()) << spec;
    EXPECT_EQ(routes.status().code(), absl::StatusCode::kInvalidArgument) << spec;
    EXPECT_THAT(routes.status().message(), HasSubstr("repeated")) << spec;
  }
}

TEST(RouteTableParseTest, RefusesAnEmptySpec) {
  for (const std::string spec : {"", " ", ",,", " \n\t, "}) {
    absl::StatusOr<std::vector<RouteTable::Route>> routes = RouteTable::ParseSpec(spec);
    ASSERT_FALSE(routes.ok()) << "\"" << spec << "\"";
    EXPECT_EQ(routes.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(routes.status().message(), HasSubstr("empty"));
  }
}

TEST(RouteTableResolveTest, MostSpecificRouteWins) {
  RouteTable table(
      MustParse("bridging.consent.v1.ConsentService@practices/riverside=svc-owner:1 "
                "bridging.consent.v1@practices/riverside=pkg-owner:1 "
                "bridging.consent.v1.ConsentService=svc:1 "
                "bridging.consent.v1=pkg:1"));
  // service@owner
  EXPECT_EQ(AddressFor(table, kConsentService, kRiverside), "svc-owner:1");
  // package@owner: another service of the package, same owner
  EXPECT_EQ(AddressFor(table, kContributionService, kRiverside), "pkg-owner:1");
  // service: another owner, or none
  EXPECT_EQ(AddressFor(table, kConsentService, "practices/leeds-1"), "svc:1");
  EXPECT_EQ(AddressFor(table, kConsentService, ""), "svc:1");
  // package: another service, another owner or none
  EXPECT_EQ(AddressFor(table, kContributionService, "practices/leeds-1"), "pkg:1");
  EXPECT_EQ(AddressFor(table, kContributionService, ""), "pkg:1");
}

TEST(RouteTableResolveTest, EachLevelFallsBackToTheNext) {
  // Without service@owner, package@owner beats the service route.
  RouteTable no_service_owner(
      MustParse("bridging.consent.v1@practices/riverside=pkg-owner:1 "
                "bridging.consent.v1.ConsentService=svc:1 bridging.consent.v1=pkg:1"));
  EXPECT_EQ(AddressFor(no_service_owner, kConsentService, kRiverside), "pkg-owner:1");

  // Without owner routes, the service route beats the package route.
  RouteTable no_owner(
      MustParse("bridging.consent.v1.ConsentService=svc:1 bridging.consent.v1=pkg:1"));
  EXPECT_EQ(AddressFor(no_owner, kConsentService, kRiverside), "svc:1");

  // With only the package route, everything in the package goes there.
  RouteTable package_only(MustParse("bridging.consent.v1=pkg:1"));
  EXPECT_EQ(AddressFor(package_only, kConsentService, kRiverside), "pkg:1");
  EXPECT_EQ(AddressFor(package_only, kContributionService, ""), "pkg:1");

  // service@owner beats the package@owner route too.
  RouteTable owner_only(
      MustParse("bridging.consent.v1.ConsentService@practices/riverside=svc-owner:1 "
                "bridging.consent.v1@practices/riverside=pkg-owner:1"));
  EXPECT_EQ(AddressFor(owner_only, kConsentService, kRiverside), "svc-owner:1");
  EXPECT_EQ(AddressFor(owner_only, kContributionService, kRiverside), "pkg-owner:1");
}

TEST(RouteTableResolveTest, UnroutedServicesResolveToNull) {
  RouteTable table(
      MustParse("bridging.consent.v1=pkg:1 bridging.actions.v1@practices/riverside=pkg-owner:1 "
                "bridging.analytics.v1.AnalyticsService=svc:1"));
  // Another package.
  EXPECT_EQ(table.Resolve("bridging.gateway.v1.AdminService", ""), nullptr);
  EXPECT_EQ(table.Resolve("bridging.gateway.v1.AdminService", kRiverside), nullptr);
  // Routed only for one owner.
  EXPECT_EQ(table.Resolve(kActionsService, ""), nullptr);
  EXPECT_EQ(table.Resolve(kActionsService, "practices/leeds-1"), nullptr);
  EXPECT_NE(table.Resolve(kActionsService, kRiverside), nullptr);
  // A service route does not cover its siblings.
  EXPECT_EQ(table.Resolve("bridging.analytics.v1.OtherService", ""), nullptr);
  // A package route is exact: neither a parent nor a child package matches.
  EXPECT_EQ(table.Resolve("bridging.consent.v2.ConsentService", ""), nullptr);
  EXPECT_EQ(table.Resolve("bridging.consent.v1.sub.Service", ""), nullptr);
  EXPECT_EQ(table.Resolve("bridging.consent.ConsentService", ""), nullptr);
}

TEST(RouteTableTest, DialsEachAddressOnce) {
  RouteTable table(
      MustParse("bridging.consent.v1=127.0.0.1:7101 bridging.actions.v1=127.0.0.1:7102 "
                "bridging.analytics.v1=127.0.0.1:7101 "
                "bridging.actions.v1@practices/riverside=127.0.0.1:7101"));
  const Backend* consent = table.Resolve(kConsentService, "");
  const Backend* analytics = table.Resolve("bridging.analytics.v1.AnalyticsService", "");
  const Backend* riverside = table.Resolve(kActionsService, kRiverside);
  const Backend* actions = table.Resolve(kActionsService, "");
  ASSERT_NE(consent, nullptr);
  ASSERT_NE(actions, nullptr);
  EXPECT_EQ(consent, analytics);
  EXPECT_EQ(consent, riverside);
  EXPECT_NE(consent, actions);
  EXPECT_EQ(consent->address, "127.0.0.1:7101");
  EXPECT_EQ(actions->address, "127.0.0.1:7102");
  ASSERT_NE(consent->channel, nullptr);
  ASSERT_NE(consent->stub, nullptr);
  EXPECT_NE(consent->channel, actions->channel);

  std::vector<const Backend*> backends = table.backends();
  EXPECT_EQ(backends.size(), 2u);
  std::set<std::string> addresses;
  for (const Backend* backend : backends) addresses.insert(backend->address);
  EXPECT_EQ(addresses, (std::set<std::string>{"127.0.0.1:7101", "127.0.0.1:7102"}));
  EXPECT_EQ(table.routes().size(), 4u);
}

TEST(RouteTableTest, InProcessAddressesUseTheGivenChannel) {
  std::shared_ptr<grpc::Channel> admin =
      grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
  RouteTable table(MustParse("bridging.gateway.v1=inprocess:admin bridging.consent.v1=h:1"),
                   {{"inprocess:admin", admin}});
  const Backend* backend = table.Resolve("bridging.gateway.v1.AdminService", "");
  ASSERT_NE(backend, nullptr);
  EXPECT_EQ(backend->channel, admin);
  ASSERT_NE(backend->stub, nullptr);
  const Backend* consent = table.Resolve(kConsentService, "");
  ASSERT_NE(consent, nullptr);
  EXPECT_NE(consent->channel, admin);
}

}  // namespace
}  // namespace bridging::gateway
