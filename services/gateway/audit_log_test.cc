// Tests the audit log against a real redis-server: appending and verifying the chain, tamper
// detection, two writers sharing one Redis, per-organisation listing, filters, paging, and
// failing closed while Redis is down.
#include "services/gateway/audit_log.h"

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/crypto.h"
#include "libs/common/page_token.h"
#include "libs/common/proto_time.h"
#include "libs/common/resource_name.h"
#include "libs/store/redis_store.h"
#include "libs/testing/redis_server.h"
#include "libs/testing/test_store.h"
#include "prometheus/metric_family.h"

namespace bridging::gateway {
namespace {

using ::testing::HasSubstr;

constexpr char kEvents[] = "gateway:audit:events";
constexpr char kHead[] = "gateway:audit:head";
constexpr char kGetPlan[] = "/bridging.actions.v1.ActionPlanService/GetPlan";
constexpr char kUpdatePlan[] = "/bridging.actions.v1.ActionPlanService/UpdatePlan";
const absl::Time kBase = absl::FromUnixSeconds(1700000000);

v1::AuditEvent Event(const std::string& caller, const std::string& resource,
                     const std::string& request_id, bool mutating = false, int64_t second = 0) {
  v1::AuditEvent event;
  event.set_caller_organization(caller);
  event.set_caller_role(common::v1::ROLE_CHARITY);
  event.set_method(mutating ? kUpdatePlan : kGetPlan);
  event.set_resource(resource);
  event.set_outcome_code(0);
  event.set_mutating(mutating);
  event.set_request_id(request_id);
  *event.mutable_event_time() = ToTimestamp(kBase + absl::Seconds(second));
  event.mutable_latency()->set_nanos(1500000);
  return event;
}

AuditLogOptions Options(size_t max_backlog, size_t max_batch) {
  AuditLogOptions options;
  options.max_backlog = max_backlog;
  options.max_batch = max_batch;
  return options;
}

// The value of an unlabelled counter or gauge; -1 if it is not registered.
double Metric(prometheus::Registry& registry, const std::string& name) {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != name || family.metric.empty()) continue;
    return family.type == prometheus::MetricType::Counter ? family.metric[0].counter.value
                                                          : family.metric[0].gauge.value;
  }
  return -1;
}

