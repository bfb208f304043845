// Tests the proto-declared policies: roles, ownership, shares, and deny-by-default.
#include "libs/auth/policy.h"

#include "bridging/consent/v1/consent.grpc.pb.h"
#include "gtest/gtest.h"

namespace bridging::auth {
namespace {

using consent::v1::ConsentService;
using consent::v1::CreateParticipantRequest;
using consent::v1::RecordConsentRequest;

const google::protobuf::ServiceDescriptor& Service() {
  return *google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      ConsentService::service_full_name());
}

const google::protobuf::MethodDescriptor& Method(absl::string_view name) {
  return *Service().FindMethodByName(std::string(name));
}

TEST(PolicyTest, EveryConsentMethodDeclaresAPolicy) {
  const auto* service = &Service();
  for (int i = 0; i < service->method_count(); ++i) {
    EXPECT_GT(PolicyOf(*service->method(i)).allowed_roles_size(), 0)
        << service->method(i)->full_name();
  }
}

TEST(PolicyTest, OwnerAllowedOthersDenied) {
  CreateParticipantRequest request;
  request.set_parent("charities/c1");
  const auto policy = PolicyOf(Method("CreateParticipant"));
  EXPECT_TRUE(CheckPolicy(policy, {"charities/c1", common::v1::ROLE_CHARITY}, request).ok());
  EXPECT_EQ(CheckPolicy(policy, {"charities/c2", common::v1::ROLE_CHARITY}, request).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckPolicy(policy, {"researchers/t", common::v1::ROLE_RESEARCHER}, request).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckPolicy(policy, {"practices/p", common::v1::ROLE_PRACTICE}, request).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(PolicyTest, EmptyOrForeignResourceField) {
  const auto policy = PolicyOf(Method("RecordConsent"));
  RecordConsentRequest request;
  const Principal charity{"charities/c1", common::v1::ROLE_CHARITY};
  const absl::Status empty = CheckPolicy(policy, charity, request);
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(empty.message().find("participant"), std::string::npos);
  request.set_participant("nonsense");
  EXPECT_EQ(CheckPolicy(policy, charity, request).code(), absl::StatusCode::kInvalidArgument);
  // A name that merely starts with the caller's id is not the caller's.
  request.set_participant("charities/c10/participants/p1");
  EXPECT_EQ(CheckPolicy(policy, charity, request).code(), absl::StatusCode::kPermissionDenied);
}

TEST(PolicyTest, MissingPolicyDeniesEveryone) {
  CreateParticipantRequest request;
  request.set_parent("charities/c1");
  const common::v1::MethodPolicy none;
  for (auto role : {common::v1::ROLE_CHARITY, common::v1::ROLE_ADMIN, common::v1::ROLE_SERVICE}) {
    EXPECT_EQ(CheckPolicy(none, {"charities/c1", role}, request).code(),
              absl::StatusCode::kPermissionDenied);
  }
}

TEST(PolicyTest, ShareGrantOnlyForSharedReads) {
  common::v1::MethodPolicy read;
  read.add_allowed_roles(common::v1::ROLE_CHARITY);
  read.set_resource_field("parent");
  read.set_allow_shared_read(true);
  CreateParticipantRequest request;  // any message with a "parent" string field
  request.set_parent("practices/p1");
  const Principal charity{"charities/c1", common::v1::ROLE_CHARITY};
  auto granted = [](absl::string_view org, absl::string_view) -> absl::StatusOr<bool> {
    return org == "charities/c1";
  };
  EXPECT_TRUE(CheckPolicy(read, charity, request, granted).ok());
  read.set_allow_shared_read(false);
  EXPECT_EQ(CheckPolicy(read, charity, request, granted).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(PolicyTest, ReadsNestedFields) {
  CreateParticipantRequest request;
  request.mutable_participant()->set_name("charities/c1/participants/p");
  auto value = ReadStringField(request, "participant.name");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "charities/c1/participants/p");
  EXPECT_FALSE(ReadStringField(request, "participant.nope").ok());
}

}  // namespace
}  // namespace bridging::auth
