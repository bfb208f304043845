// Merging usage counts in memory and flushing them to analytics:usage:<participant> hashes.
#include "services/analytics/usage_recorder.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/common/log.h"
#include "libs/common/proto_time.h"
#include "libs/common/status_macros.h"
#include "services/analytics/analytics_view.h"

namespace bridging::analytics {

UsageRecorder::UsageRecorder(store::Store& store, absl::Duration flush_interval)
    : store_(store), flush_interval_(flush_interval) {}

UsageRecorder::~UsageRecorder() { Stop(); }

void UsageRecorder::Record(const std::vector<std::string>& participants, Kind kind,
                           absl::Time when) {
  absl::MutexLock lock(&mu_);
  for (const std::string& participant : participants) {
    Pending& p = pending_[participant];
    (kind == Kind::kQuery ? p.queries : p.listings) += 1;
    p.first = std::min(p.first, when);
    p.last = std::max(p.last, when);
  }
}

absl::Status UsageRecorder::Flush() {
  absl::MutexLock one(&flush_mu_);
  absl::flat_hash_map<std::string, Pending> batch;
  {
    absl::MutexLock lock(&mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return absl::OkStatus();
  std::vector<std::vector<std::string>> commands;
  commands.reserve(batch.size() * 4);
  for (const auto& [participant, p] : batch) {
    const std::string key = keys::Usage(participant);
    commands.push_back({"HINCRBY", key, "queries_counted", absl::StrCat(p.queries)});
    commands.push_back({"HINCRBY", key, "quote_listings", absl::StrCat(p.listings)});
    commands.push_back({"HSETNX", key, "first", absl::StrCat(absl::ToUnixNanos(p.first))});
    // Concurrent flushers are serialised, so the last time only moves forward.
    commands.push_back({"HSET", key, "last", absl::StrCat(absl::ToUnixNanos(p.last))});
  }
  absl::Status written = store_.Pipeline(commands).status();
  if (!written.ok()) {
    // Keep the counts for the next flush (a partial pipeline may count some twice: the
    // report then errs towards "your data was used", never away from it).
    absl::MutexLock lock(&mu_);
    for (const auto& [participant, p] : batch) {
      Pending& q = pending_[participant];
      q.queries += p.queries;
      q.listings += p.listings;
      q.first = std::min(q.first, p.first);
      q.last = std::max(q.last, p.last);
    }
  }
  return written;
}

absl::StatusOr<v1::ParticipantUsage> UsageRecorder::Read(const std::string& participant) {
  ASSIGN_OR_RETURN(store::Reply reply, store_.Command({"HGETALL", keys::Usage(participant)}));
  v1::ParticipantUsage usage;
  usage.set_participant(participant);
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    const std::string& field = reply.elements[i].str;
    int64_t value = 0;
    if (!absl::SimpleAtoi(reply.elements[i + 1].str, &value)) continue;
    if (field == "queries_counted") usage.set_queries_counted(value);
    if (field == "quote_listings") usage.set_quote_listings(value);
    if (field == "first")
      *usage.mutable_first_count_time() = ToTimestamp(absl::FromUnixNanos(value));
    if (field == "last") *usage.mutable_last_count_time() = ToTimestamp(absl::FromUnixNanos(value));
  }
  return usage;
}

void UsageRecorder::Start() {
  thread_ = std::thread([this] {
    while (!stop_.WaitForNotificationWithTimeout(flush_interval_)) {
      if (absl::Status s = Flush(); !s.ok()) {
        Log(LogLevel::kWarning, "usage_flush_failed", {{"error", std::string(s.message())}});
      }
    }
  });
}

void UsageRecorder::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
  (void)Flush();
}

}  // namespace bridging::analytics
