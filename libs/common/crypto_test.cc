// Tests SHA-256, HMAC and random ids against known vectors.
#include "libs/common/crypto.h"

#include <set>

#include "gtest/gtest.h"

namespace bridging {
namespace {

TEST(CryptoTest, Sha256KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, HmacRfc4231Case2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(CryptoTest, RandomIdsAreWellFormedAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = RandomId(12);
    ASSERT_EQ(id.size(), 12u);
    for (char c : id) ASSERT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(CryptoTest, IsPseudonymAcceptsExactlyTheShapeOfAnHmacHex) {
  EXPECT_TRUE(IsPseudonym(HmacSha256Hex("key", "charities/c1/participants/p1")));
  EXPECT_FALSE(IsPseudonym(""));
  EXPECT_FALSE(IsPseudonym(std::string(63, 'a')));
  EXPECT_FALSE(IsPseudonym(std::string(64, 'A')));  // uppercase
  EXPECT_FALSE(IsPseudonym(std::string(64, 'g')));
  EXPECT_FALSE(IsPseudonym("charities/sunflower/participants/p1"));
}

}  // namespace
}  // namespace bridging
