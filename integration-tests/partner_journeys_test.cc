// Each partner's daily work, done the way a partner does it: with bridgectl, through the
// gateway only, against the whole suite running as processes. Also: the Grafana dashboard
// asks only for metrics the running suite exports.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <regex>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration-tests/local_suite.h"
#include "libs/testing/child_process.h"
#include "libs/testing/probes.h"

namespace bridging {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct CliResult {
  int code = -1;
  std::string output;  // stdout and stderr
};

class PartnerJourneysTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::LocalSuiteOptions options;
    // Small numbers published, so a test can see one person leave a count.
    options.flags["analytics"] = {"--disclosure_threshold=2", "--rounding_base=1"};
    auto suite = testing::LocalSuite::Start(options);
    ASSERT_TRUE(suite.ok()) << suite.status();
    suite_ = suite->release();
    WriteFile("admin.key", suite_->admin_key());
    // The operator registers each partner and gives it a key, with bridgectl.
    for (const auto& [org, role] :
         std::vector<std::pair<std::string, std::string>>{{"charities/sunflower", "charity"},
                                                          {"practices/riverside", "practice"},
                                                          {"researchers/team-a", "researcher"},
                                                          {"researchers/team-b", "researcher"}}) {
      ASSERT_EQ(Cli("admin", {"orgs", "create", org, "--display-name", org}).code, 0);
      CliResult key = Cli("admin", {"keys", "create", org, "--role", role, "--display-name", "test",
                                    "--expires", "1d", "--json"});
      ASSERT_EQ(key.code, 0) << key.output;
      std::smatch secret;
      ASSERT_TRUE(std::regex_search(key.output, secret, std::regex("\"secret\": \"(\\w+)\"")));
      WriteFile(KeyName(org), secret[1]);
    }
  }
  static void TearDownTestSuite() {
    delete suite_;
    suite_ = nullptr;
  }
  void TearDown() override {
    if (HasFailure()) suite_->DumpLogs();
  }

  static std::string KeyName(const std::string& org) {
    return absl::StrReplaceAll(org, {{"/", "-"}}) + ".key";
  }
  static std::string Path(const std::string& name) { return suite_->dir() + "/" + name; }
  static void WriteFile(const std::string& name, const std::string& text) {
    std::ofstream(Path(name)) << text;
  }
  // Runs bridgectl with the key of `who` ("admin", or an organisation).
  static CliResult Cli(const std::string& who, std::vector<std::string> args) {
    std::vector<std::string> argv = {BRIDGECTL_BINARY, "--gateway", suite_->address("gateway"),
                                     "--key-file",
                                     Path(who == "admin" ? "admin.key" : KeyName(who))};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string output = Path("cli.out");
    auto child = testing::ChildProcess::Start(argv, {}, output);
    CliResult result;
    if (!child.ok()) return result;
    result.code = child->WaitForExit(absl::Seconds(60)).value_or(-1);
    result.output = testing::ReadFile(output);
    std::remove(output.c_str());
    return result;
  }
  // The value of `column` in the CSV line whose first field is `key`.
  static std::string CsvValue(const std::string& csv, const std::string& key, int column) {
    for (absl::string_view line : absl::StrSplit(csv, '\n')) {
      std::vector<std::string> fields = absl::StrSplit(line, ',');
      if (!fields.empty() && fields[0] == key && static_cast<int>(fields.size()) > column) {
        return fields[column];
      }
    }
    return "";
  }
  static std::string JsonField(const std::string& json, const std::string& field) {
    std::smatch match;
    if (!std::regex_search(json, match, std::regex("\"" + field + "\": \"([^\"]*)\""))) return "";
    return match[1];
  }

  static testing::LocalSuite* suite_;
};

testing::LocalSuite* PartnerJourneysTest::suite_ = nullptr;

