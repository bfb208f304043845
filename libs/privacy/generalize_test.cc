// Unit tests of the generalisations.
#include "libs/privacy/generalize.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bridging::privacy {
namespace {

TEST(GeneralizeTest, AgeBands) {
  const std::vector<std::pair<int, std::string>> cases = {
      {0, "0-17"},   {17, "0-17"},  {18, "18-24"}, {24, "18-24"}, {25, "25-34"},
      {34, "25-34"}, {35, "35-44"}, {44, "35-44"}, {45, "45-54"}, {54, "45-54"},
      {55, "55-64"}, {64, "55-64"}, {65, "65+"},   {130, "65+"}};
  for (const auto& [age, band] : cases) EXPECT_EQ(*AgeBand(age), band) << age;
  auto bad = AgeBand(131, "record.age");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), ::testing::HasSubstr("record.age"));
  EXPECT_FALSE(AgeBand(-1).ok());
}

TEST(GeneralizeTest, PostcodeDistricts) {
  EXPECT_EQ(PostcodeDistrict("LS6 2AB"), "LS6");
  EXPECT_EQ(PostcodeDistrict("ls62ab"), "LS6");
  EXPECT_EQ(PostcodeDistrict(" sw1a 1aa "), "SW1A");
  EXPECT_EQ(PostcodeDistrict("M1 1AE"), "M1");
  EXPECT_EQ(PostcodeDistrict("BD18 4RE"), "BD18");
  EXPECT_EQ(PostcodeDistrict("LS6"), std::nullopt);
  EXPECT_EQ(PostcodeDistrict("not a postcode"), std::nullopt);
  EXPECT_EQ(PostcodeDistrict("QQ1 1AA"), std::nullopt);
  EXPECT_EQ(PostcodeDistrict(""), std::nullopt);
}

TEST(GeneralizeTest, DatesToMonths) {
  auto m = MonthOf({2024, 2, 29});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->year, 2024);
  EXPECT_EQ(m->month, 2);
  EXPECT_EQ(m->day, 0);
  EXPECT_TRUE(MonthOf({2024, 2, 0}).ok());
  EXPECT_FALSE(MonthOf({2023, 2, 29}).ok());
  EXPECT_FALSE(MonthOf({2023, 13, 1}).ok());
  EXPECT_FALSE(MonthOf({1899, 1, 1}).ok());
  EXPECT_THAT(std::string(MonthOf({2023, 4, 31}, "record.date").status().message()),
              ::testing::HasSubstr("record.date"));
}

}  // namespace
}  // namespace bridging::privacy
