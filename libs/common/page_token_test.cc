// Tests that page tokens round-trip and are refused outside their scope.
#include "libs/common/page_token.h"

#include "gtest/gtest.h"

namespace bridging {
namespace {

TEST(PageTokenTest, RoundTrip) {
  const std::string token = EncodePageToken("charities/a", "cursor\x01with/bytes");
  auto cursor = DecodePageToken("charities/a", token);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(*cursor, "cursor\x01with/bytes");
}

TEST(PageTokenTest, EmptyTokenIsFirstPage) {
  auto cursor = DecodePageToken("x", "");
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(*cursor, "");
}

TEST(PageTokenTest, OtherScopeRefused) {
  const std::string token = EncodePageToken("charities/a", "c");
  auto cursor = DecodePageToken("charities/b", token);
  EXPECT_EQ(cursor.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(cursor.status().message().find("page_token"), std::string::npos);
}

TEST(PageTokenTest, GarbageRefused) {
  EXPECT_FALSE(DecodePageToken("s", "!!!not base64").ok());
  EXPECT_FALSE(DecodePageToken("s", "aGVsbG8").ok());
  EXPECT_FALSE(DecodePageToken("s", std::string(5000, 'a')).ok());
}

TEST(PageTokenTest, PageSize) {
  EXPECT_EQ(*ResolvePageSize(0), 50);
  EXPECT_EQ(*ResolvePageSize(5), 5);
  EXPECT_EQ(*ResolvePageSize(100000), 1000);
  EXPECT_FALSE(ResolvePageSize(-1).ok());
}

}  // namespace
}  // namespace bridging
