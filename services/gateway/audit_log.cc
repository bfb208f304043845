// Implements the audit log: the background appender (one compare-and-set Lua script per
// batch), per-organisation listing with bounded scans, and end-to-end chain verification.
#include "services/gateway/audit_log.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "libs/common/crypto.h"
#include "libs/common/errors.h"
#include "libs/common/log.h"
#include "libs/common/page_token.h"
#include "libs/common/proto_time.h"
#include "libs/common/resource_name.h"
#include "libs/common/status_macros.h"
#include "libs/store/script.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "services/gateway/org_roles.h"

namespace bridging::gateway {
namespace {

constexpr char kEventsKey[] = "gateway:audit:events";
constexpr char kHeadKey[] = "gateway:audit:head";
constexpr char kOrgKeyPrefix[] = "gateway:audit:org:";

constexpr absl::Duration kMinBackoff = absl::Milliseconds(50);
constexpr absl::Duration kMaxBackoff = absl::Seconds(1);
// How long Stop() keeps appending what is queued.
constexpr absl::Duration kStopGrace = absl::Seconds(5);
// Lost compare-and-set races in a row before a batch counts as failed (and backs off).
constexpr int kMaxRaces = 32;
// Entries read per LRANGE while verifying.
constexpr int64_t kVerifyChunk = 1000;
// List() scans at most this many entries per requested page entry.
constexpr int64_t kScanFactor = 10;

// KEYS: [1] events list, [2] head, [3..] organisation index lists.
// ARGV: [1] the head the caller read ("" = absent), [2] the new head, [3] the length the
// events list must have (= the first new sequence), [4] number of events, then per event:
// serialized event, sequence, number of index keys, their KEYS positions.
// Returns {'OK', ''}, {'CONFLICT', current head} or {'BROKEN', events list length}.
constexpr char kAppendLua[] = R"lua(
local head = redis.call('GET', KEYS[2]) or ''
if head ~= ARGV[1] then return {'CONFLICT', head} end
local len = redis.call('LLEN', KEYS[1])
if len ~= tonumber(ARGV[3]) then return {'BROKEN', tostring(len)} end
local pos = 5
for i = 1, tonumber(ARGV[4]) do
  redis.call('RPUSH', KEYS[1], ARGV[pos])
  local seq, m = ARGV[pos + 1], tonumber(ARGV[pos + 2])
  for j = 1, m do redis.call('RPUSH', KEYS[tonumber(ARGV[pos + 2 + j])], seq) end
  pos = pos + 3 + m
end
redis.call('SET', KEYS[2], ARGV[2])
return {'OK', ''}
)lua";

// KEYS: [1] head, [2] events list. Returns {head or '', events list length}, atomically (the
// append script writes both in one step, so they always agree in a consistent store).
constexpr char kSnapshotLua[] = R"lua(
return {redis.call('GET', KEYS[1]) or '', redis.call('LLEN', KEYS[2])}
)lua";

const store::Script& AppendScript() {
  static const store::Script* script = new store::Script(kAppendLua);
  return *script;
}

const store::Script& SnapshotScript() {
  static const store::Script* script = new store::Script(kSnapshotLua);
  return *script;
}

std::string OrgKey(absl::string_view organization) {
  return absl::StrCat(kOrgKeyPrefix, organization);
}

// The organisations whose index lists an event: its caller's and its resource's owner, once
// each, in that order.
std::vector<std::string> IndexOrganizations(const v1::AuditEvent& event) {
  std::vector<std::string> orgs;
  if (!event.caller_organization().empty()) orgs.push_back(event.caller_organization());
  std::string owner = OwnerOf(event.resource());
  if (!owner.empty() && owner != event.caller_organization()) orgs.push_back(std::move(owner));
  return orgs;
}

bool BelongsTo(const v1::AuditEvent& event, absl::string_view organization) {
  return event.caller_organization() == organization || OwnerOf(event.resource()) == organization;
}

std::string DeterministicBytes(const v1::AuditEvent& event) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    event.SerializeToCodedStream(&coded);
  }  // the CodedOutputStream trims `out` when destroyed
  return out;
}