TEST_F(PartnerJourneysTest, OperatorManagesOrganisationsAndKeys) {
  EXPECT_EQ(Cli("admin", {"orgs", "create", "practices/newtown", "--display-name", "Newtown"}).code,
            0);
  CliResult again = Cli("admin", {"orgs", "create", "practices/newtown", "--display-name", "N"});
  EXPECT_EQ(again.code, 7) << again.output;  // already exists
  CliResult bad = Cli("admin", {"orgs", "create", "clinics/x", "--display-name", "X"});
  EXPECT_EQ(bad.code, 3) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("organization.name"));

  CliResult key = Cli("admin", {"keys", "create", "practices/newtown", "--role", "practice",
                                "--display-name", "reception PC", "--json"});
  ASSERT_EQ(key.code, 0) << key.output;
  const std::string secret = JsonField(key.output, "secret");
  const std::string key_name = JsonField(key.output, "name");
  ASSERT_FALSE(secret.empty());
  WriteFile(KeyName("practices/newtown"), secret);
  CliResult who = Cli("practices/newtown", {"whoami"});
  EXPECT_EQ(who.code, 0);
  EXPECT_THAT(who.output, HasSubstr("practices/newtown"));
  CliResult keys = Cli("admin", {"keys", "list", "practices/newtown", "--csv"});
  EXPECT_THAT(keys.output, HasSubstr(key_name));
  EXPECT_THAT(keys.output, HasSubstr("reception PC"));
  EXPECT_THAT(keys.output, Not(HasSubstr(secret)));  // never shown again

  EXPECT_EQ(Cli("admin", {"keys", "revoke", key_name}).code, 0);
  CliResult revoked = Cli("practices/newtown", {"whoami"});
  EXPECT_EQ(revoked.code, 4) << revoked.output;
  EXPECT_THAT(revoked.output, HasSubstr("API key"));
  CliResult audit = Cli("admin", {"audit", "list", "-", "--writes", "--csv"});
  EXPECT_EQ(audit.code, 0);
  EXPECT_THAT(audit.output, HasSubstr("RevokeApiKey"));
}

TEST_F(PartnerJourneysTest, CharityImportsRecordsAndWithdraws) {
  WriteFile("people.csv",
            "reference,alias,consents,method,recorded_by,review_date\n"
            "SF-101,Robin,group-participation;research-use,written,support worker,+90d\n"
            "SF-102,,group-participation,verbal,peer mentor,\n"
            "\"SF-103\",\"Wren, W\",research-use;quotation,digital,support worker,2027-01-31\n");
  CliResult first = Cli("charities/sunflower", {"import", "participants", Path("people.csv")});
  ASSERT_EQ(first.code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("3 rows: 3 created, 0 already present, 0 failed"));
  CliResult second = Cli("charities/sunflower", {"import", "participants", Path("people.csv")});
  EXPECT_THAT(second.output, HasSubstr("3 rows: 0 created, 3 already present, 0 failed"));

  // A file with mistakes changes nothing and names each bad row.
  WriteFile("bad.csv",
            "reference,consents,method,recorded_by\n"
            "SF-201,research-use,written,support worker\n"
            "SF-202,marketing,written,support worker\n"
            ",research-use,written,support worker\n"
            "SF-201,contact,carrier-pigeon,support worker\n");
  CliResult bad = Cli("charities/sunflower", {"import", "participants", Path("bad.csv")});
  EXPECT_EQ(bad.code, 3) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("row 3: consents"));
  EXPECT_THAT(bad.output, HasSubstr("row 4: reference"));
  EXPECT_THAT(bad.output, HasSubstr("row 5: reference: \"SF-201\" is also on row 2"));
  CliResult listed = Cli("charities/sunflower", {"participants", "list", "--csv"});
  EXPECT_THAT(listed.output, Not(HasSubstr("SF-201")));  // not even the good row
  EXPECT_THAT(listed.output, HasSubstr("\"Wren, W\""));

  CliResult status = Cli("charities/sunflower", {"consent", "status", "SF-101", "--csv"});
  EXPECT_THAT(status.output, HasSubstr("research-use,given,written"));
  ASSERT_EQ(Cli("charities/sunflower",
                {"contributions", "submit", "SF-101", "--source", "interview", "--theme",
                 "safety,peer-support", "--text", "Being believed the first time matters."})
                .code,
            0);
  CliResult receipt = Cli("charities/sunflower", {"consent", "withdraw", "SF-101", "--purpose",
                                                  "research-use", "--by", "support worker"});
  ASSERT_EQ(receipt.code, 0) << receipt.output;
  EXPECT_THAT(receipt.output, HasSubstr("Withdrawal recorded"));
  EXPECT_THAT(receipt.output, HasSubstr("research-use"));
  EXPECT_THAT(receipt.output, HasSubstr("digest"));
  CliResult history = Cli("charities/sunflower", {"consent", "history", "SF-101", "--csv"});
  EXPECT_THAT(history.output, HasSubstr("consent-withdrawn"));
  EXPECT_EQ(Cli("charities/sunflower", {"consent", "verify", "SF-101"}).code, 0);
  EXPECT_THAT(Cli("charities/sunflower", {"report", "SF-101"}).output, HasSubstr("withdrawals"));
  CliResult unknown = Cli("charities/sunflower", {"consent", "status", "SF-999"});
  EXPECT_EQ(unknown.code, 6) << unknown.output;
}

