// Implements OutboxPublisher: the lease, the publishing loop and its acknowledgement.
#include "libs/outbox/outbox_publisher.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/common/crypto.h"
#include "libs/common/log.h"
#include "libs/common/proto_time.h"
#include "libs/store/script.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace bridging::outbox {
namespace {

using analytics::v1::Event;

constexpr const char* kReasonNames[] = {"redis", "translate", "anonymizer", "analytics"};

// Renews the lease if this replica still holds it. KEYS: lease. ARGV: owner, ttl ms.
constexpr char kRenewLua[] = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
)lua";

// Gives the lease up if this replica holds it. KEYS: lease. ARGV: owner.
constexpr char kReleaseLua[] = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
)lua";

// Stores the cursor and trims what analytics acknowledged, only while this replica holds
// the lease (a replica that lost it must not move the cursor of the one that took over).
// KEYS: lease, cursor, stream. ARGV: owner, cursor id, lowest id to keep.
constexpr char kAcknowledgeLua[] = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('XTRIM', KEYS[3], 'MINID', ARGV[3])
return 1
)lua";

const store::Script& RenewScript() {
  static const auto* script = new store::Script(kRenewLua);
  return *script;
}
const store::Script& ReleaseScript() {
  static const auto* script = new store::Script(kReleaseLua);
  return *script;
}
const store::Script& AcknowledgeScript() {
  static const auto* script = new store::Script(kAcknowledgeLua);
  return *script;
}

// Raises the service's sequence counter to ARGV[1] if it is lower; returns the old value.
constexpr char kRaiseSequenceLua[] = R"lua(
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return current
)lua";

const store::Script& RaiseSequenceScript() {
  static const auto* script = new store::Script(kRaiseSequenceLua);
  return *script;
}

// Splits a stream id "<ms>-<n>".
bool ParseStreamId(const std::string& id, uint64_t* ms, uint64_t* n) {
  std::pair<std::string, std::string> parts = absl::StrSplit(id, absl::MaxSplits('-', 1));
  return absl::SimpleAtoi(parts.first, ms) && absl::SimpleAtoi(parts.second, n);
}

// The smallest stream id after `id`: XTRIM MINID keeps ids >= its argument.
std::string NextStreamId(const std::string& id) {
  uint64_t ms = 0, n = 0;
  if (!ParseStreamId(id, &ms, &n)) return id;
  if (n == UINT64_MAX) return absl::StrCat(ms + 1, "-0");
  return absl::StrCat(ms, "-", n + 1);
}

// Reads one XRANGE element: [id, [field, value, ...]].
absl::StatusOr<OutboxEntry> ParseEntry(const store::Reply& element) {
  if (!element.is_array() || element.elements.size() != 2 || !element.elements[1].is_array()) {
    return absl::DataLossError("outbox: malformed stream entry");
  }
  OutboxEntry entry;
  entry.id = element.elements[0].str;
  const auto& fields = element.elements[1].elements;
  bool has_sequence = false;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string& name = fields[i].str;
    const std::string& value = fields[i + 1].str;
    if (name == "seq") {
      has_sequence = absl::SimpleAtoi(value, &entry.sequence);
    } else if (name == "kind") {
      entry.kind = value;
    } else if (name == "subject") {
      entry.subject = value;
    } else if (name == "payload") {
      entry.payload = value;
    }
  }
  if (!has_sequence || entry.sequence <= 0) {
    return absl::DataLossError(absl::StrCat("outbox: entry ", entry.id, " has no sequence"));
  }
  return entry;
}

int64_t ParseCount(const store::Reply& reply) {
  if (reply.is_integer()) return reply.integer;
  int64_t value = 0;
  if (reply.is_string() && absl::SimpleAtoi(reply.str, &value)) return value;
  return 0;
}

}  // namespace

