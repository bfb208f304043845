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
  auto items = store::ListSequenced<v1::ConsentHistoryEntry>(store_, keys::History(participant),
                                                             start, count);
  if (!items.ok()) return items.status();
  std::vector<v1::ConsentHistoryEntry> entries;
  entries.reserve(items->size());
  for (auto& item : *items) {
    v1::ConsentHistoryEntry entry;
    if (item.value.has_value()) {
      entry = std::move(*item.value);
    } else {
      entry.set_index(-1);
    }
    entry.set_sequence(item.sequence);
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

}  // namespace bridging::consent