// Parses "<sequence> <hash>" ("" = empty log) into the next sequence and the last hash.
bool ParseHead(absl::string_view head, int64_t* next_sequence, std::string* hash) {
  if (head.empty()) {
    *next_sequence = 0;
    hash->clear();
    return true;
  }
  const size_t space = head.find(' ');
  int64_t last = 0;
  if (space == absl::string_view::npos || !absl::SimpleAtoi(head.substr(0, space), &last) ||
      last < 0 || space + 1 == head.size()) {
    return false;
  }
  *next_sequence = last + 1;
  *hash = std::string(head.substr(space + 1));
  return true;
}

// Failures a retry may cure (the store is down, busy or raced); not a broken chain.
bool IsTransient(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kAborted:
      return true;
    default:
      return false;
  }
}

absl::Status Broken(int64_t sequence, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("audit chain broken at sequence ", sequence, ": ", what));
}

absl::Status UnexpectedReply(absl::string_view what) {
  return absl::InternalError(absl::StrCat("audit log: unexpected store reply to ", what));
}

// LRANGE key start stop, as strings.
absl::StatusOr<std::vector<std::string>> Range(store::Store& store, const std::string& key,
                                               int64_t start, int64_t stop) {
  ASSIGN_OR_RETURN(store::Reply reply,
                   store.Command({"LRANGE", key, absl::StrCat(start), absl::StrCat(stop)}));
  if (!reply.is_array()) return UnexpectedReply("LRANGE");
  std::vector<std::string> out;
  out.reserve(reply.elements.size());
  for (store::Reply& element : reply.elements) out.push_back(std::move(element.str));
  return out;
}

absl::StatusOr<int64_t> Length(store::Store& store, const std::string& key) {
  ASSIGN_OR_RETURN(store::Reply reply, store.Command({"LLEN", key}));
  if (!reply.is_integer()) return UnexpectedReply("LLEN");
  return reply.integer;
}

// The scope a page token is bound to: the parent and every filter.
std::string ListScope(const v1::ListAuditEventsRequest& request) {
  auto time = [](bool set, const google::protobuf::Timestamp& ts) {
    return set ? absl::StrCat(ts.seconds(), ".", ts.nanos()) : std::string("-");
  };
  return absl::StrCat("audit-events|", request.parent(), "|",
                      time(request.has_start_time(), request.start_time()), "|",
                      time(request.has_end_time(), request.end_time()), "|", request.method(), "|",
                      request.mutating_only() ? "m" : "a");
}

bool MatchesFilters(const v1::ListAuditEventsRequest& request, const v1::AuditEvent& event) {
  if (!request.method().empty() && event.method() != request.method()) return false;
  if (request.mutating_only() && !event.mutating()) return false;
  if (request.has_start_time() || request.has_end_time()) {
    if (!event.has_event_time()) return false;
    const absl::Time t = FromTimestamp(event.event_time());
    if (request.has_start_time() && t < FromTimestamp(request.start_time())) return false;
    if (request.has_end_time() && t >= FromTimestamp(request.end_time())) return false;
  }
  return true;
}

}  // namespace

std::string AuditEventHash(const v1::AuditEvent& event) {
  v1::AuditEvent canonical = event;
  canonical.clear_hash();
  return Sha256Hex(absl::StrCat(event.previous_hash(), DeterministicBytes(canonical)));
}

AuditLog::AuditLog(store::Store& store, prometheus::Registry& registry, AuditLogOptions options)
    : store_(store), options_(options) {
  appended_total_ = &prometheus::BuildCounter()
                         .Name("bridging_audit_events_appended_total")
                         .Help("Audit events appended to the hash chain in the store.")
                         .Register(registry)
                         .Add({});
  backlog_gauge_ = &prometheus::BuildGauge()
                        .Name("bridging_audit_backlog")
                        .Help("Audit events recorded but not yet appended to the store.")
                        .Register(registry)
                        .Add({});
  append_failures_ = &prometheus::BuildCounter()
                          .Name("bridging_audit_append_failures_total")
                          .Help("Failed attempts to append a batch of audit events (retried).")
                          .Register(registry)
                          .Add({});
}