// Polls `condition` every 10 ms until it holds or `timeout` passes.
bool Eventually(const std::function<bool()>& condition, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

std::vector<std::string> RequestIds(const v1::ListAuditEventsResponse& response) {
  std::vector<std::string> ids;
  for (const v1::AuditEvent& event : response.events()) ids.push_back(event.request_id());
  return ids;
}

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    store_ = testing::ConnectTestStore(*redis_);
    registry_ = std::make_shared<prometheus::Registry>();
  }

  std::unique_ptr<AuditLog> NewLog(AuditLogOptions options = {}) {
    auto log = std::make_unique<AuditLog>(*store_, *registry_, options);
    log->Start();
    return log;
  }

  // Appends `n` events from a mix of callers and resource owners:
  //   i % 4 == 0: charities/hope on its own participant (one index entry)
  //   i % 4 == 1: practices/leeds-1 on a resource of charities/hope (two index entries)
  //   i % 4 == 2: researchers/r1 with no resource
  //   i % 4 == 3: unauthenticated, no resource (no index entry)
  void Populate(int n) {
    auto log = NewLog(Options(10000, 4));
    for (int i = 0; i < n; ++i) {
      switch (i % 4) {
        case 0:
          log->Record(Event("charities/hope", "charities/hope/participants/p1",
                            absl::StrCat("r", i), true, i));
          break;
        case 1:
          log->Record(Event("practices/leeds-1", "charities/hope/participants/p2",
                            absl::StrCat("r", i), false, i));
          break;
        case 2:
          log->Record(Event("researchers/r1", "", absl::StrCat("r", i), false, i));
          break;
        default:
          log->Record(Event("", "", absl::StrCat("r", i), false, i));
      }
    }
    ASSERT_TRUE(log->Flush(absl::Seconds(10)).ok());
  }

  std::vector<v1::AuditEvent> Stored() {
    std::vector<v1::AuditEvent> events;
    auto reply = store_->Command({"LRANGE", kEvents, "0", "-1"});
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return events;
    for (const store::Reply& element : reply->elements) {
      v1::AuditEvent event;
      EXPECT_TRUE(event.ParseFromString(element.str));
      events.push_back(std::move(event));
    }
    return events;
  }

  std::string Raw(int64_t index) {
    auto reply = store_->Command({"LINDEX", kEvents, absl::StrCat(index)});
    EXPECT_TRUE(reply.ok() && reply->is_string());
    return reply.ok() ? reply->str : "";
  }

  void Set(int64_t index, const std::string& bytes) {
    ASSERT_TRUE(store_->Command({"LSET", kEvents, absl::StrCat(index), bytes}).ok());
  }

  void Run(const std::vector<std::string>& command) {
    auto reply = store_->Command(command);
    ASSERT_TRUE(reply.ok()) << reply.status();
  }

  // Expects VerifyAuditChain to report DATA_LOSS at `sequence` with `what` in the message.
  void ExpectBrokenAt(int64_t sequence, const std::string& what = "") {
    auto report = VerifyAuditChain(*store_);
    ASSERT_FALSE(report.ok()) << "chain verified with " << report->events << " events";
    EXPECT_EQ(report.status().code(), absl::StatusCode::kDataLoss) << report.status();
    EXPECT_THAT(report.status().message(),
                HasSubstr(absl::StrCat("audit chain broken at sequence ", sequence, ":")));
    EXPECT_THAT(report.status().message(), HasSubstr(what));
  }

  absl::StatusOr<v1::ListAuditEventsResponse> List(AuditLog& log, const std::string& parent,
                                                   int page_size = 0,
                                                   const std::string& token = "") {
    v1::ListAuditEventsRequest request;
    request.set_parent(parent);
    request.set_page_size(page_size);
    request.set_page_token(token);
    return log.List(request);
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<store::RedisStore> store_;
  std::shared_ptr<prometheus::Registry> registry_;
};

TEST(AuditEventHashTest, IsSha256OfPreviousHashAndCanonicalFormWithoutHash) {
  v1::AuditEvent event = Event("charities/hope", "charities/hope/participants/p1", "r1");
  event.set_sequence(3);
  event.set_previous_hash(std::string(64, 'a'));
  v1::AuditEvent canonical = event;
  const std::string expected = Sha256Hex(event.previous_hash() + canonical.SerializeAsString());
  EXPECT_EQ(AuditEventHash(event), expected);

  // The hash field itself is not covered; everything else is.
  event.set_hash("anything");
  EXPECT_EQ(AuditEventHash(event), expected);
  v1::AuditEvent other = event;
  other.set_outcome_code(7);
  EXPECT_NE(AuditEventHash(other), expected);
  other = event;
  other.set_previous_hash(std::string(64, 'b'));
  EXPECT_NE(AuditEventHash(other), expected);
  other = event;
  other.set_sequence(4);
  EXPECT_NE(AuditEventHash(other), expected);
}

TEST_F(AuditLogTest, AppendsAChainThatVerifies) {
  auto log = NewLog();
  EXPECT_TRUE(log->CheckAccepting().ok());
  for (int i = 0; i < 5; ++i) {
    v1::AuditEvent event = Event("charities/hope", "", absl::StrCat("r", i));
    event.set_sequence(99);  // assigned by the log, whatever the caller says
    event.set_hash("forged");
    log->Record(event);
  }
  ASSERT_TRUE(log->Flush(absl::Seconds(10)).ok());

  std::vector<v1::AuditEvent> events = Stored();
  ASSERT_EQ(events.size(), 5u);
  std::string previous;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(events[i].sequence(), i);
    EXPECT_EQ(events[i].request_id(), absl::StrCat("r", i));
    EXPECT_EQ(events[i].previous_hash(), previous);
    EXPECT_EQ(events[i].hash(), AuditEventHash(events[i]));
    EXPECT_EQ(events[i].hash().size(), 64u);
    previous = events[i].hash();
  }
  auto head = store_->Command({"GET", kHead});
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->str, absl::StrCat("4 ", previous));

  auto report = VerifyAuditChain(*store_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->events, 5);
  EXPECT_EQ(report->head_hash, previous);

  EXPECT_EQ(Metric(*registry_, "bridging_audit_events_appended_total"), 5);
  EXPECT_EQ(Metric(*registry_, "bridging_audit_backlog"), 0);
  EXPECT_EQ(Metric(*registry_, "bridging_audit_append_failures_total"), 0);
}

