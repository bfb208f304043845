// Unit tests of the key ring and pseudonyms: the contract's HMAC, per-domain separation,
// rotation (newest signs, old verify), and that key material never reaches a message.
#include "libs/privacy/pseudonymizer.h"

#include <atomic>
#include <fstream>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/crypto.h"

namespace bridging::privacy {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kKey1(32, 'a');
const std::string kKey2 = "0123456789abcdef0123456789abcdef-second";

std::string KeyFile() {
  return absl::StrCat("# rotated 2024-06\n", "k1:", absl::Base64Escape(kKey1), "\n\n",
                      "k2:", absl::Base64Escape(kKey2), "\n");
}

TEST(PseudonymizerTest, IsHmacSha256OfDomainZeroIdentifierUnderTheNewestKey) {
  auto ring = KeyRing::Parse(KeyFile());
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->newest_version(), "k2");
  Pseudonymizer p(std::move(*ring));
  auto x = p.Pseudonymize("participant", "charities/c1/participants/p1");
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->key_version, "k2");
  EXPECT_EQ(x->value,
            HmacSha256Hex(kKey2, std::string("participant\0charities/c1/participants/p1", 40)));
  EXPECT_EQ(x->value.size(), 64u);
  EXPECT_EQ(x->ToString(), "k2." + x->value);
}

TEST(PseudonymizerTest, StablePerDomainAndUnlinkableAcrossDomains) {
  Pseudonymizer p(*KeyRing::Parse(KeyFile()));
  const auto a = p.Pseudonymize("participant", "x").value();
  EXPECT_EQ(a.value, p.Pseudonymize("participant", "x").value().value);
  EXPECT_NE(a.value, p.Pseudonymize("practice", "x").value().value);
  EXPECT_NE(a.value, p.Pseudonymize("participant", "y").value().value);
  // The 0x00 separator: ("ab", "c") and ("a", "bc") differ.
  EXPECT_NE(p.Pseudonymize("ab", "c").value().value, p.Pseudonymize("a", "bc").value().value);
}

TEST(PseudonymizerTest, OldKeyVersionsStillVerifyAfterRotation) {
  Pseudonymizer before(*KeyRing::Parse(absl::StrCat("k1:", absl::Base64Escape(kKey1))));
  const Pseudonym old = before.Pseudonymize("participant", "p1").value();
  EXPECT_EQ(old.key_version, "k1");

  Pseudonymizer after(*KeyRing::Parse(KeyFile()));
  EXPECT_EQ(after.Pseudonymize("participant", "p1")->key_version, "k2");
  EXPECT_TRUE(*after.Verify("participant", "p1", old));
  EXPECT_FALSE(*after.Verify("participant", "p2", old));
  EXPECT_EQ(after.PseudonymizeWithVersion("participant", "p1", "k1")->value, old.value);
  auto parsed = Pseudonym::Parse(old.ToString());
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(*after.Verify("participant", "p1", *parsed));
  EXPECT_EQ(after.Verify("participant", "p1", Pseudonym{"k9", old.value}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(PseudonymizerTest, ValidatesDomainAndIdentifier) {
  Pseudonymizer p(*KeyRing::Parse(KeyFile()));
  for (const std::string& domain :
       std::vector<std::string>{"", "Participant", "9x", "a-b", std::string(33, 'a')}) {
    auto r = p.Pseudonymize(domain, "x");
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << domain;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("domain"));
  }
  EXPECT_TRUE(p.Pseudonymize(std::string(32, 'a'), "x").ok());
  EXPECT_THAT(std::string(p.Pseudonymize("d", "").status().message()), HasSubstr("identifier"));
  EXPECT_FALSE(p.Pseudonymize("d", std::string(257, 'x')).ok());
  EXPECT_TRUE(p.Pseudonymize("d", std::string(256, 'x')).ok());
}

TEST(PseudonymizerTest, BadKeyFilesAreRefusedWithoutShowingTheKey) {
  const std::string short_key = absl::Base64Escape("secret-but-short");
  const std::vector<std::string> bad = {
      "",
      "# only a comment\n",
      "k1 " + absl::Base64Escape(kKey1),
      "v1:" + absl::Base64Escape(kKey1),
      "k0:" + absl::Base64Escape(kKey1),
      "k1:" + short_key,
      "k1:not base64 at all!!",
      absl::StrCat("k1:", absl::Base64Escape(kKey1), "\nk1:", absl::Base64Escape(kKey2)),
  };
  for (const std::string& contents : bad) {
    auto ring = KeyRing::Parse(contents);
    ASSERT_FALSE(ring.ok()) << contents;
    EXPECT_EQ(ring.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string message(ring.status().message());
    EXPECT_THAT(message, Not(HasSubstr(short_key)));
    EXPECT_THAT(message, Not(HasSubstr(absl::Base64Escape(kKey1))));
    EXPECT_THAT(message, Not(HasSubstr("secret")));
  }
  EXPECT_THAT(std::string(KeyRing::Parse("k1:" + short_key).status().message()),
              HasSubstr("line 1"));
}

TEST(PseudonymizerTest, IsSafeToShareBetweenThreads) {
  const Pseudonymizer p(*KeyRing::Parse(KeyFile()));
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string id = absl::StrCat("p", t, "-", i);
        if (p.Pseudonymize("participant", id)->value !=
            HmacSha256Hex(kKey2, absl::StrCat("participant", std::string(1, '\0'), id))) {
          ++wrong;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(PseudonymizerTest, LoadsAKeyFile) {
  const std::string path = ::testing::TempDir() + "/pseudonym.keys";
  std::ofstream(path) << KeyFile();
  auto ring = KeyRing::LoadFile(path);
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->versions(), (std::vector<std::string>{"k1", "k2"}));
  EXPECT_EQ(KeyRing::LoadFile(path + ".missing").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace bridging::privacy
