// Implements the consent service's reads and commits over libs/store.
#include "services/consent/participant_store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/common/crypto.h"
#include "libs/common/errors.h"

namespace bridging::consent {
namespace keys {

std::string Participant(const std::string& name) {
  return absl::StrCat("consent:participant:", name);
}
std::string ParticipantIndex(const std::string& charity) {
  return absl::StrCat("consent:participants:", charity);
}
std::string Reference(const std::string& charity, const std::string& reference) {
  return absl::StrCat("consent:reference:", charity, ":", Sha256Hex(reference));
}
std::string Status(const std::string& participant) {
  return absl::StrCat("consent:status:", participant);
}
std::string History(const std::string& participant) {
  return absl::StrCat("consent:history:", participant);
}
std::string Record(const std::string& record) { return absl::StrCat("consent:record:", record); }
std::string Withdrawal(const std::string& receipt) {
  return absl::StrCat("consent:withdrawal:", receipt);
}
std::string Review(const std::string& charity) { return absl::StrCat("consent:review:", charity); }
std::string Contribution(const std::string& contribution) {
  return absl::StrCat("consent:contribution:", contribution);
}
std::string ContributionIndex(const std::string& participant) {
  return absl::StrCat("consent:contributions:", participant);
}
std::string ContributionVersion(const std::string& participant) {
  return absl::StrCat("consent:contributions_version:", participant);
}

}  // namespace keys

absl::StatusOr<std::vector<std::optional<std::string>>> ParticipantStore::GetMany(
    const std::vector<std::string>& keys) {
  std::vector<std::optional<std::string>> out;
  if (keys.empty()) return out;
  std::vector<std::string> command = {"MGET"};
  command.insert(command.end(), keys.begin(), keys.end());
  auto reply = store_.Command(command);
  if (!reply.ok()) return reply.status();
  if (reply->type != store::Reply::Type::kArray || reply->elements.size() != keys.size()) {
    return absl::InternalError("MGET: unexpected reply");
  }
  for (const auto& element : reply->elements) {
    if (element.is_nil()) {
      out.emplace_back(std::nullopt);
    } else {
      out.emplace_back(element.str);
    }
  }
  return out;
}

absl::StatusOr<ParticipantState> ParticipantStore::ReadState(const std::string& participant) {
  auto replies = store_.Pipeline({{"GET", keys::Status(participant)},
                                  {"LINDEX", keys::History(participant), "-1"},
                                  {"GET", keys::ContributionVersion(participant)}});
  if (!replies.ok()) return replies.status();
  const store::Reply& status = (*replies)[0];
  const store::Reply& head = (*replies)[1];
  if (status.is_nil()) return NotFound(participant);
  ParticipantState state;
  state.status_bytes = status.str;
  state.contributions_version = (*replies)[2].str;
  if (!state.status.ParseFromString(status.str)) return absl::DataLossError("corrupt status");
  int64_t sequence = 0;
  absl::string_view entry_bytes;
  if (head.is_nil() || !store::SplitSequenced(head.str, &sequence, &entry_bytes) ||
      !state.head.ParseFromArray(entry_bytes.data(), static_cast<int>(entry_bytes.size()))) {
    return absl::DataLossError(absl::StrCat("history of ", participant, " is missing or corrupt"));
  }
  state.head.set_sequence(sequence);
  return state;
}

absl::StatusOr<std::vector<v1::ConsentHistoryEntry>> ParticipantStore::ReadHistory(
    const std::string& participant, int64_t start, int64_t count) {
  const int64_t stop = count < 0 ? -1 : start + count - 1;
  auto reply = store_.Command(
      {"LRANGE", keys::History(participant), absl::StrCat(start), absl::StrCat(stop)});
  if (!reply.ok()) return reply.status();
  std::vector<v1::ConsentHistoryEntry> entries;
  entries.reserve(reply->elements.size());
  for (const auto& element : reply->elements) {
    int64_t sequence = 0;
    absl::string_view bytes;
    v1::ConsentHistoryEntry entry;
    if (!store::SplitSequenced(element.str, &sequence, &bytes) ||
        !entry.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      // Keep an unparseable entry visible to verification rather than hiding it.
      entry.Clear();
      entry.set_index(-1);
    }
    entry.set_sequence(sequence);
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::StatusOr<int64_t> ParticipantStore::ReadSequence() {
  auto reply = store_.Command({"GET", keys::kSequence});
  if (!reply.ok()) return reply.status();
  if (reply->is_nil()) return 0;
  int64_t sequence = 0;
  if (!absl::SimpleAtoi(reply->str, &sequence)) return absl::DataLossError("corrupt sequence");
  return sequence;
}

absl::StatusOr<ParticipantStore::Committed> ParticipantStore::Commit(
    const store::AtomicWrite& write) {
  auto result = store::Commit(store_, keys::kSequence, write);
  if (!result.ok()) return result.status();
  Committed committed;
  committed.sequence = result->sequence;
  switch (result->outcome) {
    case store::AtomicWriteResult::Outcome::kApplied:
      return committed;
    case store::AtomicWriteResult::Outcome::kReplayed:
      committed.replayed = true;
      committed.response = std::move(result->response);
      return committed;
    case store::AtomicWriteResult::Outcome::kMismatch:
      return InvalidField("request_id", "was already used for a different request");
    case store::AtomicWriteResult::Outcome::kConflict:
      committed.conflict_key = std::move(result->conflict_key);
      return committed;
  }
  return absl::InternalError("unknown commit outcome");
}

absl::StatusOr<std::optional<ParticipantStore::Committed>> ParticipantStore::FindReplay(
    const std::string& key, const std::string& fingerprint) {
  if (key.empty()) return std::nullopt;
  auto reply = store_.Command({"HMGET", key, "fp", "resp", "seq"});
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != 3 || reply->elements[0].is_nil()) return std::nullopt;
  if (reply->elements[0].str != fingerprint) {
    return InvalidField("request_id", "was already used for a different request");
  }
  Committed committed;
  committed.replayed = true;
  committed.response = reply->elements[1].str;
  if (!absl::SimpleAtoi(reply->elements[2].str, &committed.sequence)) committed.sequence = 0;
  return committed;
}

}  // namespace bridging::consent
