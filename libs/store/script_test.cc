// Tests that Script computes the SHA-1 Redis uses to name a script.
#include "libs/store/script.h"

#include "gtest/gtest.h"

namespace bridging::store {
namespace {

TEST(ScriptTest, Sha1OfKnownVectors) {
  // FIPS 180 test vectors.
  EXPECT_EQ(Script("").sha1(), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Script("abc").sha1(), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(ScriptTest, KeepsSourceAndHashesAllOfIt) {
  Script a("return 1");
  Script b("return 1 ");
  EXPECT_EQ(a.source(), "return 1");
  EXPECT_EQ(a.sha1().size(), 40u);
  EXPECT_NE(a.sha1(), b.sha1());
  EXPECT_EQ(a.sha1(), Script("return 1").sha1());
}

}  // namespace
}  // namespace bridging::store