TEST_F(AuditLogTest, EmptyLogVerifies) {
  auto report = VerifyAuditChain(*store_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->events, 0);
  EXPECT_EQ(report->head_hash, "");
}

TEST_F(AuditLogTest, SequencesAreContiguousAcrossBatchesAndRestarts) {
  {
    auto log = NewLog(Options(100, 3));
    for (int i = 0; i < 10; ++i) log->Record(Event("charities/hope", "", absl::StrCat("a", i)));
    ASSERT_TRUE(log->Flush(absl::Seconds(10)).ok());
  }
  {
    auto log = NewLog(Options(100, 3));
    for (int i = 0; i < 4; ++i) log->Record(Event("charities/hope", "", absl::StrCat("b", i)));
    ASSERT_TRUE(log->Flush(absl::Seconds(10)).ok());
  }
  std::vector<v1::AuditEvent> events = Stored();
  ASSERT_EQ(events.size(), 14u);
  for (int i = 0; i < 14; ++i) {
    EXPECT_EQ(events[i].sequence(), i);
    EXPECT_EQ(events[i].request_id(), i < 10 ? absl::StrCat("a", i) : absl::StrCat("b", i - 10));
  }
  EXPECT_EQ(events[10].previous_hash(), events[9].hash());
  auto report = VerifyAuditChain(*store_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->events, 14);
}

TEST_F(AuditLogTest, StopAppendsWhatIsQueued) {
  {
    auto log = NewLog(Options(1000, 2));
    for (int i = 0; i < 20; ++i) log->Record(Event("charities/hope", "", absl::StrCat("r", i)));
    log->Stop();
    log->Stop();  // idempotent
  }
  {
    // Never started: Stop still appends what was recorded.
    AuditLog log(*store_, *registry_);
    log.Record(Event("charities/hope", "", "late"));
  }
  std::vector<v1::AuditEvent> events = Stored();
  ASSERT_EQ(events.size(), 21u);
  EXPECT_EQ(events[20].request_id(), "late");
  auto report = VerifyAuditChain(*store_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->events, 21);
}

TEST_F(AuditLogTest, DetectsAnEditedEvent) {
  Populate(20);
  v1::AuditEvent event;
  ASSERT_TRUE(event.ParseFromString(Raw(7)));
  event.set_outcome_code(7);  // hash left as it was
  Set(7, event.SerializeAsString());
  ExpectBrokenAt(7, "hash mismatch");
}

TEST_F(AuditLogTest, DetectsAnEditedAndRehashedEvent) {
  Populate(20);
  v1::AuditEvent event;
  ASSERT_TRUE(event.ParseFromString(Raw(7)));
  event.set_outcome_code(7);
  event.set_hash(AuditEventHash(event));  // the forger recomputes this event's hash ...
  Set(7, event.SerializeAsString());
  ExpectBrokenAt(8, "previous_hash");  // ... but the next event still names the old one
}

TEST_F(AuditLogTest, DetectsACorruptedHash) {
  Populate(20);
  v1::AuditEvent event;
  ASSERT_TRUE(event.ParseFromString(Raw(12)));
  event.set_hash(std::string(64, '0'));
  Set(12, event.SerializeAsString());
  ExpectBrokenAt(12, "hash mismatch");
}

TEST_F(AuditLogTest, DetectsADeletedEvent) {
  Populate(20);
  Run({"LREM", kEvents, "1", Raw(5)});
  ExpectBrokenAt(5);
}

