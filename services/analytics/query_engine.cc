// Query validation, cube reads, the differencing guard, disclosure control and the query log.
#include "services/analytics/query_engine.h"

#include <array>
#include <optional>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "libs/common/crypto.h"
#include "libs/common/errors.h"
#include "libs/common/idempotency.h"
#include "libs/common/page_token.h"
#include "libs/common/proto_time.h"
#include "libs/common/resource_name.h"
#include "libs/common/status_macros.h"
#include "libs/privacy/disclosure_control.h"
#include "libs/store/atomic_write.h"
#include "libs/store/proto_reads.h"
#include "services/analytics/dataset_schema.h"
#include "services/analytics/differencing_guard.h"

namespace bridging::analytics {
namespace {

constexpr int kMaxFilters = 8;
constexpr int kMaxFilterValues = 100;
constexpr int32_t kLastMonth = 9999 * 12 + 11;
constexpr char kTeamPattern[] = "researchers/{team}";

using Constraint = internal::CellPredicate::Constraint;

bool IsPracticeLabel(const std::string& label) { return label == "none" || IsPseudonym(label); }

// Where a cell sits in an answer table.
struct Position {
  enum Kind { kCell, kRowTotal, kColumnTotal, kGrandTotal } kind = kCell;
  int row = 0;
  int column = 0;
};

common::v1::Cell* CellAt(common::v1::Table& table, const Position& at) {
  switch (at.kind) {
    case Position::kCell:
      return table.mutable_rows(at.row)->mutable_cells(at.column);
    case Position::kRowTotal:
      return table.mutable_rows(at.row)->mutable_total();
    case Position::kColumnTotal:
      return table.mutable_column_totals(at.column);
    case Position::kGrandTotal:
      return table.mutable_grand_total();
  }
  return nullptr;
}

// One cell of the answer and everything known about it before disclosure control.
struct Slot {
  Position at;
  Cube::Group group;
  internal::CellPredicate predicate;
};

}  // namespace

struct QueryEngine::Spec {
  std::string method;
  std::string parent;
  const DatasetSchema* schema = nullptr;
  v1::Measure measure = v1::MEASURE_COUNT;
  std::vector<int> group_by;  // cube positions
  bool framework_matrix = false;
  std::array<std::optional<std::vector<std::string>>, kMaxDimensions> filters;
  std::optional<int32_t> from_month, to_month;
  std::string request_key;
  std::string fingerprint;
  std::string request_bytes;
};

struct QueryEngine::Answer {
  common::v1::Table table;
  v1::AnswerStamp stamp;
  std::vector<internal::CellPredicate> published;
  std::vector<std::string> counted_people;  // pseudonyms
};

namespace {

absl::Status ReadMonthRange(const common::v1::Date* from, const common::v1::Date* to,
                            std::optional<int32_t>* from_month, std::optional<int32_t>* to_month) {
  if (from != nullptr) {
    ASSIGN_OR_RETURN(int32_t m, MonthIndex(*from, "from_month"));
    *from_month = m;
  }
  if (to != nullptr) {
    ASSIGN_OR_RETURN(int32_t m, MonthIndex(*to, "to_month"));
    *to_month = m;
  }
  if (*from_month && *to_month && **from_month > **to_month) {
    return InvalidField("to_month", "is before from_month");
  }
  return absl::OkStatus();
}

// The constraints every cell of the answer shares: the filters and the month range.
internal::CellPredicate BasePredicate(
    const DatasetSchema& schema,
    const std::array<std::optional<std::vector<std::string>>, kMaxDimensions>& filters,
    std::optional<int32_t> from, std::optional<int32_t> to) {
  internal::CellPredicate base;
  for (size_t d = 0; d < schema.dimensions.size(); ++d) {
    const v1::Dimension dimension = schema.dimensions[d];
    if (dimension == v1::DIMENSION_MONTH) {
      if (!filters[d] && !from && !to) continue;
      Constraint* c = base.add_constraints();
      c->set_dimension(dimension);
      const int32_t low = from.value_or(0), high = to.value_or(kLastMonth);
      if (!filters[d]) {
        c->add_month_bounds(low);
        c->add_month_bounds(high);
        continue;
      }
      for (const std::string& label : *filters[d]) {
        auto code = FixedCode(dimension, label, "month");
        const int32_t m = static_cast<int32_t>(*code);
        if (m < low || m > high) continue;
        c->add_month_bounds(m);
        c->add_month_bounds(m);
      }
      continue;
    }
    if (!filters[d]) continue;
    Constraint* c = base.add_constraints();
    c->set_dimension(dimension);
    for (const std::string& label : *filters[d]) c->add_labels(label);
  }
  return base;
}

// `base` narrowed to one group: each grouped dimension fixed to the group's label.
internal::CellPredicate GroupPredicate(internal::CellPredicate base,
                                       const std::vector<v1::Dimension>& dimensions,
                                       const std::vector<std::string>& labels,
                                       const std::vector<uint32_t>& codes) {
  for (size_t i = 0; i < dimensions.size(); ++i) {
    Constraint* c = nullptr;
    for (Constraint& existing : *base.mutable_constraints()) {
      if (existing.dimension() == dimensions[i]) c = &existing;
    }
    if (c == nullptr) {
      c = base.add_constraints();
      c->set_dimension(dimensions[i]);
    }
    c->clear_labels();
    c->clear_month_bounds();
    if (dimensions[i] == v1::DIMENSION_MONTH) {
      c->add_month_bounds(static_cast<int32_t>(codes[i]));
      c->add_month_bounds(static_cast<int32_t>(codes[i]));
    } else {
      c->add_labels(labels[i]);
    }
  }
  NormalizePredicate(base);
  return base;
}

}  // namespace

QueryEngine::QueryEngine(store::Store& store, AnalyticsView& view, WatermarkSource& watermark,
                         privacy::BudgetLedger& ledger, UsageRecorder& usage, QueryOptions options,
                         std::function<absl::Time()> clock)
    : store_(store),
      committer_(store, ""),
      view_(view),
      watermark_(watermark),
      ledger_(ledger),
      usage_(usage),
      options_(std::move(options)),
      clock_(std::move(clock)) {}

absl::Status QueryEngine::LockFresh(int64_t* applied) {
  ASSIGN_OR_RETURN(const int64_t watermark, watermark_.CurrentWatermark());
  auto caught_up = [&]() { return view_.Applied("consent").sequence() >= watermark; };
  const bool fresh =
      view_.mutex().ReaderLockWhenWithTimeout(absl::Condition(&caught_up), options_.freshness_wait);
  if (!fresh) {
    const int64_t behind = view_.Applied("consent").sequence();
    view_.mutex().ReaderUnlock();
    return absl::UnavailableError(
        absl::StrCat("analytics has applied consent changes up to ", behind, " of ", watermark,
                     "; answers wait until every withdrawal is applied. Retry shortly."));
  }
  *applied = view_.Applied("consent").sequence();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<bool>> QueryEngine::GuardCells(
    const std::string& parent, v1::Dataset dataset,
    const std::vector<internal::CellPredicate>& fresh, int threshold, bool people_valued) {
  absl::MutexLock lock(&history_mu_);
  TeamHistory& team = history_[parent];
  // Entries after the last one read (the first time: the whole log, a page at a time).
  while (true) {
    ASSIGN_OR_RETURN(store::Reply entries,
                     store_.Command({"XRANGE", keys::QueryLog(parent),
                                     team.last_id.empty() ? "-" : absl::StrCat("(", team.last_id),
                                     "+", "COUNT", "500"}));
    for (const store::Reply& entry : entries.elements) {
      if (entry.elements.size() != 2) continue;
      team.last_id = entry.elements[0].str;
      const auto& fields = entry.elements[1].elements;
      for (size_t i = 0; i + 1 < fields.size(); i += 2) {
        if (fields[i].str != "payload") continue;
        internal::QueryRecord record;
        if (!record.ParseFromString(fields[i + 1].str)) continue;
        if (record.measure() != v1::MEASURE_COUNT) continue;
        std::vector<internal::CellPredicate>& kept = team.cells[record.dataset()];
        auto key = [&](const internal::CellPredicate& cell) {
          return absl::StrCat(record.dataset(), ":", cell.SerializeAsString());
        };
        for (auto& cell : *record.mutable_published()) {
          if (!team.seen.insert(key(cell)).second) continue;  // the same cell asked again
          kept.push_back(std::move(cell));
        }
        if (static_cast<int>(kept.size()) > options_.guard_cells) {
          // Forget the older half at once, so keeping the bound costs O(1) per cell.
          const auto forget = kept.begin() + static_cast<long>(kept.size() / 2);
          for (auto it = kept.begin(); it != forget; ++it) team.seen.erase(key(*it));
          kept.erase(kept.begin(), forget);
        }
      }
    }
    if (entries.elements.size() < 500) break;
  }
  return CellsToCoarsen(fresh, team.cells[dataset], threshold, people_valued);
}

absl::StatusOr<QueryEngine::Answer> QueryEngine::Compute(const Spec& spec) {
  const DatasetSchema& schema = *spec.schema;
  int64_t applied = 0;
  RETURN_IF_ERROR(LockFresh(&applied));
  absl::Cleanup unlock = [this] { view_.mutex().ReaderUnlock(); };
  const Cube& cube = view_.cube(schema.dataset);

  // Filters to cube codes. A practice nobody has data for matches nothing.
  Cube::Selection base_selection;
  for (size_t d = 0; d < schema.dimensions.size(); ++d) {
    const v1::Dimension dimension = schema.dimensions[d];
    const bool month_range = dimension == v1::DIMENSION_MONTH &&
                             (spec.from_month.has_value() || spec.to_month.has_value());
    if (!spec.filters[d] && !month_range) continue;
    absl::flat_hash_set<uint32_t> codes;
    if (spec.filters[d]) {
      for (const std::string& label : *spec.filters[d]) {
        if (dimension == v1::DIMENSION_PRACTICE) {
          if (auto code = view_.PracticeCode(label)) codes.insert(*code);
        } else {
          codes.insert(*FixedCode(dimension, label, "filters"));
        }
      }
    }
    if (month_range) {
      absl::flat_hash_set<uint32_t> in_range;
      for (uint32_t m : cube.ObservedCodes(static_cast<int>(d))) {
        const int32_t month = static_cast<int32_t>(m);
        if (month < spec.from_month.value_or(0) || month > spec.to_month.value_or(kLastMonth)) {
          continue;
        }
        if (!spec.filters[d] || codes.contains(m)) in_range.insert(m);
      }
      codes = std::move(in_range);
    }
    base_selection.allowed[d] = std::move(codes);
  }
  const internal::CellPredicate base =
      BasePredicate(schema, spec.filters, spec.from_month, spec.to_month);

  auto label_of = [&](int position, uint32_t code) {
    const v1::Dimension dimension = schema.dimensions[position];
    return dimension == v1::DIMENSION_PRACTICE ? view_.PracticeLabel(code)
                                               : FixedLabel(dimension, code);
  };
  auto evaluate = [&](const std::vector<int>& group_by) {
    Cube::Selection selection = base_selection;
    selection.group_by = group_by;
    return cube.Evaluate(selection);
  };
  auto slot_for = [&](Position at, Cube::Group group, const std::vector<int>& group_by) {
    std::vector<v1::Dimension> dimensions;
    std::vector<std::string> labels;
    for (size_t i = 0; i < group_by.size(); ++i) {
      dimensions.push_back(schema.dimensions[group_by[i]]);
      labels.push_back(label_of(group_by[i], group.codes[i]));
    }
    Slot slot{at, std::move(group), {}};
    slot.predicate = GroupPredicate(base, dimensions, labels, slot.group.codes);
    return slot;
  };

  Answer answer;
  common::v1::Table& table = answer.table;
  std::vector<Slot> slots;
  if (!spec.framework_matrix) {
    for (int position : spec.group_by) {
      table.add_row_dimensions(DimensionColumn(schema.dimensions[position]));
    }
    table.add_columns(spec.measure == v1::MEASURE_MEDIAN_DAYS_TO_DONE ? "median_days_to_done"
                                                                      : "count");
    for (Cube::Group& group : evaluate(spec.group_by)) {
      common::v1::TableRow* row = table.add_rows();
      for (size_t i = 0; i < spec.group_by.size(); ++i) {
        row->add_labels(label_of(spec.group_by[i], group.codes[i]));
      }
      row->add_cells();
      slots.push_back(
          slot_for({Position::kCell, table.rows_size() - 1, 0}, std::move(group), spec.group_by));
    }
  } else {
    // Themes x source types, every combination present, with totals.
    const int theme = 0, source = 1;
    table.add_row_dimensions(DimensionColumn(schema.dimensions[theme]));
    std::vector<uint32_t> themes, sources;
    for (int v = 1; common::v1::Principle_IsValid(v); ++v) themes.push_back(v);
    for (int v = 1; consent::v1::SourceType_IsValid(v); ++v) sources.push_back(v);
    for (uint32_t s : sources) table.add_columns(label_of(source, s));
    table.set_has_totals(true);
    for (size_t r = 0; r < themes.size(); ++r) {
      common::v1::TableRow* row = table.add_rows();
      row->add_labels(label_of(theme, themes[r]));
      for (size_t c = 0; c < sources.size(); ++c) row->add_cells();
    }
    for (size_t c = 0; c < sources.size(); ++c) table.add_column_totals();
    auto index_of = [](const std::vector<uint32_t>& values, uint32_t code) {
      return static_cast<int>(std::find(values.begin(), values.end(), code) - values.begin());
    };
    auto empty_group = [](std::vector<uint32_t> codes) {
      Cube::Group g;
      g.codes = std::move(codes);
      return g;
    };
    // Cells and totals with no data still need their slot (a zero is a value too).
    std::map<std::pair<int, int>, Cube::Group> cells;
    for (Cube::Group& g : evaluate({theme, source})) {
      cells[{index_of(themes, g.codes[0]), index_of(sources, g.codes[1])}] = std::move(g);
    }
    std::map<int, Cube::Group> row_totals, column_totals;
    for (Cube::Group& g : evaluate({theme}))
      row_totals[index_of(themes, g.codes[0])] = std::move(g);
    for (Cube::Group& g : evaluate({source})) {
      column_totals[index_of(sources, g.codes[0])] = std::move(g);
    }
    std::vector<Cube::Group> grand = evaluate({});
    for (int r = 0; r < static_cast<int>(themes.size()); ++r) {
      for (int c = 0; c < static_cast<int>(sources.size()); ++c) {
        auto it = cells.find({r, c});
        slots.push_back(slot_for(
            {Position::kCell, r, c},
            it != cells.end() ? std::move(it->second) : empty_group({themes[r], sources[c]}),
            {theme, source}));
      }
      auto it = row_totals.find(r);
      slots.push_back(slot_for(
          {Position::kRowTotal, r, 0},
          it != row_totals.end() ? std::move(it->second) : empty_group({themes[r]}), {theme}));
    }
    for (int c = 0; c < static_cast<int>(sources.size()); ++c) {
      auto it = column_totals.find(c);
      slots.push_back(slot_for(
          {Position::kColumnTotal, 0, c},
          it != column_totals.end() ? std::move(it->second) : empty_group({sources[c]}), {source}));
    }
    slots.push_back(slot_for({Position::kGrandTotal, 0, 0},
                             grand.empty() ? empty_group({}) : std::move(grand.front()), {}));
  }

  // True values and the people behind them.
  for (Slot& slot : slots) {
    common::v1::Cell* cell = CellAt(table, slot.at);
    const bool any = !slot.group.cells.empty();
    if (spec.measure == v1::MEASURE_MEDIAN_DAYS_TO_DONE) {
      const auto [median, done] =
          any ? cube.MedianDays(slot.group) : std::make_pair(0.0, int64_t{0});
      cell->set_value(median);
      cell->set_contributors(done);
      slot.predicate.set_units(done);
      continue;
    }
    const int64_t people = any && schema.has_people ? cube.DistinctPeople(slot.group) : 0;
    const int64_t value = schema.count_people ? people : slot.group.units;
    cell->set_value(static_cast<double>(value));
    cell->set_contributors(schema.has_people ? people : 0);
    slot.predicate.set_units(slot.group.units);
    slot.predicate.set_people(people);
  }

  // Differencing guard: withheld before disclosure control, so totals protect them too.
  const int threshold =
      options_.policy.threshold() > 0 ? options_.policy.threshold() : privacy::kDefaultThreshold;
  std::vector<bool> coarsen(slots.size(), false);
  if (spec.measure == v1::MEASURE_COUNT) {
    std::vector<internal::CellPredicate> fresh;
    fresh.reserve(slots.size());
    for (const Slot& slot : slots) fresh.push_back(slot.predicate);
    ASSIGN_OR_RETURN(
        coarsen, GuardCells(spec.parent, schema.dataset, fresh, threshold, schema.count_people));
    for (size_t i = 0; i < slots.size(); ++i) {
      if (coarsen[i]) CellAt(table, slots[i].at)->set_contributors(1);
    }
  }

  privacy::DisclosureResult controlled;
  if (options_.policy.has_epsilon()) {
    ASSIGN_OR_RETURN(controlled, privacy::ApplyDisclosureControlWithBudget(table, options_.policy,
                                                                           ledger_, spec.parent));
  } else {
    ASSIGN_OR_RETURN(controlled, privacy::ApplyDisclosureControl(table, options_.policy));
  }

  bool coarsened = false;
  std::vector<bool> counted;  // by person id: counted in a published cell
  for (size_t i = 0; i < slots.size(); ++i) {
    common::v1::Cell* out = CellAt(controlled.table, slots[i].at);
    if (coarsen[i] && out->suppressed()) {
      out->set_reason(common::v1::SUPPRESSION_REASON_DIFFERENCING);
      coarsened = true;
    }
    if (out->suppressed()) continue;
    answer.published.push_back(slots[i].predicate);
    if (schema.has_people && !slots[i].group.cells.empty()) {
      cube.DistinctPeople(slots[i].group, &counted);
    }
  }
  for (size_t person = 0; person < counted.size(); ++person) {
    if (counted[person]) {
      answer.counted_people.push_back(view_.PersonPseudonym(static_cast<uint32_t>(person)));
    }
  }

  answer.table = std::move(controlled.table);
  v1::AnswerStamp& stamp = answer.stamp;
  stamp.set_query_id(RandomId(20));
  stamp.set_consent_watermark(applied);
  *stamp.mutable_compute_time() = ToTimestamp(clock_());
  *stamp.mutable_policy() = controlled.applied_policy;
  stamp.set_cells_suppressed(controlled.cells_suppressed_primary +
                             controlled.cells_suppressed_secondary);
  stamp.set_coarsened(coarsened);
  stamp.set_epsilon_spent(controlled.epsilon_spent);
  return answer;
}

template <typename Response>
absl::StatusOr<Response> QueryEngine::AnswerAndRecord(const Spec& spec) {
  if (!spec.request_key.empty()) {
    ASSIGN_OR_RETURN(auto replay, committer_.FindReplay(spec.request_key, spec.fingerprint));
    if (replay.has_value()) return store::ParseStored<Response>(replay->response);
  }
  ASSIGN_OR_RETURN(Answer answer, Compute(spec));
  Response response;
  *response.mutable_table() = std::move(answer.table);
  *response.mutable_stamp() = answer.stamp;

  internal::QueryRecord record;
  record.set_query_id(answer.stamp.query_id());
  record.set_method(spec.method);
  record.set_dataset(spec.schema->dataset);
  record.set_measure(spec.measure);
  record.set_request(spec.request_bytes);
  *record.mutable_stamp() = answer.stamp;
  for (auto& p : answer.published) *record.add_published() = std::move(p);
  store::AtomicWrite write;
  write.Outbox(keys::QueryLog(spec.parent), spec.method, answer.stamp.query_id(),
               record.SerializeAsString());
  if (!spec.request_key.empty()) {
    write.Idempotent(spec.request_key, spec.fingerprint, response.SerializeAsString());
  }
  // An answer that cannot be recorded is not given.
  ASSIGN_OR_RETURN(store::Committer::Committed committed, committer_.Commit(write));
  if (committed.replayed) return store::ParseStored<Response>(committed.response);
  usage_.Record(answer.counted_people, UsageRecorder::Kind::kQuery, clock_());
  return response;
}

absl::StatusOr<v1::QueryResponse> QueryEngine::Query(const v1::QueryRequest& request) {
  RETURN_IF_ERROR(ParseName(request.parent(), kTeamPattern, "parent").status());
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  Spec spec;
  spec.method = "Query";
  spec.parent = request.parent();
  ASSIGN_OR_RETURN(spec.schema, SchemaOf(request.dataset()));
  const DatasetSchema& schema = *spec.schema;
  const std::string dataset_name = v1::Dataset_Name(schema.dataset);

  if (request.group_by().empty() || request.group_by_size() > 3) {
    return InvalidField("group_by", "between 1 and 3 dimensions are required");
  }
  for (int i = 0; i < request.group_by_size(); ++i) {
    const std::string field = absl::StrCat("group_by[", i, "]");
    const int position = schema.PositionOf(request.group_by(i));
    if (position < 0) {
      return InvalidField(field, absl::StrCat(v1::Dimension_Name(request.group_by(i)),
                                              " is not a dimension of ", dataset_name));
    }
    if (std::find(spec.group_by.begin(), spec.group_by.end(), position) != spec.group_by.end()) {
      return InvalidField(field, "repeats a dimension");
    }
    spec.group_by.push_back(position);
  }
  if (request.filters_size() > kMaxFilters) {
    return InvalidField("filters", absl::StrCat("at most ", kMaxFilters));
  }
  for (int i = 0; i < request.filters_size(); ++i) {
    const v1::Filter& filter = request.filters(i);
    const std::string field = absl::StrCat("filters[", i, "]");
    const int position = schema.PositionOf(filter.dimension());
    if (position < 0) {
      return InvalidField(field + ".dimension",
                          absl::StrCat(v1::Dimension_Name(filter.dimension()),
                                       " is not a dimension of ", dataset_name));
    }
    if (spec.filters[position].has_value()) {
      return InvalidField(field + ".dimension", "repeats a dimension");
    }
    if (filter.values().empty() || filter.values_size() > kMaxFilterValues) {
      return InvalidField(field + ".values",
                          absl::StrCat("between 1 and ", kMaxFilterValues, " values"));
    }
    std::vector<std::string> labels;
    for (int j = 0; j < filter.values_size(); ++j) {
      const std::string& label = filter.values(j);
      const std::string value_field = absl::StrCat(field, ".values[", j, "]");
      if (filter.dimension() == v1::DIMENSION_PRACTICE) {
        if (!IsPracticeLabel(label)) {
          return InvalidField(value_field, "must be a practice pseudonym or \"none\"");
        }
      } else {
        RETURN_IF_ERROR(FixedCode(filter.dimension(), label, value_field).status());
      }
      labels.push_back(label);
    }
    spec.filters[position] = std::move(labels);
  }
  spec.measure = request.measure();
  if (spec.measure == v1::MEASURE_UNSPECIFIED || !v1::Measure_IsValid(spec.measure)) {
    return InvalidField("measure", "must be COUNT or MEDIAN_DAYS_TO_DONE");
  }
  if (spec.measure == v1::MEASURE_MEDIAN_DAYS_TO_DONE && schema.dataset != v1::DATASET_ACTIONS) {
    return InvalidField("measure", "MEDIAN_DAYS_TO_DONE applies to the ACTIONS dataset only");
  }
  if (schema.PositionOf(v1::DIMENSION_MONTH) < 0 &&
      (request.has_from_month() || request.has_to_month())) {
    return InvalidField("from_month", absl::StrCat(dataset_name, " has no month"));
  }
  RETURN_IF_ERROR(ReadMonthRange(request.has_from_month() ? &request.from_month() : nullptr,
                                 request.has_to_month() ? &request.to_month() : nullptr,
                                 &spec.from_month, &spec.to_month));
  if (!request.request_id().empty()) {
    spec.request_key = IdempotencyKey(keys::kPrefix, request.parent(), request.request_id());
    spec.fingerprint = RequestFingerprint("Query", request);
  }
  spec.request_bytes = request.SerializeAsString();
  return AnswerAndRecord<v1::QueryResponse>(spec);
}

absl::StatusOr<v1::FrameworkMatrix> QueryEngine::FrameworkMatrix(
    const v1::GetFrameworkMatrixRequest& request) {
  RETURN_IF_ERROR(ParseName(request.parent(), kTeamPattern, "parent").status());
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  Spec spec;
  spec.method = "GetFrameworkMatrix";
  spec.parent = request.parent();
  ASSIGN_OR_RETURN(spec.schema, SchemaOf(v1::DATASET_CONTRIBUTIONS));
  spec.framework_matrix = true;
  spec.group_by = {0, 1};
  if (!request.practice().empty()) {
    if (!IsPracticeLabel(request.practice())) {
      return InvalidField("practice", "must be a practice pseudonym or \"none\"");
    }
    spec.filters[spec.schema->PositionOf(v1::DIMENSION_PRACTICE)] =
        std::vector<std::string>{request.practice()};
  }
  RETURN_IF_ERROR(ReadMonthRange(request.has_from_month() ? &request.from_month() : nullptr,
                                 request.has_to_month() ? &request.to_month() : nullptr,
                                 &spec.from_month, &spec.to_month));
  if (!request.request_id().empty()) {
    spec.request_key = IdempotencyKey(keys::kPrefix, request.parent(), request.request_id());
    spec.fingerprint = RequestFingerprint("GetFrameworkMatrix", request);
  }
  spec.request_bytes = request.SerializeAsString();
  return AnswerAndRecord<v1::FrameworkMatrix>(spec);
}

absl::StatusOr<v1::ListQuotesResponse> QueryEngine::ListQuotes(
    const v1::ListQuotesRequest& request) {
  RETURN_IF_ERROR(ParseName(request.parent(), kTeamPattern, "parent").status());
  if (request.theme() == common::v1::PRINCIPLE_UNSPECIFIED ||
      !common::v1::Principle_IsValid(request.theme())) {
    return InvalidField("theme", "required: one of the trauma-informed principles");
  }
  ASSIGN_OR_RETURN(const int page_size, ResolvePageSize(request.page_size(), 20, 100));
  const std::string scope = absl::StrCat("quotes|", request.parent(), "|", request.theme());
  ASSIGN_OR_RETURN(const std::string after, DecodePageToken(scope, request.page_token()));

  v1::ListQuotesResponse response;
  std::vector<std::string> quoted;
  int64_t applied = 0;
  RETURN_IF_ERROR(LockFresh(&applied));
  {
    absl::Cleanup unlock = [this] { view_.mutex().ReaderUnlock(); };
    std::vector<AnalyticsView::QuoteRef> refs =
        view_.Quotes(request.theme(), after, static_cast<size_t>(page_size) + 1);
    for (size_t i = 0; i < refs.size() && i < static_cast<size_t>(page_size); ++i) {
      std::optional<v1::ContributionEvent> row = view_.Contribution(refs[i].contribution);
      if (!row.has_value()) continue;
      v1::Quote* quote = response.add_quotes();
      quote->set_quote_id(refs[i].quote_id);
      quote->set_text(row->redacted_text());
      *quote->mutable_themes() = row->themes();
      quote->set_source_type(row->source_type());
      *quote->mutable_month() = row->month();
      quoted.push_back(row->participant());
    }
    if (refs.size() > static_cast<size_t>(page_size)) {
      response.set_next_page_token(EncodePageToken(scope, refs[page_size - 1].quote_id));
    }
    response.set_consent_watermark(applied);
  }
  usage_.Record(quoted, UsageRecorder::Kind::kQuoteListing, clock_());
  return response;
}

absl::StatusOr<v1::PrivacyBudget> QueryEngine::PrivacyBudget(
    const v1::GetPrivacyBudgetRequest& request) {
  RETURN_IF_ERROR(ParseName(request.parent(), kTeamPattern, "parent").status());
  ASSIGN_OR_RETURN(privacy::BudgetBalance balance, ledger_.Balance(request.parent()));
  ASSIGN_OR_RETURN(store::Reply answered,
                   store_.Command({"XLEN", keys::QueryLog(request.parent())}));
  v1::PrivacyBudget budget;
  budget.set_parent(request.parent());
  budget.set_epsilon_total(balance.total());
  budget.set_epsilon_spent(balance.spent());
  budget.set_epsilon_remaining(balance.remaining());
  budget.set_queries_answered(answered.integer);
  *budget.mutable_update_time() = ToTimestamp(clock_());
  return budget;
}

}  // namespace bridging::analytics