AuditLog::~AuditLog() { Stop(); }

void AuditLog::Start() {
  absl::MutexLock life(&lifecycle_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (started_ || stopping_) return;
    started_ = true;
  }
  thread_ = std::thread([this] { Run(); });
}

void AuditLog::Stop() {
  absl::MutexLock life(&lifecycle_mu_);
  bool drain_here = false;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
    stop_deadline_ = absl::Now() + kStopGrace;
    // Never started: append what was recorded from this thread instead.
    drain_here = !started_ && !queue_.empty();
    work_.SignalAll();
    stop_cv_.SignalAll();
  }
  if (thread_.joinable()) {
    thread_.join();
  } else if (drain_here) {
    Run();
  }
  absl::MutexLock lock(&mu_);
  if (!queue_.empty()) {
    Log(LogLevel::kError, "audit_events_not_appended", {{"count", absl::StrCat(queue_.size())}});
  }
}

absl::Status AuditLog::CheckAccepting() const {
  absl::MutexLock lock(&mu_);
  if (queue_.size() > options_.max_backlog) {
    return absl::UnavailableError(
        absl::StrCat("the audit log cannot keep up (", queue_.size(),
                     " events not yet appended); calls are refused until it can"));
  }
  return absl::OkStatus();
}

void AuditLog::Record(v1::AuditEvent event) {
  event.clear_sequence();
  event.clear_previous_hash();
  event.clear_hash();
  absl::MutexLock lock(&mu_);
  queue_.push_back(std::move(event));
  ++recorded_;
  UpdateBacklogLocked();
  work_.Signal();
}

absl::Status AuditLog::Flush(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&mu_);
  const int64_t target = recorded_;
  while (appended_ < target) {
    if (progress_.WaitWithDeadline(&mu_, deadline) && appended_ < target) {
      return absl::DeadlineExceededError(absl::StrCat("audit log: ", target - appended_,
                                                      " events still not appended after ",
                                                      absl::FormatDuration(timeout)));
    }
  }
  return absl::OkStatus();
}

void AuditLog::UpdateBacklogLocked() { backlog_gauge_->Set(static_cast<double>(queue_.size())); }

