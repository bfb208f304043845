// Generates the synthetic contributions and turns them into analytics IngestEvents batches.
#include "bench/synthetic_contributions.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace bridging::bench {
namespace {

using common::v1::Principle;
using consent::v1::SourceType;

// How often each choice comes up. Weights need not add up to 1.
constexpr double kSourceTypeWeights[] = {0.40, 0.25, 0.15, 0.20};  // in AllSourceTypes() order
constexpr double kThemeWeights[] = {0.25, 0.20, 0.10, 0.15, 0.20, 0.10};  // in AllThemes() order
constexpr double kThemeCountWeights[] = {0.50, 0.35, 0.15};               // 1, 2 or 3 themes
// Share of a participant's contributions about a practice other than their own.
constexpr double kOtherPracticeShare = 0.10;
// Practice of rank r is home to participants with weight 1 / (r + 1)^kPracticeZipfExponent.
constexpr double kPracticeZipfExponent = 0.5;

// SplitMix64: independent stream seeds from one seed, so adding contributions does not change
// the participants.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Draws from mt19937_64's raw output only: std:: distributions differ between libraries.
class Random {
 public:
  Random(uint64_t seed, uint64_t stream) : engine_(Mix(seed ^ Mix(stream))) {}

  // Uniform in [0, n).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(engine_()) * n) >> 64);
  }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  std::string Pseudonym() {
    std::string out;
    out.reserve(64);
    for (int i = 0; i < 4; ++i) absl::StrAppend(&out, absl::Hex(engine_(), absl::kZeroPad16));
    return out;
  }

 private:
  std::mt19937_64 engine_;
};

// Picks an index with probability proportional to its weight, from cumulative weights.
class Weighted {
 public:
  explicit Weighted(const std::vector<double>& weights) {
    double sum = 0;
    for (double w : weights) cumulative_.push_back(sum += w);
  }
  size_t Pick(Random& random) const {
    const double u = random.Unit() * cumulative_.back();
    const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
    return std::min(static_cast<size_t>(it - cumulative_.begin()), cumulative_.size() - 1);
  }

 private:
  std::vector<double> cumulative_;
};

std::vector<double> ZipfWeights(int n, double exponent) {
  std::vector<double> weights(n);
  for (int r = 0; r < n; ++r) weights[r] = 1.0 / std::pow(static_cast<double>(r + 1), exponent);
  return weights;
}

google::protobuf::Timestamp MonthTime(int month, int64_t offset_seconds) {
  const absl::Time start =
      absl::FromCivil(absl::CivilMonth(kFirstYear, 1) + month, absl::UTCTimeZone());
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(start) + offset_seconds);
  return out;
}

}  // namespace

std::vector<Principle> SyntheticContribution::Themes() const {
  std::vector<Principle> out;
  for (Principle p : AllThemes()) {
    if (HasTheme(p)) out.push_back(p);
  }
  return out;
}

const std::vector<Principle>& AllThemes() {
  static const auto* const kThemes =
      new std::vector<Principle>{common::v1::PRINCIPLE_SAFETY,
                                 common::v1::PRINCIPLE_TRUSTWORTHINESS_TRANSPARENCY,
                                 common::v1::PRINCIPLE_PEER_SUPPORT,
                                 common::v1::PRINCIPLE_COLLABORATION_MUTUALITY,
                                 common::v1::PRINCIPLE_EMPOWERMENT_VOICE_CHOICE,
                                 common::v1::PRINCIPLE_CULTURAL_HISTORICAL_GENDER};
  return *kThemes;
}

const std::vector<SourceType>& AllSourceTypes() {
  static const auto* const kSourceTypes = new std::vector<SourceType>{
      consent::v1::SOURCE_TYPE_REFLECTIVE_NOTE, consent::v1::SOURCE_TYPE_INTERVIEW,
      consent::v1::SOURCE_TYPE_MEETING_OBSERVATION, consent::v1::SOURCE_TYPE_FEEDBACK};
  return *kSourceTypes;
}

