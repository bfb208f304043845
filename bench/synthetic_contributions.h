// Deterministic synthetic de-identified contributions for the analytics query benchmark, shaped
// like analytics.proto's ContributionEvent, and the same data as analytics IngestEvents batches.
//
//   SyntheticContributions data = GenerateContributions({.contributions = 1000000, .seed = 7});
//   for (int64_t b = 0; b < IngestBatchCount(data); ++b) {
//     analytics::v1::IngestEventsRequest batch = IngestBatch(data, b);  // <= 500 events
//     ...
//   }
//
// The same options give the same data on every run (the generator uses only mt19937_64's raw
// output, which the standard fixes, and no std:: distribution). Participants and practices
// depend on the seed alone, not on the number of contributions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bridging/analytics/v1/analytics.pb.h"
#include "bridging/common/v1/types.pb.h"
#include "bridging/consent/v1/consent.pb.h"

namespace bridging::bench {

// Contributions fall in the 36 months 2024-01 .. 2026-12; a month is stored as its index.
inline constexpr int kFirstYear = 2024;
inline constexpr int kMonths = 36;
// The Event.source and batch size of the generated events.
inline constexpr char kEventSource[] = "consent";
inline constexpr int kIngestBatchSize = 500;  // IngestEventsRequest allows 1-500 events
inline constexpr char kPseudonymKeyVersion[] = "k1";

struct SyntheticOptions {
  int64_t contributions = 1000000;
  int participants = 2000;
  int practices = 30;
  // Participant of rank r (0-based) makes contributions with weight 1 / (r + 1)^exponent:
  // with 1.0 and 2,000 participants the most active one makes about 12% of them.
  double participant_zipf_exponent = 1.0;
  uint64_t seed = 20240601;
};

// One contribution. Its practice, participant and themes index the tables of
// SyntheticContributions.
struct SyntheticContribution {
  int64_t id = 0;           // 1..N in event order: the PostgreSQL key
  std::string pseudonym;    // the contribution's pseudonym: 64 lowercase hex digits
  int32_t participant = 0;  // index into SyntheticContributions::participants
  int32_t practice = 0;     // index into SyntheticContributions::practices
  consent::v1::SourceType source_type = consent::v1::SOURCE_TYPE_UNSPECIFIED;
  // Bit (p - 1) set for each bridging.common.v1.Principle p: 1-3 distinct themes.
  uint8_t theme_bits = 0;
  int16_t month = 0;  // 0 = 2024-01 .. 35 = 2026-12

  bool HasTheme(common::v1::Principle theme) const {
    return theme > 0 && (theme_bits >> (theme - 1)) & 1;
  }
  // Ascending.
  std::vector<common::v1::Principle> Themes() const;
};

struct SyntheticContributions {
  SyntheticOptions options;
  // Pseudonyms (64 lowercase hex digits). participants[0] contributes most; practices[0] is
  // the home practice of the most participants.
  std::vector<std::string> participants;
  std::vector<std::string> practices;
  // In event order: by month, and within a month in generation order. id = index + 1.
  std::vector<SyntheticContribution> contributions;

  // Rows of contribution_themes: the sum of every contribution's theme count.
  int64_t theme_rows = 0;
};

// The six principles and four source types, in enum order (UNSPECIFIED excluded).
const std::vector<common::v1::Principle>& AllThemes();
const std::vector<consent::v1::SourceType>& AllSourceTypes();

SyntheticContributions GenerateContributions(const SyntheticOptions& options);

// Month index -> the Date of that month (day 0), "YYYY-MM" and "YYYY-MM-01".
common::v1::Date MonthDate(int month);
std::string MonthLabel(int month);
std::string MonthSqlDate(int month);

// --- as analytics events ----------------------------------------------------------------------
//
// Event k (0-based) has source "consent" and sequence k + 1. Events 0 .. P-1 give consent: one
// EVENT_KIND_CONSENT_GIVEN for PURPOSE_RESEARCH_USE per participant (in participant order,
// month 2024-01). Event P + i shares contributions[i] (EVENT_KIND_CONTRIBUTION_SHARED, with
// its month, practice, source type and themes). event_time lies in the event's month.

int64_t EventCount(const SyntheticContributions& data);
analytics::v1::Event MakeEvent(const SyntheticContributions& data, int64_t index);

// Batches of kIngestBatchSize consecutive events (the last may be shorter); request_id
// "bench-<seed>-<batch>".
int64_t IngestBatchCount(const SyntheticContributions& data);
analytics::v1::IngestEventsRequest IngestBatch(const SyntheticContributions& data, int64_t batch);
// Every batch, in order (about 600 MB for a million contributions).
std::vector<analytics::v1::IngestEventsRequest> IngestBatches(const SyntheticContributions& data);

}  // namespace bridging::bench