TEST_F(PartnerJourneysTest, PracticeKeepsItsPlanAndConflictsAreExplained) {
  CliResult plan =
      Cli("practices/riverside", {"plans", "create", "--title", "Trauma-informed care", "--json"});
  ASSERT_EQ(plan.code, 0) << plan.output;
  const std::string plan_name = JsonField(plan.output, "name");
  WriteFile(
      "actions.csv",
      "title,principle,area,status,owner_role,due_date,co_produced\n"
      "Offer a longer first appointment,empowerment-voice-choice,appointments,planned,"
      "practice manager,+30d,yes\n"
      "A quiet waiting space,safety,reception-environment,in-progress,reception lead,-3d,no\n");
  CliResult imported =
      Cli("practices/riverside", {"import", "actions", plan_name, Path("actions.csv")});
  ASSERT_EQ(imported.code, 0) << imported.output;
  EXPECT_THAT(imported.output, HasSubstr("2 created"));
  EXPECT_THAT(
      Cli("practices/riverside", {"import", "actions", plan_name, Path("actions.csv")}).output,
      HasSubstr("0 created, 2 already present"));

  CliResult list = Cli("practices/riverside", {"actions", "list", plan_name, "--csv"});
  std::smatch found;
  ASSERT_TRUE(std::regex_search(
      list.output, found, std::regex("\n([^,]+/actions/[^,]+),Offer a longer first appointment")))
      << list.output;
  const std::string action = found[1];
  CliResult done = Cli("practices/riverside", {"actions", "update", action, "--status", "done",
                                               "--by", "practice manager"});
  ASSERT_EQ(done.code, 0) << done.output;
  EXPECT_THAT(done.output, HasSubstr("done"));
  // Someone else's change in between: the stale version is refused, not overwritten.
  CliResult stale = Cli("practices/riverside", {"actions", "update", action, "--title", "Mine",
                                                "--etag", "an-old-version", "--by", "manager"});
  EXPECT_EQ(stale.code, 7) << stale.output;
  EXPECT_THAT(stale.output, HasSubstr("changed by someone else"));
  EXPECT_THAT(stale.output, HasSubstr("look at it again and retry"));
  EXPECT_EQ(Cli("practices/riverside",
                {"actions", "note", action, "--text", "Launched.", "--by", "practice manager"})
                .code,
            0);
  CliResult history = Cli("practices/riverside", {"actions", "history", action, "--csv"});
  EXPECT_THAT(history.output, HasSubstr("status-changed"));
  EXPECT_THAT(history.output, HasSubstr("note-added"));
  CliResult summary = Cli("practices/riverside", {"plans", "summary", plan_name});
  EXPECT_THAT(summary.output, HasSubstr("total_actions        2"));
  CliResult overdue =
      Cli("practices/riverside", {"actions", "list", plan_name, "--overdue", "--csv"});
  EXPECT_THAT(overdue.output, HasSubstr("A quiet waiting space"));
  EXPECT_THAT(overdue.output, Not(HasSubstr("longer first appointment")));

  // Shared with the charity, which may then read it.
  EXPECT_EQ(Cli("charities/sunflower", {"plans", "get", plan_name}).code, 5);
  ASSERT_EQ(
      Cli("practices/riverside", {"plans", "share", plan_name, "--with", "charities/sunflower"})
          .code,
      0);
  EXPECT_EQ(Cli("charities/sunflower", {"plans", "get", plan_name}).code, 0);
}

TEST_F(PartnerJourneysTest, EachPartnerSeesOnlyItsOwn) {
  CliResult practice = Cli("practices/riverside", {"participants", "list", "charities/sunflower"});
  EXPECT_EQ(practice.code, 5) << practice.output;
  CliResult researcher = Cli("researchers/team-a", {"participants", "list", "charities/sunflower"});
  EXPECT_EQ(researcher.code, 5) << researcher.output;
  CliResult other_team = Cli("researchers/team-a", {"query", "budget", "researchers/team-b"});
  EXPECT_EQ(other_team.code, 5) << other_team.output;
  WriteFile("wrong.key", "not-a-key-at-all-0000000000000000000000");
  std::vector<std::string> argv = {BRIDGECTL_BINARY, "--gateway",       suite_->address("gateway"),
                                   "--key-file",     Path("wrong.key"), "whoami"};
  auto child = testing::ChildProcess::Start(argv, {}, Path("wrong.out"));
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->WaitForExit(absl::Seconds(30)).value_or(-1), 4);
}