SyntheticContributions GenerateContributions(const SyntheticOptions& options) {
  SyntheticContributions data;
  data.options = options;
  const int participants = std::max(options.participants, 1);
  const int practices = std::max(options.practices, 1);

  Random names(options.seed, 1);
  for (int i = 0; i < participants; ++i) data.participants.push_back(names.Pseudonym());
  for (int i = 0; i < practices; ++i) data.practices.push_back(names.Pseudonym());
  std::vector<int32_t> home_practice(participants);
  const Weighted practice_pick(ZipfWeights(practices, kPracticeZipfExponent));
  for (int32_t& home : home_practice) home = static_cast<int32_t>(practice_pick.Pick(names));

  // Later months are busier: month m has weight 1 + m / 35 (the last twice the first).
  std::vector<double> month_weights(kMonths);
  for (int m = 0; m < kMonths; ++m) month_weights[m] = 1.0 + m / (kMonths - 1.0);
  const Weighted month_pick(month_weights);
  const Weighted participant_pick(ZipfWeights(participants, options.participant_zipf_exponent));
  const Weighted source_pick(
      std::vector<double>(std::begin(kSourceTypeWeights), std::end(kSourceTypeWeights)));
  const Weighted theme_pick(
      std::vector<double>(std::begin(kThemeWeights), std::end(kThemeWeights)));
  const Weighted theme_count_pick(
      std::vector<double>(std::begin(kThemeCountWeights), std::end(kThemeCountWeights)));

  Random random(options.seed, 2);
  const int64_t n = std::max<int64_t>(options.contributions, 0);
  data.contributions.resize(n);
  for (SyntheticContribution& c : data.contributions) {
    c.pseudonym = random.Pseudonym();
    c.participant = static_cast<int32_t>(participant_pick.Pick(random));
    c.practice = random.Unit() < kOtherPracticeShare ? static_cast<int32_t>(random.Below(practices))
                                                     : home_practice[c.participant];
    c.source_type = AllSourceTypes()[source_pick.Pick(random)];
    const size_t theme_count = theme_count_pick.Pick(random) + 1;
    while (static_cast<size_t>(__builtin_popcount(c.theme_bits)) < theme_count) {
      c.theme_bits |= static_cast<uint8_t>(1u << theme_pick.Pick(random));
    }
    c.month = static_cast<int16_t>(month_pick.Pick(random));
    data.theme_rows += __builtin_popcount(c.theme_bits);
  }
  // Event order is month order, as an outbox would publish them.
  std::stable_sort(data.contributions.begin(), data.contributions.end(),
                   [](const SyntheticContribution& a, const SyntheticContribution& b) {
                     return a.month < b.month;
                   });
  for (int64_t i = 0; i < n; ++i) data.contributions[i].id = i + 1;
  return data;
}

common::v1::Date MonthDate(int month) {
  common::v1::Date date;
  date.set_year(kFirstYear + month / 12);
  date.set_month(month % 12 + 1);
  date.set_day(0);
  return date;
}

std::string MonthLabel(int month) {
  return absl::StrFormat("%04d-%02d", kFirstYear + month / 12, month % 12 + 1);
}

std::string MonthSqlDate(int month) { return absl::StrCat(MonthLabel(month), "-01"); }

int64_t EventCount(const SyntheticContributions& data) {
  return static_cast<int64_t>(data.participants.size() + data.contributions.size());
}

analytics::v1::Event MakeEvent(const SyntheticContributions& data, int64_t index) {
  analytics::v1::Event event;
  event.set_source(kEventSource);
  event.set_sequence(index + 1);
  event.set_pseudonym_key_version(kPseudonymKeyVersion);
  const int64_t participants = static_cast<int64_t>(data.participants.size());
  if (index < participants) {
    event.set_kind(analytics::v1::EVENT_KIND_CONSENT_GIVEN);
    *event.mutable_event_time() = MonthTime(0, index);
    analytics::v1::ConsentEvent* consent = event.mutable_consent();
    consent->set_participant(data.participants[index]);
    consent->add_purposes(consent::v1::PURPOSE_RESEARCH_USE);
    consent->set_state(consent::v1::CONSENT_STATE_GIVEN);
    *consent->mutable_month() = MonthDate(0);
    return event;
  }
  const SyntheticContribution& c = data.contributions[index - participants];
  event.set_kind(analytics::v1::EVENT_KIND_CONTRIBUTION_SHARED);
  // Spread over the month's first 28 days, in no particular order within it.
  *event.mutable_event_time() = MonthTime(c.month, (c.id * 7919) % (28 * 86400));
  analytics::v1::ContributionEvent* contribution = event.mutable_contribution();
  contribution->set_participant(data.participants[c.participant]);
  contribution->set_contribution(c.pseudonym);
  contribution->set_practice(data.practices[c.practice]);
  contribution->set_source_type(c.source_type);
  for (Principle theme : c.Themes()) contribution->add_themes(theme);
  *contribution->mutable_month() = MonthDate(c.month);
  return event;
}

int64_t IngestBatchCount(const SyntheticContributions& data) {
  return (EventCount(data) + kIngestBatchSize - 1) / kIngestBatchSize;
}

analytics::v1::IngestEventsRequest IngestBatch(const SyntheticContributions& data, int64_t batch) {
  analytics::v1::IngestEventsRequest request;
  const int64_t begin = batch * kIngestBatchSize;
  const int64_t end = std::min(begin + kIngestBatchSize, EventCount(data));
  request.mutable_events()->Reserve(static_cast<int>(std::max<int64_t>(end - begin, 0)));
  for (int64_t i = begin; i < end; ++i) *request.add_events() = MakeEvent(data, i);
  request.set_request_id(absl::StrCat("bench-", data.options.seed, "-", batch));
  return request;
}

std::vector<analytics::v1::IngestEventsRequest> IngestBatches(const SyntheticContributions& data) {
  std::vector<analytics::v1::IngestEventsRequest> batches;
  const int64_t count = IngestBatchCount(data);
  batches.reserve(count);
  for (int64_t b = 0; b < count; ++b) batches.push_back(IngestBatch(data, b));
  return batches;
}

}  // namespace bridging::bench