OutboxPublisherOptions OutboxPublisherOptions::ForService(const std::string& prefix) {
  OutboxPublisherOptions options;
  options.source = prefix;
  options.stream = absl::StrCat(prefix, ":outbox");
  options.sequence_key = absl::StrCat(prefix, ":sequence");
  options.cursor_key = absl::StrCat(prefix, ":outbox:cursor");
  options.lease_key = absl::StrCat(prefix, ":outbox:lease");
  return options;
}

OutboxPublisher::OutboxPublisher(OutboxPublisherOptions options, store::Store& store,
                                 const Translator& translator, const AnonymizerClient& anonymizer,
                                 const AnalyticsClient& analytics, prometheus::Registry& registry)
    : options_(std::move(options)),
      store_(store),
      translator_(translator),
      deidentifier_(anonymizer),
      analytics_(analytics),
      owner_(RandomId(24)) {
  const prometheus::Labels source = {{"source", options_.source}};
  events_published_ = &prometheus::BuildCounter()
                           .Name("bridging_outbox_events_published_total")
                           .Help("De-identified events analytics acknowledged, by outbox source.")
                           .Register(registry)
                           .Add(source);
  batches_ = &prometheus::BuildCounter()
                  .Name("bridging_outbox_batches_total")
                  .Help("IngestEvents calls analytics acknowledged, by outbox source.")
                  .Register(registry)
                  .Add(source);
  auto& failures = prometheus::BuildCounter()
                       .Name("bridging_outbox_failures_total")
                       .Help("Publishing rounds that failed and will be retried, by where.")
                       .Register(registry);
  for (int r = 0; r < kNumReasons; ++r) {
    failures_[r] = &failures.Add({{"source", options_.source}, {"reason", kReasonNames[r]}});
  }
  lag_entries_ = &prometheus::BuildGauge()
                      .Name("bridging_outbox_lag_entries")
                      .Help("Outbox entries not yet acknowledged by analytics.")
                      .Register(registry)
                      .Add(source);
  lag_sequence_ = &prometheus::BuildGauge()
                       .Name("bridging_outbox_lag_sequence")
                       .Help("The service's sequence minus the sequence analytics has applied.")
                       .Register(registry)
                       .Add(source);
  applied_gauge_ = &prometheus::BuildGauge()
                        .Name("bridging_outbox_applied_sequence")
                        .Help("The sequence analytics reports applied for the source.")
                        .Register(registry)
                        .Add(source);
  leader_gauge_ = &prometheus::BuildGauge()
                       .Name("bridging_outbox_leader")
                       .Help("1 while this replica holds the source's publishing lease.")
                       .Register(registry)
                       .Add(source);
  applied_gauge_->Set(-1);  // not known until analytics answers
}

OutboxPublisher::~OutboxPublisher() { Stop(); }

void OutboxPublisher::Start() {
  absl::MutexLock lock(&mu_);
  if (started_ || stopping_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void OutboxPublisher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

int64_t OutboxPublisher::applied_sequence() const {
  absl::MutexLock lock(&mu_);
  return applied_;
}

bool OutboxPublisher::leader() const {
  absl::MutexLock lock(&mu_);
  return leader_;
}

bool OutboxPublisher::WaitUntilApplied(int64_t sequence, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  if (applied_ >= sequence) return true;
  if (!started_ || stopping_) return false;
  ++waiters_;
  woken_ = true;
  struct Done {
    const OutboxPublisher* self;
    int64_t sequence;
    bool operator()() const ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return self->applied_ >= sequence || self->stopping_;
    }
  } done{this, sequence};
  mu_.AwaitWithTimeout(absl::Condition(&done), timeout);
  --waiters_;
  return applied_ >= sequence;
}

void OutboxPublisher::SetApplied(int64_t sequence) {
  absl::MutexLock lock(&mu_);
  if (sequence > applied_) applied_ = sequence;
  applied_gauge_->Set(static_cast<double>(applied_));
}

void OutboxPublisher::Sleep(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  struct Woken {
    const OutboxPublisher* self;
    bool operator()() const ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return self->woken_ || self->stopping_;
    }
  } woken{this};
  mu_.AwaitWithTimeout(absl::Condition(&woken), d);
  woken_ = false;
}

