// The in-memory view: loading rows from Redis, applying committed changes, and keeping the
// three dataset cubes and the quote index in step with the rows.
#include "services/analytics/analytics_view.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/common/crypto.h"
#include "libs/common/proto_time.h"
#include "libs/common/status_macros.h"
#include "libs/store/proto_reads.h"
#include "services/analytics/dataset_schema.h"

namespace bridging::analytics {

namespace keys {
std::string Applied(const std::string& source) {
  return absl::StrCat("analytics:applied:", source);
}
std::string Participant(const std::string& participant) {
  return absl::StrCat("analytics:participant:", participant);
}
std::string Contribution(const std::string& key) {
  return absl::StrCat("analytics:contribution:", key);
}
std::string Action(const std::string& key) { return absl::StrCat("analytics:action:", key); }
std::string Usage(const std::string& participant) {
  return absl::StrCat("analytics:usage:", participant);
}
std::string QueryLog(const std::string& team) { return absl::StrCat("analytics:query_log:", team); }
}  // namespace keys

std::string RowKey(const std::string& pseudonym) { return pseudonym.substr(0, 32); }

namespace {

std::unique_ptr<Cube> CubeFor(v1::Dataset dataset) {
  const DatasetSchema* schema = *SchemaOf(dataset);
  return std::make_unique<Cube>(static_cast<int>(schema->dimensions.size()), schema->multi_valued,
                                schema->has_people, schema->has_days);
}

uint64_t ParseHex64(absl::string_view hex) {
  uint64_t value = 0;
  for (char c : hex) {
    value <<= 4;
    if (c >= '0' && c <= '9') value |= static_cast<uint64_t>(c - '0');
    if (c >= 'a' && c <= 'f') value |= static_cast<uint64_t>(c - 'a' + 10);
  }
  return value;
}

std::string QuoteId(const std::string& row_key) {
  return Sha256Hex(absl::StrCat("quote:", row_key)).substr(0, 32);
}

int32_t MonthOrZero(const common::v1::Date& date) {
  auto month = MonthIndex(date, "month");
  return month.ok() ? *month : 0;
}

// Days from creation to completion of a DONE action, or -1.
int32_t DaysToDone(const v1::ActionEvent& event) {
  if (event.status() != actions::v1::ACTION_STATUS_DONE) return -1;
  auto created = ToCivilDay(event.create_date(), "create_date");
  auto completed = ToCivilDay(event.completion_date(), "completion_date");
  if (!created.ok() || !completed.ok() || *completed < *created) return -1;
  return static_cast<int32_t>(*completed - *created);
}

// Pages through the keys matching `pattern` with SCAN and MGETs their values.
absl::Status ForEachRow(
    store::Store& store, const std::string& pattern,
    const std::function<absl::Status(const std::string& key, const std::string& value)>& visit) {
  std::string cursor = "0";
  do {
    ASSIGN_OR_RETURN(store::Reply page,
                     store.Command({"SCAN", cursor, "MATCH", pattern, "COUNT", "2000"}));
    if (!page.is_array() || page.elements.size() != 2) {
      return absl::InternalError("SCAN: unexpected reply");
    }
    cursor = page.elements[0].str;
    std::vector<std::string> mget = {"MGET"};
    for (const store::Reply& key : page.elements[1].elements) mget.push_back(key.str);
    if (mget.size() == 1) continue;
    ASSIGN_OR_RETURN(store::Reply values, store.Command(mget));
    for (size_t i = 0; i < values.elements.size(); ++i) {
      if (values.elements[i].is_nil()) continue;  // deleted between SCAN and MGET
      RETURN_IF_ERROR(visit(mget[i + 1], values.elements[i].str));
    }
  } while (cursor != "0");
  return absl::OkStatus();
}

template <typename T>
absl::StatusOr<T> ParseRow(const std::string& key, const std::string& value) {
  T row;
  if (!row.ParseFromString(value)) {
    return absl::DataLossError(absl::StrCat("analytics row ", key, " is corrupt"));
  }
  return row;
}

}  // namespace

AnalyticsView::AnalyticsView() {
  absl::MutexLock lock(&mu_);
  Clear();
}

void AnalyticsView::Clear() {
  people_.clear();
  person_ids_.clear();
  practices_.assign(1, "none");
  practice_ids_.clear();
  participants_.clear();
  contributions_.clear();
  actions_.clear();
  applied_.clear();
  for (auto& index : quotes_) index.clear();
  contributions_cube_ = CubeFor(v1::DATASET_CONTRIBUTIONS);
  actions_cube_ = CubeFor(v1::DATASET_ACTIONS);
  consent_cube_ = CubeFor(v1::DATASET_CONSENT);
}

AnalyticsView::Key128 AnalyticsView::ParseKey(const std::string& key) {
  const absl::string_view k = key;
  return {ParseHex64(k.substr(0, 16)), ParseHex64(k.substr(std::min<size_t>(16, k.size()), 16))};
}

std::string AnalyticsView::FormatKey(Key128 key) {
  return absl::StrCat(absl::Hex(key.first, absl::kZeroPad16),
                      absl::Hex(key.second, absl::kZeroPad16));
}

bool PurposeGiven(const internal::ParticipantRecord& record, consent::v1::Purpose purpose) {
  for (const auto& p : record.purposes()) {
    if (p.purpose() == purpose) return p.state() == consent::v1::CONSENT_STATE_GIVEN;
  }
  return false;
}

uint32_t AnalyticsView::PersonId(const std::string& pseudonym) {
  auto [it, inserted] = person_ids_.try_emplace(pseudonym, static_cast<uint32_t>(people_.size()));
  if (inserted) people_.push_back(pseudonym);
  return it->second;
}

uint32_t AnalyticsView::PracticeId(const std::string& pseudonym) {
  if (pseudonym.empty()) return 0;
  auto [it, inserted] =
      practice_ids_.try_emplace(pseudonym, static_cast<uint32_t>(practices_.size()));
  if (inserted) practices_.push_back(pseudonym);
  return it->second;
}

CubeRecord AnalyticsView::ContributionRecord(const ContributionRow& row) const {
  CubeRecord record;
  record.person = row.person;
  record.values = {row.themes, row.source_type, static_cast<uint32_t>(row.month), row.practice};
  return record;
}

void AnalyticsView::SetContribution(Key128 key, std::optional<ContributionRow> row) {
  auto it = contributions_.find(key);
  if (it != contributions_.end()) {
    const ContributionRow& old = it->second;
    contributions_cube_->Add(ContributionRecord(old), -1);
    if (!old.quote.empty()) {
      const std::string quote_id = QuoteId(FormatKey(key));
      for (uint32_t bits = old.themes; bits != 0; bits &= bits - 1) {
        quotes_[__builtin_ctz(bits)].erase(quote_id);
      }
    }
    if (auto p = participants_.find(old.person); p != participants_.end()) {
      p->second.contributions.erase(key);
    }
    contributions_.erase(it);
  }
  if (!row.has_value()) return;
  contributions_cube_->Add(ContributionRecord(*row), +1);
  if (!row->quote.empty()) {
    const std::string quote_id = QuoteId(FormatKey(key));
    for (uint32_t bits = row->themes; bits != 0; bits &= bits - 1) {
      quotes_[__builtin_ctz(bits)][quote_id] = key;
    }
  }
  participants_[row->person].contributions.insert(key);
  contributions_.emplace(key, std::move(*row));
}

void AnalyticsView::SetParticipant(const internal::ParticipantRecord& record) {
  const uint32_t person = PersonId(record.participant());
  ParticipantState& state = participants_[person];
  // The consent dataset counts only participants whose RESEARCH_USE consent is active.
  auto consent_records = [&](const internal::ParticipantRecord& r, int sign) {
    if (!PurposeGiven(r, consent::v1::PURPOSE_RESEARCH_USE)) return;
    for (const auto& p : r.purposes()) {
      CubeRecord c;
      c.person = person;
      c.values[0] = static_cast<uint32_t>(p.purpose());
      c.values[1] = static_cast<uint32_t>(p.state());
      consent_cube_->Add(c, sign);
    }
  };
  consent_records(state.record, -1);
  state.record = record;
  consent_records(state.record, +1);
}

void AnalyticsView::SetAction(Key128 key, const v1::ActionEvent& event) {
  if (auto it = actions_.find(key); it != actions_.end()) {
    actions_cube_->Add(it->second.record, -1);
    actions_.erase(it);
  }
  ActionRow row;
  row.event = event;
  row.record.values = {static_cast<uint32_t>(event.principle()),
                       static_cast<uint32_t>(event.area()),
                       static_cast<uint32_t>(event.status()),
                       static_cast<uint32_t>(event.source()),
                       event.co_produced() ? 1u : 0u,
                       PracticeId(event.practice()),
                       static_cast<uint32_t>(MonthOrZero(event.create_date()))};
  row.record.days = DaysToDone(event);
  actions_cube_->Add(row.record, +1);
  actions_.emplace(key, std::move(row));
}

void AnalyticsView::ApplyLocked(const ViewChanges& changes) {
  for (const auto& [participant, record] : changes.participants) SetParticipant(record);
  for (const auto& [key, event] : changes.contributions) {
    if (!event.has_value()) {
      SetContribution(ParseKey(key), std::nullopt);
      continue;
    }
    ContributionRow row;
    row.person = PersonId(event->participant());
    row.practice = PracticeId(event->practice());
    for (int theme : event->themes()) {
      if (theme > 0 && theme < 32) row.themes |= 1u << theme;
    }
    row.month = MonthOrZero(event->month());
    row.source_type = static_cast<uint8_t>(event->source_type());
    row.quote = event->redacted_text();
    SetContribution(ParseKey(key), std::move(row));
  }
  for (const auto& [key, event] : changes.actions) SetAction(ParseKey(key), event);
  for (const auto& [source, applied] : changes.applied) applied_[source] = applied;
}

void AnalyticsView::Apply(const ViewChanges& changes) {
  absl::MutexLock lock(&mu_);
  ApplyLocked(changes);
}

absl::Status AnalyticsView::Load(store::Store& store) {
  // Rows are applied a page at a time, under the writer lock throughout: answers wait, and
  // memory stays at the size of the view plus one page.
  absl::MutexLock lock(&mu_);
  Clear();
  ViewChanges page;
  size_t rows = 0;
  auto flush = [&] {
    ApplyLocked(page);
    page = ViewChanges();
    rows = 0;
  };
  auto add = [&](auto& collection, std::string key, auto row) {
    collection[std::move(key)] = std::move(row);
    if (++rows >= 2000) flush();
    return absl::OkStatus();
  };
  absl::Status loaded =
      ForEachRow(store, "analytics:applied:*", [&](const auto& key, const auto& v) {
        ASSIGN_OR_RETURN(v1::AppliedSequence applied, ParseRow<v1::AppliedSequence>(key, v));
        return add(page.applied, applied.source(), applied);
      });
  if (loaded.ok()) {
    loaded = ForEachRow(store, "analytics:participant:*", [&](const auto& key, const auto& v) {
      ASSIGN_OR_RETURN(auto record, ParseRow<internal::ParticipantRecord>(key, v));
      std::string id = record.participant();  // before the move below
      return add(page.participants, std::move(id), std::move(record));
    });
  }
  if (loaded.ok()) {
    loaded = ForEachRow(store, "analytics:contribution:*", [&](const auto& key, const auto& v) {
      ASSIGN_OR_RETURN(auto event, ParseRow<v1::ContributionEvent>(key, v));
      std::string id = event.contribution();
      return add(page.contributions, std::move(id),
                 std::optional<v1::ContributionEvent>(std::move(event)));
    });
  }
  if (loaded.ok()) {
    loaded = ForEachRow(store, "analytics:action:*", [&](const auto& key, const auto& v) {
      ASSIGN_OR_RETURN(auto event, ParseRow<v1::ActionEvent>(key, v));
      std::string id = event.action();
      return add(page.actions, std::move(id), std::move(event));
    });
  }
  if (!loaded.ok()) {
    Clear();  // never half a view: nothing applied means every answer fails closed
    return loaded;
  }
  flush();
  malloc_trim(0);  // give the parsing garbage back to the system
  return absl::OkStatus();
}

v1::AppliedSequence AnalyticsView::Applied(const std::string& source) const {
  auto it = applied_.find(source);
  if (it != applied_.end()) return it->second;
  v1::AppliedSequence none;
  none.set_source(source);
  return none;
}

std::optional<internal::ParticipantRecord> AnalyticsView::Participant(
    const std::string& participant) const {
  auto id = person_ids_.find(participant);
  if (id == person_ids_.end()) return std::nullopt;
  auto it = participants_.find(id->second);
  if (it == participants_.end() || it->second.record.participant().empty()) return std::nullopt;
  return it->second.record;
}

std::vector<std::string> AnalyticsView::ContributionsOf(const std::string& participant) const {
  std::vector<std::string> out;
  auto id = person_ids_.find(participant);
  if (id == person_ids_.end()) return out;
  auto it = participants_.find(id->second);
  if (it == participants_.end()) return out;
  for (const Key128& key : it->second.contributions) out.push_back(FormatKey(key));
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<v1::ContributionEvent> AnalyticsView::Contribution(const std::string& key) const {
  auto it = contributions_.find(ParseKey(key));
  if (it == contributions_.end()) return std::nullopt;
  const ContributionRow& row = it->second;
  v1::ContributionEvent event;
  event.set_participant(people_[row.person]);
  event.set_contribution(key);
  if (row.practice != 0) event.set_practice(practices_[row.practice]);
  event.set_source_type(static_cast<consent::v1::SourceType>(row.source_type));
  for (uint32_t bits = row.themes; bits != 0; bits &= bits - 1) {
    event.add_themes(static_cast<common::v1::Principle>(__builtin_ctz(bits)));
  }
  *event.mutable_month() = MonthDate(row.month);
  event.set_redacted_text(row.quote);
  return event;
}

bool AnalyticsView::HasAction(const std::string& key) const {
  return actions_.contains(ParseKey(key));
}

const Cube& AnalyticsView::cube(v1::Dataset dataset) const {
  switch (dataset) {
    case v1::DATASET_ACTIONS:
      return *actions_cube_;
    case v1::DATASET_CONSENT:
      return *consent_cube_;
    default:
      return *contributions_cube_;
  }
}

std::optional<uint32_t> AnalyticsView::PracticeCode(const std::string& label) const {
  if (label == "none") return 0u;
  auto it = practice_ids_.find(label);
  if (it == practice_ids_.end()) return std::nullopt;
  return it->second;
}

std::string AnalyticsView::PracticeLabel(uint32_t code) const {
  return code < practices_.size() ? practices_[code] : "none";
}

std::vector<AnalyticsView::QuoteRef> AnalyticsView::Quotes(common::v1::Principle theme,
                                                           const std::string& after,
                                                           size_t limit) const {
  std::vector<QuoteRef> out;
  const int index = static_cast<int>(theme);
  if (index <= 0 || index >= static_cast<int>(quotes_.size())) return out;
  for (auto it = quotes_[index].upper_bound(after); it != quotes_[index].end(); ++it) {
    if (out.size() >= limit) break;
    const ContributionRow& row = contributions_.at(it->second);
    auto p = participants_.find(row.person);
    if (p == participants_.end() ||
        !PurposeGiven(p->second.record, consent::v1::PURPOSE_QUOTATION)) {
      continue;
    }
    out.push_back({it->first, FormatKey(it->second)});
  }
  return out;
}

}  // namespace bridging::analytics
