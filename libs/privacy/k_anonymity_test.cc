// Unit tests of the k-anonymity check.
#include "libs/privacy/k_anonymity.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bridging::privacy {
namespace {

using ::testing::HasSubstr;

TEST(KAnonymityTest, ReportsClassesUnderKSmallestFirst) {
  VectorTable data({"age_band", "district", "theme"}, {{"25-34", "LS6", "a"},
                                                       {"25-34", "LS6", "b"},
                                                       {"25-34", "LS6", "c"},
                                                       {"35-44", "LS6", "a"},
                                                       {"35-44", "LS6", "b"},
                                                       {"18-24", "BD3", "a"}});
  auto r = CheckKAnonymity(data, {"age_band", "district"}, 3);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->k_anonymous);
  EXPECT_EQ(r->class_count, 3);
  EXPECT_EQ(r->min_class_size, 1);
  ASSERT_EQ(r->classes_under_k.size(), 2u);
  EXPECT_EQ(r->classes_under_k[0].values, (std::vector<std::string>{"18-24", "BD3"}));
  EXPECT_EQ(r->classes_under_k[0].size, 1);
  EXPECT_EQ(r->classes_under_k[1].size, 2);
  EXPECT_EQ(r->rows_in_classes_under_k, 3);
  auto ok = CheckKAnonymity(data, {"district"}, 1 + 1);
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->k_anonymous);  // BD3 has one row
  EXPECT_TRUE(CheckKAnonymity(data, {"district"}, 2).value().classes_under_k.size() == 1);
}

TEST(KAnonymityTest, ValuesThatLookJoinedDoNotCollide) {
  VectorTable data({"a", "b"}, {{"x,y", "z"}, {"x", "y,z"}});
  auto r = CheckKAnonymity(data, {"a", "b"}, 2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->class_count, 2);
}

TEST(KAnonymityTest, EmptyDataIsKAnonymous) {
  VectorTable data({"a"}, {});
  auto r = CheckKAnonymity(data, {"a"}, 5);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->k_anonymous);
  EXPECT_EQ(r->min_class_size, 0);
}

TEST(KAnonymityTest, ValidationNamesTheField) {
  VectorTable data({"a", "b"}, {{"1", "2"}, {"1"}});
  EXPECT_THAT(std::string(CheckKAnonymity(data, {"a"}, 2).status().message()),
              HasSubstr("rows[1].values"));
  VectorTable ok({"a", "b"}, {{"1", "2"}});
  EXPECT_THAT(std::string(CheckKAnonymity(ok, {"c"}, 2).status().message()),
              HasSubstr("quasi_identifiers[0]"));
  EXPECT_THAT(std::string(CheckKAnonymity(ok, {"a", "a"}, 2).status().message()),
              HasSubstr("quasi_identifiers[1]"));
  EXPECT_THAT(std::string(CheckKAnonymity(ok, {}, 2).status().message()),
              HasSubstr("quasi_identifiers"));
  EXPECT_THAT(std::string(CheckKAnonymity(ok, {"a"}, 1).status().message()), HasSubstr("k:"));
  VectorTable dup({"a", "a"}, {});
  EXPECT_THAT(std::string(CheckKAnonymity(dup, {"a"}, 2).status().message()),
              HasSubstr("columns[1]"));
}

}  // namespace
}  // namespace bridging::privacy