TEST_F(AuditLogTest, DetectsATruncatedLog) {
  Populate(20);
  Run({"LTRIM", kEvents, "0", "-2"});
  ExpectBrokenAt(19, "event missing");
}

TEST_F(AuditLogTest, DetectsSwappedEvents) {
  Populate(20);
  const std::string third = Raw(3);
  const std::string fourth = Raw(4);
  Set(3, fourth);
  Set(4, third);
  ExpectBrokenAt(3);
}

TEST_F(AuditLogTest, DetectsAnUnreadableEvent) {
  Populate(20);
  Set(2, "\xff\xff\xff not a proto");
  ExpectBrokenAt(2, "does not parse");
}

TEST_F(AuditLogTest, DetectsAChangedHead) {
  Populate(20);
  Run({"SET", kHead, absl::StrCat("19 ", std::string(64, 'f'))});
  ExpectBrokenAt(19, "head");
  Run({"SET", kHead, absl::StrCat("25 ", Stored()[19].hash())});
  ExpectBrokenAt(20, "head");
  Run({"SET", kHead, absl::StrCat("10 ", Stored()[10].hash())});
  ExpectBrokenAt(11, "head");
  Run({"DEL", kHead});
  ExpectBrokenAt(0, "head");
}

TEST_F(AuditLogTest, DetectsTamperedIndexes) {
  Populate(20);
  // Event 9 is practices/leeds-1 acting on a resource of charities/hope.
  Run({"LREM", "gateway:audit:org:charities/hope", "1", "9"});
  ExpectBrokenAt(9, "missing");
  Run({"DEL", "gateway:audit:org:charities/hope"});
  ExpectBrokenAt(0, "missing");
}

TEST_F(AuditLogTest, DetectsAForeignIndexEntry) {
  Populate(20);
  // Event 2 is researchers/r1's: not charities/hope's to see.
  Run({"LINSERT", "gateway:audit:org:charities/hope", "BEFORE", "4", "2"});
  ExpectBrokenAt(2, "not its own");
  Run({"LREM", "gateway:audit:org:charities/hope", "1", "2"});
  ASSERT_TRUE(VerifyAuditChain(*store_).ok());
  // Nor may it appear in an index that should not exist at all.
  Run({"RPUSH", "gateway:audit:org:operators/ops", "2"});
  ExpectBrokenAt(2, "not its own");
}

TEST_F(AuditLogTest, RefusesToAppendToABrokenLog) {
  Populate(8);
  Run({"LTRIM", kEvents, "0", "-2"});  // the head now names an event that is gone
  auto log = NewLog();
  log->Record(Event("charities/hope", "", "after"));
  EXPECT_TRUE(
      Eventually([&] { return Metric(*registry_, "bridging_audit_append_failures_total") >= 1; },
                 absl::Seconds(10)));
  EXPECT_EQ(Stored().size(), 7u);
  EXPECT_EQ(Metric(*registry_, "bridging_audit_backlog"), 1);
}

TEST_F(AuditLogTest, TwoWritersShareOneChain) {
  auto second_store = testing::ConnectTestStore(*redis_);
  auto second_registry = std::make_shared<prometheus::Registry>();
  AuditLog a(*store_, *registry_, Options(10000, 5));
  AuditLog b(*second_store, *second_registry, Options(10000, 5));
  constexpr int kEach = 150;
  // Both start with full queues, so their batches race for the head.
  for (int i = 0; i < kEach; ++i) {
    a.Record(Event("charities/hope", "", absl::StrCat("a", i)));
    b.Record(Event("practices/leeds-1", "", absl::StrCat("b", i)));
  }
  a.Start();
  b.Start();
  std::thread more([&] {
    for (int i = kEach; i < 2 * kEach; ++i)
      a.Record(Event("charities/hope", "", absl::StrCat("a", i)));
  });
  for (int i = kEach; i < 2 * kEach; ++i) {
    b.Record(Event("practices/leeds-1", "", absl::StrCat("b", i)));
  }
  more.join();
  ASSERT_TRUE(a.Flush(absl::Seconds(30)).ok());
  ASSERT_TRUE(b.Flush(absl::Seconds(30)).ok());

  auto report = VerifyAuditChain(*store_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->events, 4 * kEach);
  // Every event once, and each writer's events in the order they were recorded.
  int next_a = 0, next_b = 0;
  for (const v1::AuditEvent& event : Stored()) {
    if (event.request_id()[0] == 'a') {
      EXPECT_EQ(event.request_id(), absl::StrCat("a", next_a++));
    } else {
      EXPECT_EQ(event.request_id(), absl::StrCat("b", next_b++));
    }
  }
  EXPECT_EQ(next_a, 2 * kEach);
  EXPECT_EQ(next_b, 2 * kEach);
  EXPECT_EQ(Metric(*registry_, "bridging_audit_events_appended_total") +
                Metric(*second_registry, "bridging_audit_events_appended_total"),
            4 * kEach);
}