void OutboxPublisher::Run() {
  Log(LogLevel::kInfo, "outbox_publisher_started", {{"source", options_.source}});
  absl::Duration backoff = options_.initial_backoff;
  while (true) {
    int waiters = 0;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
      waiters = waiters_;
    }
    if (!HoldLease()) {
      // Another replica publishes; a withdrawal waiting here learns from analytics itself.
      if (waiters > 0) {
        absl::StatusOr<analytics::v1::AppliedSequence> applied =
            analytics_.GetAppliedSequence(options_.source);
        if (applied.ok()) SetApplied(applied->sequence());
      }
      Sleep(waiters > 0 ? absl::Milliseconds(100) : options_.lease_ttl / 3);
      continue;
    }
    Failure failure{kRedis, absl::OkStatus()};
    absl::StatusOr<Outcome> outcome = Round(&failure);
    if (!outcome.ok()) {
      failure.status = outcome.status();
      RecordFailure(failure);
      Sleep(backoff);
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    if (consecutive_failures_ > 0) {
      Log(LogLevel::kInfo, "outbox_publish_recovered",
          {{"source", options_.source}, {"failed_rounds", absl::StrCat(consecutive_failures_)}});
      consecutive_failures_ = 0;
      last_reason_ = kNumReasons;
    }
    backoff = options_.initial_backoff;
    if (*outcome == Outcome::kIdle) WaitForEntries();
  }
  ReleaseLease();
  Log(LogLevel::kInfo, "outbox_publisher_stopped", {{"source", options_.source}});
}

void OutboxPublisher::RecordFailure(const Failure& failure) {
  failures_[failure.reason]->Increment();
  ++consecutive_failures_;
  // One line when the failure starts or changes, then one per 30 failed rounds: a peer
  // that is down for an hour must not flood the log. Messages name fields, resources and
  // codes only (the convention of every service in the suite).
  if (failure.reason != last_reason_ || consecutive_failures_ % 30 == 1) {
    Log(LogLevel::kWarning, "outbox_publish_failed",
        {{"source", options_.source},
         {"reason", kReasonNames[failure.reason]},
         {"code", absl::StatusCodeToString(failure.status.code())},
         {"message", std::string(failure.status.message())},
         {"failed_rounds", absl::StrCat(consecutive_failures_)}});
  }
  last_reason_ = failure.reason;
}

bool OutboxPublisher::HoldLease() {
  bool leader = false;
  {
    absl::MutexLock lock(&mu_);
    leader = leader_;
  }
  const absl::Time now = absl::Now();
  if (leader && now - lease_renewed_ < options_.lease_ttl / 3) return true;
  const std::string ttl_ms = absl::StrCat(absl::ToInt64Milliseconds(options_.lease_ttl));
  if (leader) {
    absl::StatusOr<store::Reply> renewed =
        store_.RunScript(RenewScript(), {options_.lease_key}, {owner_, ttl_ms});
    // While Redis cannot be reached nobody else can take the lease from it either: carry on
    // (the round fails on Redis too) and renew once it answers.
    if (!renewed.ok()) return true;
    if (renewed->integer == 1) {
      lease_renewed_ = now;
      return true;
    }
    absl::MutexLock lock(&mu_);
    leader_ = false;
    leader_gauge_->Set(0);
    Log(LogLevel::kWarning, "outbox_lease_lost", {{"source", options_.source}});
    return false;
  }
  absl::StatusOr<store::Reply> taken =
      store_.Command({"SET", options_.lease_key, owner_, "NX", "PX", ttl_ms});
  if (!taken.ok() || !taken->is_ok()) return false;
  // Another replica may have moved the cursor while this one was idle.
  absl::StatusOr<store::Reply> cursor = store_.Command({"GET", options_.cursor_key});
  if (!cursor.ok()) {
    ReleaseLease();
    return false;
  }
  cursor_ = cursor->is_nil() ? "" : cursor->str;
  lease_renewed_ = now;
  {
    absl::MutexLock lock(&mu_);
    leader_ = true;
    leader_gauge_->Set(1);
  }
  Log(LogLevel::kInfo, "outbox_lease_acquired", {{"source", options_.source}});
  return true;
}

