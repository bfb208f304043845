// Checks the whole contract: every RPC of every Bridging service declares a policy that
// allows someone, and its resource_field names a string field of the request.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>

#include <algorithm>

#include "bridging/actions/v1/actions.pb.h"
#include "bridging/analytics/v1/analytics.pb.h"
#include "bridging/anonymizer/v1/anonymizer.pb.h"
#include "bridging/consent/v1/consent.pb.h"
#include "bridging/gateway/v1/admin.pb.h"
#include "gtest/gtest.h"
#include "libs/auth/policy.h"

namespace bridging::auth {
namespace {

const char* const kServices[] = {
    "bridging.consent.v1.ConsentService",     "bridging.consent.v1.ContributionService",
    "bridging.actions.v1.ActionPlanService",  "bridging.anonymizer.v1.AnonymizerService",
    "bridging.analytics.v1.AnalyticsService", "bridging.gateway.v1.AdminService"};

void LinkEveryPackage() {
  // Touching one message per file links its descriptors into the generated pool.
  (void)consent::v1::Participant::descriptor();
  (void)actions::v1::Plan::descriptor();
  (void)anonymizer::v1::RedactTextRequest::descriptor();
  (void)analytics::v1::QueryRequest::descriptor();
  (void)gateway::v1::WhoAmIRequest::descriptor();
}

TEST(ContractPolicyTest, EveryMethodDeclaresAUsablePolicy) {
  LinkEveryPackage();
  int methods = 0;
  for (const char* name : kServices) {
    const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      ++methods;
      const common::v1::MethodPolicy policy = PolicyOf(*method);
      EXPECT_GT(policy.allowed_roles_size(), 0) << method->full_name();
      for (int role : policy.allowed_roles()) {
        EXPECT_NE(role, common::v1::ROLE_UNSPECIFIED) << method->full_name();
      }
      if (!policy.resource_field().empty()) {
        google::protobuf::DynamicMessageFactory factory;
        std::unique_ptr<google::protobuf::Message> request(
            factory.GetPrototype(method->input_type())->New());
        EXPECT_TRUE(ReadStringField(*request, policy.resource_field()).ok())
            << method->full_name() << " names " << policy.resource_field();
      }
      // Researchers only ever read analytics.
      const auto& roles = policy.allowed_roles();
      if (std::find(roles.begin(), roles.end(), common::v1::ROLE_RESEARCHER) != roles.end()) {
        EXPECT_TRUE(service->full_name() == "bridging.analytics.v1.AnalyticsService" ||
                    method->name() == "WhoAmI" || method->name() == "ListAuditEvents")
            << method->full_name();
        EXPECT_FALSE(policy.mutating() && service->full_name() != kServices[4])
            << method->full_name();
      }
    }
  }
  EXPECT_GT(methods, 40);
}

}  // namespace
}  // namespace bridging::auth
