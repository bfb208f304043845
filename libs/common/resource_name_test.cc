// Tests resource-name parsing and the owner rule.
#include "libs/common/resource_name.h"

#include "gtest/gtest.h"

namespace bridging {
namespace {

constexpr char kParticipant[] = "charities/{charity}/participants/{participant}";

TEST(ResourceNameTest, ParsesIds) {
  auto parts = ParseName("charities/c1/participants/p-2", kParticipant, "participant");
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_EQ(*parts, (NameParts{"c1", "p-2"}));
}

TEST(ResourceNameTest, RejectsWrongShapes) {
  for (const char* bad : {"", "charities/c1", "charities/c1/participants/",
                          "charities/c1/participants/p1/extra", "practices/c1/participants/p1",
                          "charities/C1/participants/p1", "charities/c1/participants/../x",
                          "charities/-x/participants/p1", "charities//participants/p1"}) {
    auto parts = ParseName(bad, kParticipant, "participant");
    EXPECT_EQ(parts.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(parts.status().message().find("participant"), std::string::npos) << bad;
  }
}

TEST(ResourceNameTest, Owner) {
  EXPECT_EQ(OwnerOf("charities/c1/participants/p1"), "charities/c1");
  EXPECT_EQ(OwnerOf("practices/riverside"), "practices/riverside");
  EXPECT_EQ(OwnerOf("researchers/t1/x"), "researchers/t1");
  EXPECT_EQ(OwnerOf("other/t1/x"), "");
  EXPECT_EQ(OwnerOf("charities"), "");
  EXPECT_EQ(OwnerOf("charities/BAD/x"), "");
}

}  // namespace
}  // namespace bridging