void OutboxPublisher::ReleaseLease() {
  (void)store_.RunScript(ReleaseScript(), {options_.lease_key}, {owner_});
  absl::MutexLock lock(&mu_);
  if (leader_) leader_gauge_->Set(0);
  leader_ = false;
}

void OutboxPublisher::WaitForEntries() {
  {
    absl::MutexLock lock(&mu_);
    if (woken_ || stopping_) {
      woken_ = false;
      return;
    }
  }
  // Returns as soon as an entry after the cursor exists (including one that arrived since
  // the round's read), else after idle_wait: then the round also looks at the sequence,
  // which can move without an outbox entry.
  const int64_t block_ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(options_.idle_wait));
  absl::StatusOr<store::Reply> ignored =
      store_.Command({"XREAD", "COUNT", "1", "BLOCK", absl::StrCat(block_ms), "STREAMS",
                      options_.stream, cursor_.empty() ? "0-0" : cursor_});
  if (!ignored.ok()) Sleep(options_.idle_wait);  // the next round reports the failure
}

absl::StatusOr<OutboxPublisher::Outcome> OutboxPublisher::Round(Failure* failure) {
  // 1. The entries after the cursor and the sequence, in one snapshot: when the read
  // reaches the end of the stream, every change up to that sequence is in it.
  failure->reason = kRedis;
  absl::StatusOr<std::vector<store::Reply>> replies = store_.Pipeline(
      {{"MULTI"},
       {"XRANGE", options_.stream, cursor_.empty() ? "-" : absl::StrCat("(", cursor_), "+", "COUNT",
        absl::StrCat(options_.batch_size)},
       {"GET", options_.sequence_key},
       {"XLEN", options_.stream},
       {"EXEC"}});
  if (!replies.ok()) return replies.status();
  const store::Reply& exec = replies->back();
  if (!exec.is_array() || exec.elements.size() != 3 || !exec.elements[0].is_array()) {
    return absl::UnavailableError("outbox: the store did not complete the read");
  }
  // A malformed entry is a translation failure: retried, never skipped.
  failure->reason = kTranslate;
  std::vector<OutboxEntry> entries;
  for (const store::Reply& element : exec.elements[0].elements) {
    absl::StatusOr<OutboxEntry> entry = ParseEntry(element);
    if (!entry.ok()) return entry.status();
    if (!entries.empty() && entry->sequence <= entries.back().sequence) {
      return absl::DataLossError(
          absl::StrCat("outbox: entry ", entry->id, " is out of sequence order"));
    }
    entries.push_back(*std::move(entry));
  }
  const int64_t sequence = exec.elements[1].is_nil() ? 0 : ParseCount(exec.elements[1]);
  const int64_t stream_length = ParseCount(exec.elements[2]);
  lag_entries_->Set(static_cast<double>(stream_length));

  const int64_t applied = applied_sequence();
  if (applied > sequence) {
    // Analytics has applied changes this store no longer counts: the store lost its last
    // writes (a crash inside the AOF fsync window, a restored backup). New changes must not
    // reuse those numbers, or analytics would skip them as duplicates.
    failure->reason = kRedis;
    absl::StatusOr<store::Reply> raised =
        store_.RunScript(RaiseSequenceScript(), {options_.sequence_key}, {absl::StrCat(applied)});
    if (!raised.ok()) return raised.status();
    Log(LogLevel::kError, "outbox_sequence_behind_analytics",
        {{"source", options_.source},
         {"store_sequence", absl::StrCat(sequence)},
         {"analytics_applied", absl::StrCat(applied)}});
    return Outcome::kIdle;
  }

  const bool reached_end = static_cast<int>(entries.size()) < options_.batch_size;
  int64_t through = entries.empty() ? 0 : entries.back().sequence;
  if (reached_end) through = std::max(through, sequence);
  if (entries.empty() && (through == 0 || through <= applied)) {
    lag_sequence_->Set(static_cast<double>(sequence - std::max<int64_t>(applied, 0)));
    return Outcome::kIdle;
  }

  // 2. Translate into identifiable drafts, then de-identify them all or not at all.
  std::vector<Event> events;
  for (const OutboxEntry& entry : entries) {
    absl::StatusOr<std::optional<Event>> draft = translator_.Translate(entry);
    if (!draft.ok()) {
      return absl::Status(draft.status().code(),
                          absl::StrCat("entry ", entry.id, " (sequence ", entry.sequence, ", ",
                                       entry.kind, "): ", draft.status().message()));
    }
    if (!draft->has_value()) continue;
    Event& event = events.emplace_back(**std::move(draft));
    event.set_source(options_.source);
    event.set_sequence(entry.sequence);
    if (!event.has_event_time()) {
      uint64_t ms = 0, n = 0;
      if (ParseStreamId(entry.id, &ms, &n)) {
        *event.mutable_event_time() = ToTimestamp(absl::FromUnixMillis(static_cast<int64_t>(ms)));
      }
    }
  }
  failure->reason = kAnonymizer;
  if (!events.empty()) {
    if (absl::Status s = deidentifier_.Apply(&events); !s.ok()) return s;
  }

  // 3. Ingest. The request id names the batch, so a retry of it reads the same in logs.
  failure->reason = kAnalytics;
  analytics::v1::IngestEventsRequest request;
  const size_t event_count = events.size();
  for (Event& event : events) *request.add_events() = std::move(event);
  auto* covered = request.add_through();
  covered->set_source(options_.source);
  covered->set_sequence(through);
  request.set_request_id(absl::StrCat("outbox:", options_.source, ":",
                                      entries.empty() ? through : entries.front().sequence, "-",
                                      through));
  absl::StatusOr<analytics::v1::IngestEventsResponse> response = analytics_.IngestEvents(request);
  if (!response.ok()) return response.status();
  int64_t now_applied = -1;
  for (const auto& a : response->applied()) {
    if (a.source() == options_.source) now_applied = std::max(now_applied, a.sequence());
  }
  if (now_applied < through) {
    return absl::UnavailableError(absl::StrCat("analytics: applied ", options_.source,
                                               " only up to ", now_applied, " of ", through));
  }
  SetApplied(now_applied);
  events_published_->Increment(static_cast<double>(event_count));
  batches_->Increment();
  lag_sequence_->Set(static_cast<double>(std::max<int64_t>(0, sequence - now_applied)));

  // 4. Acknowledge: store the cursor and trim what analytics has, under the lease.
  if (!entries.empty()) {
    failure->reason = kRedis;
    const std::string& last = entries.back().id;
    absl::StatusOr<store::Reply> acknowledged = store_.RunScript(
        AcknowledgeScript(), {options_.lease_key, options_.cursor_key, options_.stream},
        {owner_, last, NextStreamId(last)});
    if (!acknowledged.ok()) return acknowledged.status();
    if (acknowledged->integer != 1) {
      absl::MutexLock lock(&mu_);
      leader_ = false;
      leader_gauge_->Set(0);
      Log(LogLevel::kWarning, "outbox_lease_lost", {{"source", options_.source}});
      return Outcome::kSent;
    }
    cursor_ = last;
    lag_entries_->Set(static_cast<double>(
        std::max<int64_t>(0, stream_length - static_cast<int64_t>(entries.size()))));
  }
  return Outcome::kSent;
}

}  // namespace bridging::outbox