TEST_F(AuditLogTest, ListsAnOrganisationsEventsOnly) {
  auto log = NewLog();
  log->Record(Event("charities/hope", "charities/hope/participants/p1", "hope-own"));
  log->Record(Event("practices/leeds-1", "charities/hope/participants/p2", "leeds-on-hope"));
  log->Record(Event("researchers/r1", "", "researcher"));
  log->Record(Event("charities/other", "charities/other/participants/p3", "other"));
  log->Record(Event("charities/hope", "practices/leeds-1/plans/x", "hope-on-leeds"));
  log->Record(Event("", "", "anonymous"));
  ASSERT_TRUE(log->Flush(absl::Seconds(10)).ok());

  auto hope = List(*log, "charities/hope");
  ASSERT_TRUE(hope.ok()) << hope.status();
  EXPECT_THAT(RequestIds(*hope),
              ::testing::ElementsAre("hope-own", "leeds-on-hope", "hope-on-leeds"));
  EXPECT_EQ(hope->next_page_token(), "");
  for (const v1::AuditEvent& event : hope->events()) {
    EXPECT_EQ(event.hash(), AuditEventHash(event));
  }

  auto leeds = List(*log, "practices/leeds-1");
  ASSERT_TRUE(leeds.ok()) << leeds.status();
  EXPECT_THAT(RequestIds(*leeds), ::testing::ElementsAre("leeds-on-hope", "hope-on-leeds"));

  auto nobody = List(*log, "practices/empty-1");
  ASSERT_TRUE(nobody.ok()) << nobody.status();
  EXPECT_EQ(nobody->events_size(), 0);
  EXPECT_EQ(nobody->next_page_token(), "");

  auto all = List(*log, "-");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(RequestIds(*all), ::testing::ElementsAre("hope-own", "leeds-on-hope", "researcher",
                                                       "other", "hope-on-leeds", "anonymous"));

  // An index entry forged to point at another organisation's event is never shown.
  Run({"RPUSH", "gateway:audit:org:charities/hope", "3"});
  hope = List(*log, "charities/hope");
  ASSERT_TRUE(hope.ok()) << hope.status();
  EXPECT_THAT(RequestIds(*hope),
              ::testing::ElementsAre("hope-own", "leeds-on-hope", "hope-on-leeds"));
}

TEST_F(AuditLogTest, RejectsBadParents) {
  auto log = NewLog();
  for (const char* parent : {"", "charities", "charities/", "charities/hope/participants/p1",
                             "planets/earth", "charities/Hope", "*"}) {
    auto response = List(*log, parent);
    EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument) << parent;
    EXPECT_THAT(response.status().message(), HasSubstr("parent")) << parent;
  }
}

