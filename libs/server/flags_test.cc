// Tests that environment variables override flag defaults and the command line wins.
#include "libs/server/flags.h"

#include <cstdlib>

#include "absl/flags/flag.h"
#include "gtest/gtest.h"

ABSL_FLAG(int, test_port, 1, "A flag for this test");

namespace bridging::server {
namespace {

TEST(FlagsTest, EnvName) { EXPECT_EQ(EnvNameForFlag("redis_addr"), "BRIDGING_REDIS_ADDR"); }

TEST(FlagsTest, EnvOverridesDefaultAndCommandLineWins) {
  setenv("BRIDGING_TEST_PORT", "123", 1);
  char prog[] = "prog";
  char* argv1[] = {prog};
  ParseFlagsWithEnv(1, argv1);
  EXPECT_EQ(absl::GetFlag(FLAGS_test_port), 123);
  char arg[] = "--test_port=7";
  char* argv2[] = {prog, arg};
  ParseFlagsWithEnv(2, argv2);
  EXPECT_EQ(absl::GetFlag(FLAGS_test_port), 7);
  unsetenv("BRIDGING_TEST_PORT");
}

}  // namespace
}  // namespace bridging::server
