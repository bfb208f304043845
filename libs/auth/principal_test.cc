// Tests principal signing: round trip, tampering, expiry, wrong secret, malformed input.
#include "libs/auth/principal.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/common/crypto.h"

namespace bridging::auth {
namespace {

const std::string kSecret(40, 's');

Principal Charity() { return {"charities/c1", common::v1::ROLE_CHARITY}; }

TEST(PrincipalTest, RoundTrip) {
  PrincipalCodec codec(kSecret);
  const auto now = absl::Now();
  const auto s = codec.Sign(Charity(), now + absl::Minutes(1));
  auto p = codec.Verify(s.value, s.signature, now);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->organization, "charities/c1");
  EXPECT_EQ(p->role, common::v1::ROLE_CHARITY);
}

TEST(PrincipalTest, TamperedValueRefused) {
  PrincipalCodec codec(kSecret);
  const auto now = absl::Now();
  auto s = codec.Sign(Charity(), now + absl::Minutes(1));
  std::string tampered = s.value;
  tampered.replace(tampered.find("c1"), 2, "c2");
  EXPECT_EQ(codec.Verify(tampered, s.signature, now).status().code(),
            absl::StatusCode::kUnauthenticated);
  std::string role_swap = s.value;
  role_swap.replace(role_swap.find("ROLE_CHARITY"), 12, "ROLE_SERVICE");
  EXPECT_EQ(codec.Verify(role_swap, s.signature, now).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(PrincipalTest, WrongSecretRefused) {
  PrincipalCodec codec(kSecret), other(std::string(40, 'x'));
  const auto now = absl::Now();
  const auto s = other.Sign(Charity(), now + absl::Minutes(1));
  EXPECT_EQ(codec.Verify(s.value, s.signature, now).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(PrincipalTest, ExpiredRefused) {
  PrincipalCodec codec(kSecret);
  const auto now = absl::Now();
  const auto s = codec.Sign(Charity(), now - absl::Seconds(1));
  EXPECT_EQ(codec.Verify(s.value, s.signature, now).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(PrincipalTest, MissingAndMalformedRefused) {
  PrincipalCodec codec(kSecret);
  const auto now = absl::Now();
  EXPECT_FALSE(codec.Verify("", "", now).ok());
  EXPECT_FALSE(codec.Verify("v1;org=charities/c1", "", now).ok());
  // Correctly signed but malformed values are still refused.
  for (const std::string bad : {"v1;org=charities/c1;role=ROLE_CHARITY",
                                "v1;org=charities/c1;role=ROLE_NOPE;exp=99999999999",
                                "v1;org=nobody;role=ROLE_CHARITY;exp=99999999999",
                                "v1;org=charities/c1;role=ROLE_UNSPECIFIED;exp=99999999999",
                                "v1;org=charities/c1;role=ROLE_CHARITY;exp=soon",
                                // Only the one form the gateway signs: plain digits.
                                "v1;org=charities/c1;role=ROLE_CHARITY;exp=+99999999999",
                                "v1;org=charities/c1;role=ROLE_CHARITY;exp= 99999999999",
                                "v1;org=charities/c1;role=ROLE_CHARITY;exp=99999999999 ",
                                "v1;org=charities/c1;role=ROLE_CHARITY;exp=",
                                "v1;org=charities/c1;role=2;exp=99999999999"}) {
    EXPECT_EQ(codec.Verify(bad, bridging::HmacSha256Hex(kSecret, bad), now).status().code(),
              absl::StatusCode::kUnauthenticated)
        << bad;
  }
}

}  // namespace
}  // namespace bridging::auth