TEST_F(AuditLogTest, FiltersByMethodMutationAndTime) {
  auto log = NewLog();
  for (int i = 0; i < 10; ++i) {
    log->Record(Event("charities/hope", "", absl::StrCat("r", i), /*mutating=*/i % 3 == 0, i));
  }
  ASSERT_TRUE(log->Flush(absl::Seconds(10)).ok());

  v1::ListAuditEventsRequest request;
  request.set_parent("charities/hope");
  request.set_mutating_only(true);
  auto mutating = log->List(request);
  ASSERT_TRUE(mutating.ok()) << mutating.status();
  EXPECT_THAT(RequestIds(*mutating), ::testing::ElementsAre("r0", "r3", "r6", "r9"));

  request.set_mutating_only(false);
  request.set_method(kGetPlan);
  auto reads = log->List(request);
  ASSERT_TRUE(reads.ok()) << reads.status();
  EXPECT_THAT(RequestIds(*reads), ::testing::ElementsAre("r1", "r2", "r4", "r5", "r7", "r8"));

  request.set_method("");
  request.set_parent("-");
  *request.mutable_start_time() = ToTimestamp(kBase + absl::Seconds(3));
  *request.mutable_end_time() = ToTimestamp(kBase + absl::Seconds(7));
  auto window = log->List(request);
  ASSERT_TRUE(window.ok()) << window.status();
  EXPECT_THAT(RequestIds(*window), ::testing::ElementsAre("r3", "r4", "r5", "r6"));

  request.clear_end_time();
  request.set_mutating_only(true);
  auto since = log->List(request);
  ASSERT_TRUE(since.ok()) << since.status();
  EXPECT_THAT(RequestIds(*since), ::testing::ElementsAre("r3", "r6", "r9"));

  *request.mutable_end_time() = request.start_time();
  auto empty_range = log->List(request);
  EXPECT_EQ(empty_range.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(empty_range.status().message(), HasSubstr("end_time"));
}

TEST_F(AuditLogTest, PagesWithTokens) {
  auto log = NewLog();
  for (int i = 0; i < 25; ++i) log->Record(Event("charities/hope", "", absl::StrCat("r", i)));
  ASSERT_TRUE(log->Flush(absl::Seconds(10)).ok());

  for (const char* parent : {"charities/hope", "-"}) {
    std::vector<std::string> seen;
    std::vector<int> sizes;
    std::string token;
    do {
      auto page = List(*log, parent, 10, token);
      ASSERT_TRUE(page.ok()) << page.status();
      sizes.push_back(page->events_size());
      for (const std::string& id : RequestIds(*page)) seen.push_back(id);
      token = page->next_page_token();
    } while (!token.empty() && sizes.size() < 10);
    EXPECT_THAT(sizes, ::testing::ElementsAre(10, 10, 5)) << parent;
    ASSERT_EQ(seen.size(), 25u);
    for (int i = 0; i < 25; ++i) EXPECT_EQ(seen[i], absl::StrCat("r", i));
  }

  auto first = List(*log, "charities/hope", 10);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_page_token().empty());
  // A token only works for the list and filters it was issued for.
  auto other_parent = List(*log, "-", 10, first->next_page_token());
  EXPECT_EQ(other_parent.status().code(), absl::StatusCode::kInvalidArgument);
  v1::ListAuditEventsRequest filtered;
  filtered.set_parent("charities/hope");
  filtered.set_method(kGetPlan);
  filtered.set_page_token(first->next_page_token());
  EXPECT_EQ(log->List(filtered).status().code(), absl::StatusCode::kInvalidArgument);
  auto garbage = List(*log, "charities/hope", 10, "not-a-token");
  EXPECT_EQ(garbage.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(garbage.status().message(), HasSubstr("page_token"));
  // The page size may change between pages.
  auto rest = List(*log, "charities/hope", 100, first->next_page_token());
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(rest->events_size(), 15);
  EXPECT_EQ(rest->events(0).request_id(), "r10");
}

TEST_F(AuditLogTest, PageSizeDefaultsAndBounds) {
  auto log = NewLog(Options(5000, 256));
  for (int i = 0; i < 1005; ++i) log->Record(Event("charities/hope", "", absl::StrCat("r", i)));
  ASSERT_TRUE(log->Flush(absl::Seconds(30)).ok());

  auto negative = List(*log, "-", -1);
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(negative.status().message(), HasSubstr("page_size"));

  auto by_default = List(*log, "charities/hope", 0);
  ASSERT_TRUE(by_default.ok()) << by_default.status();
  EXPECT_EQ(by_default->events_size(), 50);
  EXPECT_FALSE(by_default->next_page_token().empty());

  auto clamped = List(*log, "charities/hope", 5000);
  ASSERT_TRUE(clamped.ok()) << clamped.status();
  EXPECT_EQ(clamped->events_size(), 1000);
  auto rest = List(*log, "charities/hope", 5000, clamped->next_page_token());
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(rest->events_size(), 5);
  EXPECT_EQ(rest->events(4).request_id(), "r1004");
  EXPECT_EQ(rest->next_page_token(), "");
}

TEST_F(AuditLogTest, BoundsTheScanOfASelectiveFilter) {
  auto log = NewLog(Options(1000, 256));
  for (int i = 0; i < 300; ++i) log->Record(Event("charities/hope", "", absl::StrCat("r", i)));
  log->Record(Event("charities/hope", "", "needle", /*mutating=*/true));
  ASSERT_TRUE(log->Flush(absl::Seconds(10)).ok());

  for (const char* parent : {"-", "charities/hope"}) {
    v1::ListAuditEventsRequest request;
    request.set_parent(parent);
    request.set_mutating_only(true);
    request.set_page_size(5);  // so at most 50 entries are scanned per call
    int calls = 0;
    std::vector<std::string> found;
    do {
      auto page = log->List(request);
      ASSERT_TRUE(page.ok()) << page.status();
      ++calls;
      if (calls == 1) {
        EXPECT_EQ(page->events_size(), 0) << parent;
        EXPECT_FALSE(page->next_page_token().empty()) << parent;
      }
      for (const std::string& id : RequestIds(*page)) found.push_back(id);
      request.set_page_token(page->next_page_token());
    } while (!request.page_token().empty() && calls < 100);
    EXPECT_THAT(found, ::testing::ElementsAre("needle")) << parent;
    EXPECT_EQ(calls, 7) << parent;  // 301 entries, 50 per call
  }
}

TEST_F(AuditLogTest, FailsClosedWhileRedisIsDownAndRecovers) {
  auto log = NewLog(Options(5, 2));
  log->Record(Event("charities/hope", "", "before"));
  ASSERT_TRUE(log->Flush(absl::Seconds(10)).ok());

  ASSERT_TRUE(redis_->Kill().ok());
  for (int i = 0; i < 5; ++i) log->Record(Event("charities/hope", "", absl::StrCat("down", i)));
  EXPECT_TRUE(log->CheckAccepting().ok()) << "a backlog of max_backlog is still accepted";
  log->Record(Event("charities/hope", "", "down5"));
  absl::Status refused = log->CheckAccepting();
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable) << refused;
  EXPECT_EQ(Metric(*registry_, "bridging_audit_backlog"), 6);
  EXPECT_TRUE(
      Eventually([&] { return Metric(*registry_, "bridging_audit_append_failures_total") >= 1; },
                 absl::Seconds(10)));
  EXPECT_EQ(log->Flush(absl::Milliseconds(100)).code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(List(*log, "charities/hope").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(VerifyAuditChain(*store_).status().code(), absl::StatusCode::kUnavailable);

  ASSERT_TRUE(redis_->Restart().ok());  // same port; the AOF brings back the first event
  ASSERT_TRUE(log->Flush(absl::Seconds(20)).ok());
  EXPECT_TRUE(log->CheckAccepting().ok());
  EXPECT_EQ(Metric(*registry_, "bridging_audit_backlog"), 0);
  auto report = VerifyAuditChain(*store_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->events, 7);
  std::vector<v1::AuditEvent> events = Stored();
  ASSERT_EQ(events.size(), 7u);
  EXPECT_EQ(events[0].request_id(), "before");
  for (int i = 0; i < 6; ++i) EXPECT_EQ(events[i + 1].request_id(), absl::StrCat("down", i));
  auto listed = List(*log, "charities/hope");
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->events_size(), 7);
}

}  // namespace
}  // namespace bridging::gateway