void AuditLog::Run() {
  absl::Duration backoff = kMinBackoff;
  bool failing = false;
  const size_t max_batch = std::max<size_t>(1, options_.max_batch);
  while (true) {
    std::vector<v1::AuditEvent> batch;
    {
      absl::MutexLock lock(&mu_);
      while (queue_.empty() && !stopping_) work_.Wait(&mu_);
      if (queue_.empty()) return;
      if (stopping_ && absl::Now() >= stop_deadline_) return;
      const size_t n = std::min(queue_.size(), max_batch);
      batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    const absl::Status status = AppendBatch(batch);
    if (status.ok()) {
      absl::MutexLock lock(&mu_);
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(batch.size()));
      appended_ += static_cast<int64_t>(batch.size());
      appended_total_->Increment(static_cast<double>(batch.size()));
      UpdateBacklogLocked();
      progress_.SignalAll();
      if (failing) {
        Log(LogLevel::kInfo, "audit_append_recovered",
            {{"next_sequence", absl::StrCat(next_sequence_)},
             {"backlog", absl::StrCat(queue_.size())}});
      }
      failing = false;
      backoff = kMinBackoff;
      continue;
    }

    append_failures_->Increment();
    head_known_ = false;  // re-read it: the store may have changed (or lost data)
    failing = true;
    Log(status.code() == absl::StatusCode::kDataLoss ? LogLevel::kError : LogLevel::kWarning,
        "audit_append_failed",
        {{"code", absl::StatusCodeToString(status.code())},
         {"reason", std::string(status.message())},
         {"batch", absl::StrCat(batch.size())},
         {"retry_in", absl::FormatDuration(backoff)}});
    {
      absl::MutexLock lock(&mu_);
      // While stopping, only a store that may come back soon is worth waiting for.
      if (stopping_ && !IsTransient(status)) return;
      absl::Time wake = absl::Now() + backoff;
      if (stopping_) wake = std::min(wake, stop_deadline_);
      const bool was_stopping = stopping_;
      while (stopping_ == was_stopping && absl::Now() < wake) {
        if (stop_cv_.WaitWithDeadline(&mu_, wake)) break;
      }
    }
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

absl::Status AuditLog::AppendBatch(std::vector<v1::AuditEvent>& batch) {
  if (!head_known_) {
    ASSIGN_OR_RETURN(store::Reply reply, store_.Command({"GET", kHeadKey}));
    std::string head = reply.is_nil() ? "" : reply.str;
    if (!ParseHead(head, &next_sequence_, &head_hash_)) {
      return absl::DataLossError("audit log: the head in the store is malformed");
    }
    head_value_ = std::move(head);
    head_known_ = true;
  }
  for (int race = 0; race < kMaxRaces; ++race) {
    std::vector<std::string> keys = {kEventsKey, kHeadKey};
    std::map<std::string, int> key_index;
    std::vector<std::string> args = {head_value_, "", absl::StrCat(next_sequence_),
                                     absl::StrCat(batch.size())};
    int64_t sequence = next_sequence_;
    std::string previous = head_hash_;
    for (v1::AuditEvent& event : batch) {
      event.set_sequence(sequence);
      event.set_previous_hash(previous);
      event.set_hash(AuditEventHash(event));
      previous = event.hash();
      const std::vector<std::string> orgs = IndexOrganizations(event);
      args.push_back(DeterministicBytes(event));
      args.push_back(absl::StrCat(sequence));
      args.push_back(absl::StrCat(orgs.size()));
      for (const std::string& org : orgs) {
        std::string key = OrgKey(org);
        auto [it, inserted] = key_index.emplace(key, static_cast<int>(keys.size()) + 1);
        if (inserted) keys.push_back(std::move(key));
        args.push_back(absl::StrCat(it->second));
      }
      ++sequence;
    }
    const std::string new_head = absl::StrCat(sequence - 1, " ", previous);
    args[1] = new_head;

    ASSIGN_OR_RETURN(store::Reply reply, store_.RunScript(AppendScript(), keys, args));
    if (!reply.is_array() || reply.elements.size() != 2) return UnexpectedReply("append");
    const std::string& outcome = reply.elements[0].str;
    if (outcome == "OK") {
      head_value_ = new_head;
      next_sequence_ = sequence;
      head_hash_ = std::move(previous);
      return absl::OkStatus();
    }
    if (outcome == "CONFLICT") {
      // Another writer (a second gateway) appended first: continue its chain.
      std::string head = reply.elements[1].str;
      if (!ParseHead(head, &next_sequence_, &head_hash_)) {
        head_known_ = false;
        return absl::DataLossError("audit log: the head in the store is malformed");
      }
      head_value_ = std::move(head);
      continue;
    }
    if (outcome == "BROKEN") {
      head_known_ = false;
      return absl::DataLossError(absl::StrCat(
          "audit log: the head names sequence ", next_sequence_ - 1, " but the events list holds ",
          reply.elements[1].str, " events; refusing to append (run the chain verification)"));
    }
    return UnexpectedReply("append");
  }
  head_known_ = false;
  return absl::AbortedError("audit log: lost the append race too many times in a row");
}

absl::StatusOr<v1::ListAuditEventsResponse> AuditLog::List(
    const v1::ListAuditEventsRequest& request) const {
  const std::string& parent = request.parent();
  if (parent.empty()) return InvalidField("parent", "is required");
  const bool all = parent == "-";
  if (!all && RoleOfOrganization(parent) == common::v1::ROLE_UNSPECIFIED) {
    return InvalidField("parent", "must be an organisation such as practices/leeds-1, or -");
  }
  ASSIGN_OR_RETURN(const int page_size, ResolvePageSize(request.page_size()));
  if (request.has_start_time() && request.has_end_time() &&
      FromTimestamp(request.end_time()) <= FromTimestamp(request.start_time())) {
    return InvalidField("end_time", "must be after start_time");
  }
  ASSIGN_OR_RETURN(const std::string cursor,
                   DecodePageToken(ListScope(request), request.page_token()));
  int64_t position = 0;
  if (!cursor.empty() && (!absl::SimpleAtoi(cursor, &position) || position < 0)) {
    return InvalidField("page_token", "is not a token this service issued");
  }

  const std::string list_key = all ? std::string(kEventsKey) : OrgKey(parent);
  ASSIGN_OR_RETURN(const int64_t length, Length(store_, list_key));
  // Tokens are opaque, not signed: a forged position past the end just yields an empty page.
  const int64_t limit =
      position >= length ? length : std::min(length, position + kScanFactor * page_size);
  v1::ListAuditEventsResponse response;
  while (position < limit && response.events_size() < page_size) {
    const int64_t stop = std::min(limit, position + page_size) - 1;
    ASSIGN_OR_RETURN(std::vector<std::string> entries, Range(store_, list_key, position, stop));
    if (entries.empty()) break;
    std::vector<int64_t> sequences;
    if (all) {
      for (size_t i = 0; i < entries.size(); ++i) {
        sequences.push_back(position + static_cast<int64_t>(i));
      }
    } else {
      // Index entries are sequences: fetch their events in one round trip.
      std::vector<std::vector<std::string>> commands;
      for (const std::string& entry : entries) {
        int64_t sequence = 0;
        if (!absl::SimpleAtoi(entry, &sequence) || sequence < 0) {
          return absl::DataLossError(absl::StrCat("audit log: the index of ", parent,
                                                  " holds an entry that is not a sequence"));
        }
        sequences.push_back(sequence);
        commands.push_back({"LINDEX", kEventsKey, entry});
      }
      ASSIGN_OR_RETURN(std::vector<store::Reply> replies, store_.Pipeline(commands));
      if (replies.size() != entries.size()) return UnexpectedReply("LINDEX");
      for (size_t i = 0; i < replies.size(); ++i) {
        if (replies[i].is_nil()) {
          return absl::DataLossError(absl::StrCat("audit log: the index of ", parent,
                                                  " names missing sequence ", sequences[i]));
        }
        entries[i] = std::move(replies[i].str);
      }
    }
    for (size_t i = 0; i < entries.size() && response.events_size() < page_size; ++i) {
      ++position;
      v1::AuditEvent event;
      if (!event.ParseFromString(entries[i])) {
        return absl::DataLossError(
            absl::StrCat("audit log: event at sequence ", sequences[i], " does not parse"));
      }
      if (!all && !BelongsTo(event, parent)) {
        // A tampered index: never show an organisation another one's events.
        Log(LogLevel::kError, "audit_index_mismatch",
            {{"sequence", absl::StrCat(sequences[i])}, {"method", event.method()}});
        continue;
      }
      if (MatchesFilters(request, event)) *response.add_events() = std::move(event);
    }
  }
  if (position < length) {
    response.set_next_page_token(EncodePageToken(ListScope(request), absl::StrCat(position)));
  }
  return response;
}

absl::StatusOr<AuditChainReport> VerifyAuditChain(store::Store& store) {
  ASSIGN_OR_RETURN(store::Reply snapshot,
                   store.RunScript(SnapshotScript(), {kHeadKey, kEventsKey}, {}));
  if (!snapshot.is_array() || snapshot.elements.size() != 2 || !snapshot.elements[1].is_integer()) {
    return UnexpectedReply("snapshot");
  }
  const std::string head = snapshot.elements[0].str;
  // Only the first `count` events are checked: later ones were appended after the snapshot.
  const int64_t count = snapshot.elements[1].integer;

  // Per organisation, the sequences its index must list, ascending.
  std::unordered_map<std::string, std::vector<int64_t>> expected_index;
  std::string previous_hash;
  for (int64_t start = 0; start < count; start += kVerifyChunk) {
    const int64_t stop = std::min(count, start + kVerifyChunk) - 1;
    ASSIGN_OR_RETURN(std::vector<std::string> entries, Range(store, kEventsKey, start, stop));
    for (int64_t i = 0; i <= stop - start; ++i) {
      const int64_t sequence = start + i;
      if (i >= static_cast<int64_t>(entries.size())) return Broken(sequence, "event missing");
      v1::AuditEvent event;
      if (!event.ParseFromString(entries[i])) return Broken(sequence, "event does not parse");
      if (event.sequence() != sequence) {
        return Broken(sequence, absl::StrCat("the event there has sequence ", event.sequence()));
      }
      if (event.previous_hash() != previous_hash) {
        return Broken(sequence, "previous_hash does not match the previous event's hash");
      }
      if (event.hash() != AuditEventHash(event)) return Broken(sequence, "hash mismatch");
      previous_hash = event.hash();
      for (std::string& org : IndexOrganizations(event)) {
        expected_index[std::move(org)].push_back(sequence);
      }
    }
  }

  int64_t next_sequence = 0;
  std::string head_hash;
  if (!ParseHead(head, &next_sequence, &head_hash)) {
    return Broken(std::max<int64_t>(count - 1, 0), "the head is malformed");
  }
  if (next_sequence > count) {
    return Broken(count, absl::StrCat("event missing: the head names sequence ", next_sequence - 1,
                                      " but the log ends before it"));
  }
  if (next_sequence < count) {
    return Broken(next_sequence, "the log continues past the sequence the head names");
  }
  if (head_hash != previous_hash) {
    return Broken(count - 1, "the head's hash does not match the last event");
  }

  // Every index list must hold exactly the sequences of its organisation's events.
  std::set<std::string> index_keys;
  std::string scan_cursor = "0";
  do {
    ASSIGN_OR_RETURN(store::Reply reply,
                     store.Command({"SCAN", scan_cursor, "MATCH", absl::StrCat(kOrgKeyPrefix, "*"),
                                    "COUNT", "1000"}));
    if (!reply.is_array() || reply.elements.size() != 2 || !reply.elements[1].is_array()) {
      return UnexpectedReply("SCAN");
    }
    scan_cursor = reply.elements[0].str;
    for (const store::Reply& key : reply.elements[1].elements) index_keys.insert(key.str);
  } while (scan_cursor != "0");

  // The earliest index problem, so the report names the first broken sequence.
  int64_t first_bad = -1;
  std::string first_what;
  auto note = [&](int64_t sequence, std::string what) {
    if (first_bad < 0 || sequence < first_bad) {
      first_bad = sequence;
      first_what = std::move(what);
    }
  };
  const std::vector<int64_t> none;
  for (const std::string& key : index_keys) {
    const std::string org = key.substr(sizeof(kOrgKeyPrefix) - 1);
    auto found = expected_index.find(org);
    const std::vector<int64_t>& want = found == expected_index.end() ? none : found->second;
    size_t k = 0;  // entries of `key` checked so far
    bool done = false;
    for (int64_t start = 0; !done; start += kVerifyChunk) {
      ASSIGN_OR_RETURN(std::vector<std::string> entries,
                       Range(store, key, start, start + kVerifyChunk - 1));
      for (const std::string& entry : entries) {
        int64_t sequence = 0;
        if (!absl::SimpleAtoi(entry, &sequence) || sequence < 0) {
          note(k < want.size() ? want[k] : count,
               absl::StrCat("index ", key, " holds an entry that is not a sequence"));
          done = true;
          break;
        }
        if (sequence >= count) {  // appended after the snapshot; later entries are too
          done = true;
          break;
        }
        if (k < want.size() && sequence == want[k]) {
          ++k;
          continue;
        }
        if (k < want.size() && want[k] < sequence) {
          note(want[k], absl::StrCat("index ", key, " is missing this event"));
        } else {
          note(sequence, absl::StrCat("index ", key, " lists an event that is not its own"));
        }
        done = true;
        break;
      }
      if (static_cast<int64_t>(entries.size()) < kVerifyChunk) done = true;
    }
    if (k < want.size()) note(want[k], absl::StrCat("index ", key, " is missing this event"));
    if (found != expected_index.end()) expected_index.erase(found);
  }
  for (const auto& [org, want] : expected_index) {
    note(want.front(), absl::StrCat("index ", OrgKey(org), " is missing"));
  }
  if (first_bad >= 0) return Broken(first_bad, first_what);

  AuditChainReport report;
  report.events = count;
  report.head_hash = previous_hash;
  return report;
}

}  // namespace bridging::gateway