TEST_F(PartnerJourneysTest, AWithdrawalLeavesTheResearchersCount) {
  WriteFile("cohort.csv",
            "reference,consents,method,recorded_by\n"
            "W-1,research-use,written,support worker\nW-2,research-use,written,support worker\n"
            "W-3,research-use,written,support worker\nW-4,research-use,written,support worker\n");
  ASSERT_EQ(Cli("charities/sunflower", {"import", "participants", Path("cohort.csv")}).code, 0);
  for (const char* reference : {"W-1", "W-2", "W-3", "W-4"}) {
    ASSERT_EQ(Cli("charities/sunflower",
                  {"contributions", "submit", reference, "--source", "feedback", "--theme",
                   "cultural-historical-gender", "--text", "Texts instead of letters helped."})
                  .code,
              0);
  }
  const std::vector<std::string> query = {"query",      "run",   "--dataset", "contributions",
                                          "--group-by", "theme", "--csv"};
  auto count = [&](const std::string& team) {
    // Analytics answers once it has every consent change (exit 8 until then).
    CliResult answer;
    for (int i = 0; i < 100; ++i) {
      answer = Cli(team, query);
      if (answer.code == 0 && CsvValue(answer.output, "cultural-historical-gender", 2) == "4")
        break;
      if (answer.code == 0 && team == "researchers/team-b") break;
      absl::SleepFor(absl::Milliseconds(200));
    }
    EXPECT_EQ(answer.code, 0) << answer.output;
    return CsvValue(answer.output, "cultural-historical-gender", 2);
  };
  ASSERT_EQ(count("researchers/team-a"), "4");
  CliResult receipt =
      Cli("charities/sunflower", {"consent", "withdraw", "W-3", "--purpose", "research-use", "--by",
                                  "support worker", "--json"});
  ASSERT_EQ(receipt.code, 0) << receipt.output;
  // A team asking after the receipt never counts her. (Team A's own second answer would be
  // held back by the differencing guard: it would single her out against its first.)
  EXPECT_EQ(count("researchers/team-b"), "3");
}

// Every metric the Grafana dashboard plots is one the running suite exports.
TEST_F(PartnerJourneysTest, DashboardAsksOnlyForExportedMetrics) {
  // One call of each kind, so request-time metrics exist.
  ASSERT_EQ(Cli("charities/sunflower", {"participants", "list"}).code, 0);
  std::set<std::string> exported;
  for (const char* service : {"consent", "actions", "anonymizer", "analytics", "gateway"}) {
    auto text = testing::HttpGet(suite_->metrics_port(service), "/metrics");
    ASSERT_TRUE(text.ok()) << service << ": " << text.status();
    for (absl::string_view line : absl::StrSplit(*text, '\n')) {
      if (absl::StartsWith(line, "# TYPE ")) {
        std::vector<std::string> parts = absl::StrSplit(line, ' ');
        exported.insert(parts[2]);
      }
    }
  }
  std::ifstream in(DASHBOARD_JSON);
  ASSERT_TRUE(in) << DASHBOARD_JSON;
  const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  google::protobuf::Struct dashboard;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &dashboard).ok());
  // Every "expr" anywhere in the dashboard, and the metric names in it.
  std::vector<std::string> exprs;
  std::function<void(const google::protobuf::Value&)> walk = [&](const google::protobuf::Value& v) {
    if (v.has_struct_value()) {
      for (const auto& [key, field] : v.struct_value().fields()) {
        if ((key == "expr" || key == "query") && field.has_string_value())
          exprs.push_back(field.string_value());
        walk(field);
      }
    } else if (v.has_list_value()) {
      for (const auto& item : v.list_value().values()) walk(item);
    }
  };
  google::protobuf::Value root;
  *root.mutable_struct_value() = dashboard;
  walk(root);
  ASSERT_GT(exprs.size(), 10u);
  int checked = 0;
  const std::regex metric("bridging_[a-z_]+");
  for (const std::string& expr : exprs) {
    for (auto it = std::sregex_iterator(expr.begin(), expr.end(), metric);
         it != std::sregex_iterator(); ++it) {
      std::string name = it->str();
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        if (!exported.count(name) && absl::EndsWith(name, suffix)) {
          name = name.substr(0, name.size() - strlen(suffix));
        }
      }
      EXPECT_TRUE(exported.count(name)) << it->str() << " (in " << expr << ") is not exported";
      ++checked;
    }
  }
  EXPECT_GT(checked, 10);
}

}  // namespace
}  // namespace bridging
