// Unit tests of the consent history chain: linking, verification, tamper detection.
#include "services/consent/consent_history.h"

#include "gtest/gtest.h"

namespace bridging::consent {
namespace {

std::vector<v1::ConsentHistoryEntry> Chain(int n) {
  std::vector<v1::ConsentHistoryEntry> entries;
  for (int i = 0; i < n; ++i) {
    v1::ConsentHistoryEntry e;
    e.set_type(i == 0 ? v1::HISTORY_EVENT_TYPE_PARTICIPANT_CREATED
                      : v1::HISTORY_EVENT_TYPE_CONSENT_GIVEN);
    e.add_purposes(v1::PURPOSE_RESEARCH_USE);
    e.set_recorded_by_role("support worker");
    e.mutable_event_time()->set_seconds(1700000000 + i);
    e.set_subject("charities/c/participants/p/consents/x" + std::to_string(i));
    LinkEntry(entries.empty() ? nullptr : &entries.back(), &e);
    entries.push_back(e);
  }
  return entries;
}

TEST(ConsentHistoryTest, LinkedChainVerifies) {
  auto entries = Chain(5);
  EXPECT_EQ(entries[0].previous_hash(), "");
  EXPECT_EQ(entries[3].previous_hash(), entries[2].hash());
  const auto result = VerifyChain(entries);
  EXPECT_TRUE(result.valid) << result.problem;
  EXPECT_EQ(result.entries_checked, 5);
  EXPECT_EQ(result.head_hash, entries[4].hash());
}

TEST(ConsentHistoryTest, SequenceIsNotHashed) {
  auto entries = Chain(2);
  entries[1].set_sequence(99);
  EXPECT_TRUE(VerifyChain(entries).valid);
}

TEST(ConsentHistoryTest, DetectsChangedField) {
  auto entries = Chain(4);
  entries[2].set_recorded_by_role("someone else");
  const auto result = VerifyChain(entries);
  EXPECT_FALSE(result.valid);
  EXPECT_EQ(result.first_invalid_index, 2);
}

TEST(ConsentHistoryTest, DetectsChangedPurposeEvenWithRehash) {
  auto entries = Chain(4);
  // An attacker who rewrites an entry and recomputes its hash breaks the next link.
  entries[1].set_purposes(0, v1::PURPOSE_CONTACT);
  entries[1].set_hash(HashEntry(entries[1]));
  const auto result = VerifyChain(entries);
  EXPECT_FALSE(result.valid);
  EXPECT_EQ(result.first_invalid_index, 2);
}

TEST(ConsentHistoryTest, DetectsRemovedAndReorderedEntries) {
  auto removed = Chain(4);
  removed.erase(removed.begin() + 1);
  EXPECT_EQ(VerifyChain(removed).first_invalid_index, 1);
  auto reordered = Chain(4);
  std::swap(reordered[1], reordered[2]);
  EXPECT_FALSE(VerifyChain(reordered).valid);
}

TEST(ConsentHistoryTest, CanonicalFormEscapesText) {
  v1::ConsentHistoryEntry a, b;
  a.set_recorded_by_role("worker\nsubject=forged");
  b.set_recorded_by_role("worker");
  b.set_subject("forged");
  EXPECT_NE(CanonicalForm(a), CanonicalForm(b));
}

}  // namespace
}  // namespace bridging::consent
