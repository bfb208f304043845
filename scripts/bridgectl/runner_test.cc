// Tests of bridgectl's command line: usage errors, help, exit codes. Calls that reach a
// gateway are tested against the running suite in integration-tests/bridgectl_test.cc.
#include "scripts/bridgectl/runner.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/redis_server.h"
#include "scripts/bridgectl/command.h"

namespace bridging::bridgectl {
namespace {

using ::testing::HasSubstr;

struct Result {
  int code;
  std::string out;
  std::string err;
};

Result RunWith(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  std::ostringstream out, err;
  const int code = Run(args, out, err, false, [&](const char* name) {
    auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
  });
  return {code, out.str(), err.str()};
}

TEST(RunnerTest, HelpListsEveryCommand) {
  Result help = RunWith({"help"});
  EXPECT_EQ(help.code, 0);
  for (const Command& command : Commands()) {
    EXPECT_THAT(help.out,
                HasSubstr(command.group + (command.verb.empty() ? "" : " " + command.verb)));
  }
  EXPECT_THAT(help.out, HasSubstr("Exit codes"));
  EXPECT_EQ(RunWith({}).code, kExitUsage);
}

TEST(RunnerTest, EveryCommandHasHelp) {
  for (const Command& command : Commands()) {
    std::vector<std::string> args = {command.group};
    if (!command.verb.empty()) args.push_back(command.verb);
    args.push_back("--help");
    Result help = RunWith(args);
    EXPECT_EQ(help.code, 0) << command.group << " " << command.verb;
    EXPECT_THAT(help.out, HasSubstr(command.summary));
    for (const Option& option : command.options)
      EXPECT_THAT(help.out, HasSubstr("--" + option.name));
  }
}

TEST(RunnerTest, CommandLineMistakesExitWithUsage) {
  const std::map<std::string, std::string> key = {{"BRIDGING_API_KEY", "k"}};
  struct Case {
    std::vector<std::string> args;
    std::string says;
  } cases[] = {
      {{"participants", "explode"}, "no command"},
      {{"nonsense"}, "no command"},
      {{"consent", "withdraw", "SF-1", "--by", "worker"}, "--purpose is required"},
      {{"consent", "withdraw", "--purpose", "research-use", "--by", "w"},
       "PARTICIPANT is required"},
      {{"participants", "get", "a", "b"}, "unexpected \"b\""},
      {{"orgs", "list", "--colour", "red"}, "unknown option --colour"},
      {{"orgs", "create", "practices/x", "--display-name", "A", "--display-name", "B"},
       "given twice"},
      {{"orgs", "create", "practices/x", "--display-name"}, "needs a value"},
      {{"orgs", "list", "--output", "xml"}, "--output"},
      {{"orgs", "list", "--limit", "0"}, "--limit"},
      {{"orgs", "list", "--timeout", "forever"}, "--timeout"},
  };
  for (const Case& c : cases) {
    Result result = RunWith(c.args, key);
    EXPECT_EQ(result.code, kExitUsage) << c.args[0];
    EXPECT_THAT(result.err, HasSubstr(c.says)) << c.args[0];
  }
}

TEST(RunnerTest, NoKeyIsAUsageErrorBeforeAnyCall) {
  Result result = RunWith({"whoami"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_THAT(result.err, HasSubstr("no API key"));
  Result missing = RunWith({"whoami", "--key-file", "/nonexistent/key"});
  EXPECT_EQ(missing.code, kExitUsage);
  EXPECT_THAT(missing.err, HasSubstr("cannot read"));
  Result no_ca =
      RunWith({"whoami", "--ca-file", "/nonexistent/ca.crt"}, {{"BRIDGING_API_KEY", "k"}});
  EXPECT_EQ(no_ca.code, kExitUsage);
  EXPECT_THAT(no_ca.err, HasSubstr("--ca-file: cannot read"));
}

TEST(RunnerTest, UnreachableGatewayIsExitEightWithAHint) {
  // A port nothing listens on: reserved, then closed.
  const int port = bridging::testing::PickFreeLoopbackPort();
  Result result =
      RunWith({"whoami", "--gateway", "127.0.0.1:" + std::to_string(port), "--timeout", "2"},
              {{"BRIDGING_API_KEY", "k"}});
  EXPECT_EQ(result.code, kExitUnavailable) << result.err;
  EXPECT_THAT(result.err, HasSubstr("is the suite running?"));
}

TEST(RunnerTest, StatusCodesMapToDocumentedExitCodes) {
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), 0);
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("")), 3);
  EXPECT_EQ(ExitCodeFor(absl::FailedPreconditionError("")), 3);
  EXPECT_EQ(ExitCodeFor(absl::UnauthenticatedError("")), 4);
  EXPECT_EQ(ExitCodeFor(absl::PermissionDeniedError("")), 5);
  EXPECT_EQ(ExitCodeFor(absl::NotFoundError("")), 6);
  EXPECT_EQ(ExitCodeFor(absl::AbortedError("")), 7);
  EXPECT_EQ(ExitCodeFor(absl::AlreadyExistsError("")), 7);
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("")), 8);
  EXPECT_EQ(ExitCodeFor(absl::ResourceExhaustedError("")), 8);
  EXPECT_EQ(ExitCodeFor(absl::DataLossError("")), 9);
  EXPECT_EQ(ExitCodeFor(absl::InternalError("")), 1);
}

}  // namespace
}  // namespace bridging::bridgectl
