// The benchmark's queries over synthetic contributions, their exact answers, and their
// analytics QueryRequest form.
#include "bench/contribution_queries.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "bench/bench_util.h"

namespace bridging::bench {
namespace {

using analytics::v1::Dimension;

// The six months of the practice x source type query: 2025-01 .. 2025-06.
constexpr int kSixMonthsFrom = 12;
constexpr int kSixMonthsTo = 17;
// Group keys pack one small number per dimension (a month, theme, source type or practice
// index, each < kKeyBase).
constexpr int64_t kKeyBase = 1 << 16;

std::string SqlString(absl::string_view s) {
  return absl::StrCat("'", absl::StrReplaceAll(s, {{"'", "''"}}), "'");
}

// The values a dimension can take for the data, as numbers (enum value, month or practice
// index), each with its label.
std::vector<std::pair<int, std::string>> Domain(const SyntheticContributions& data,
                                                Dimension dimension) {
  std::vector<std::pair<int, std::string>> out;
  switch (dimension) {
    case analytics::v1::DIMENSION_THEME:
      for (common::v1::Principle p : AllThemes()) {
        out.emplace_back(p, common::v1::Principle_Name(p));
      }
      break;
    case analytics::v1::DIMENSION_SOURCE_TYPE:
      for (consent::v1::SourceType s : AllSourceTypes()) {
        out.emplace_back(s, consent::v1::SourceType_Name(s));
      }
      break;
    case analytics::v1::DIMENSION_MONTH:
      for (int m = 0; m < kMonths; ++m) out.emplace_back(m, MonthLabel(m));
      break;
    case analytics::v1::DIMENSION_PRACTICE:
      for (size_t i = 0; i < data.practices.size(); ++i) {
        out.emplace_back(static_cast<int>(i), data.practices[i]);
      }
      break;
    default:
      break;  // not a dimension of DATASET_CONTRIBUTIONS: nothing matches it
  }
  return out;
}

// The number a (contribution, theme) row has for a dimension.
int ValueOf(const SyntheticContribution& c, common::v1::Principle theme, Dimension dimension) {
  switch (dimension) {
    case analytics::v1::DIMENSION_THEME:
      return theme;
    case analytics::v1::DIMENSION_SOURCE_TYPE:
      return c.source_type;
    case analytics::v1::DIMENSION_MONTH:
      return c.month;
    case analytics::v1::DIMENSION_PRACTICE:
      return c.practice;
    default:
      return -1;
  }
}

bool Mentions(const ContributionQuery& query, Dimension dimension) {
  if (std::find(query.group_by.begin(), query.group_by.end(), dimension) != query.group_by.end()) {
    return true;
  }
  return std::any_of(query.filters.begin(), query.filters.end(),
                     [&](const QueryFilter& f) { return f.dimension == dimension; });
}

std::string Describe(const std::vector<std::string>& labels) {
  return absl::StrCat("(", absl::StrJoin(labels, ", "), ")");
}

std::string Describe(const GroupCount& count) {
  return absl::StrCat(count.contributions, " contributions / ", count.participants,
                      " participants");
}

}  // namespace

std::vector<ContributionQuery> ContributionQueries(const SyntheticContributions& data) {
  namespace a = analytics::v1;
  constexpr char kContributions[] = "contributions c";
  constexpr char kThemes[] =
      "contribution_themes t JOIN contributions c ON c.id = t.contribution_id";
  std::vector<ContributionQuery> queries;
  // group_by's columns, each "expression AS name", then the tables and the condition.
  const auto add = [&](std::string name, std::string description,
                       std::vector<a::Dimension> group_by, std::vector<QueryFilter> filters,
                       int from_month, int to_month, std::vector<std::string> columns,
                       std::string from, std::string where) {
    std::vector<std::string> expressions, names;
    for (const std::string& column : columns) {
      const size_t as = column.find(" AS ");
      expressions.push_back(column.substr(0, as));
      names.push_back(column.substr(as + 4));
    }
    const std::string condition = where.empty() ? "" : absl::StrCat(" WHERE ", where);
    ContributionQuery query;
    query.name = std::move(name);
    query.description = std::move(description);
    query.group_by = std::move(group_by);
    query.filters = std::move(filters);
    query.from_month = from_month;
    query.to_month = to_month;
    query.sql =
        absl::StrCat("SELECT ", absl::StrJoin(names, ", "), ", sum(n), count(*) FROM (SELECT ",
                     absl::StrJoin(columns, ", "), ", c.participant, count(*) AS n FROM ", from,
                     condition, " GROUP BY ", absl::StrJoin(expressions, ", "),
                     ", c.participant) per_participant GROUP BY ", absl::StrJoin(names, ", "));
    query.sql_count_distinct = absl::StrCat(
        "SELECT ", absl::StrJoin(expressions, ", "), ", count(*), count(DISTINCT c.participant) ",
        "FROM ", from, condition, " GROUP BY ", absl::StrJoin(expressions, ", "));
    queries.push_back(std::move(query));
  };

  add("by_theme", "contributions by theme (one per theme of each contribution)",
      {a::DIMENSION_THEME}, {}, -1, -1, {"t.theme AS theme"}, kThemes, "");

  add("theme_x_source_type",
      "theme x source type, the framework matrix (GetFrameworkMatrix's cells)",
      {a::DIMENSION_THEME, a::DIMENSION_SOURCE_TYPE}, {}, -1, -1,
      {"t.theme AS theme", "c.source_type AS source_type"}, kThemes, "");

  // The two practices most participants call home.
  const std::string p0 = data.practices.empty() ? "" : data.practices[0];
  const std::string p1 = data.practices.size() < 2 ? p0 : data.practices[1];
  add("by_month_two_practices", "contributions by month about two practices (the two largest)",
      {a::DIMENSION_MONTH}, {{a::DIMENSION_PRACTICE, {p0, p1}}}, -1, -1, {"c.month AS month"},
      kContributions, absl::StrCat("c.practice IN (", SqlString(p0), ", ", SqlString(p1), ")"));

  add("practice_x_source_6mo",
      absl::StrCat("practice x source type, ", MonthLabel(kSixMonthsFrom), " .. ",
                   MonthLabel(kSixMonthsTo)),
      {a::DIMENSION_PRACTICE, a::DIMENSION_SOURCE_TYPE}, {}, kSixMonthsFrom, kSixMonthsTo,
      {"c.practice AS practice", "c.source_type AS source_type"}, kContributions,
      absl::StrCat("c.month BETWEEN DATE ", SqlString(MonthSqlDate(kSixMonthsFrom)), " AND DATE ",
                   SqlString(MonthSqlDate(kSixMonthsTo))));

  add("by_theme_interviews", "contributions by theme, interviews only", {a::DIMENSION_THEME},
      {{a::DIMENSION_SOURCE_TYPE,
        {consent::v1::SourceType_Name(consent::v1::SOURCE_TYPE_INTERVIEW)}}},
      -1, -1, {"t.theme AS theme"}, kThemes,
      absl::StrCat("c.source_type = ", consent::v1::SOURCE_TYPE_INTERVIEW));
  return queries;
}

QueryAnswer ExpectedAnswer(const SyntheticContributions& data, const ContributionQuery& query) {
  // Each filter as the set of numbers it lets through.
  std::vector<std::pair<Dimension, std::vector<bool>>> allowed;
  for (const QueryFilter& filter : query.filters) {
    const std::set<std::string> values(filter.values.begin(), filter.values.end());
    std::vector<bool> pass(kKeyBase, false);
    for (const auto& [value, label] : Domain(data, filter.dimension)) {
      if (values.count(label) > 0) pass[value] = true;
    }
    allowed.emplace_back(filter.dimension, std::move(pass));
  }
  const bool by_theme = Mentions(query, analytics::v1::DIMENSION_THEME);

  struct Group {
    GroupCount count;
    std::vector<bool> seen;  // by participant index
  };
  absl::flat_hash_map<int64_t, Group> groups;
  const auto add = [&](const SyntheticContribution& c, common::v1::Principle theme) {
    for (const auto& [dimension, pass] : allowed) {
      const int value = ValueOf(c, theme, dimension);
      if (value < 0 || value >= kKeyBase || !pass[value]) return;
    }
    int64_t key = 0;
    for (Dimension dimension : query.group_by) key = key * kKeyBase + ValueOf(c, theme, dimension);
    Group& group = groups[key];
    if (group.seen.empty()) group.seen.resize(data.participants.size(), false);
    ++group.count.contributions;
    if (!group.seen[c.participant]) {
      group.seen[c.participant] = true;
      ++group.count.participants;
    }
  };
  for (const SyntheticContribution& c : data.contributions) {
    if (query.from_month >= 0 && c.month < query.from_month) continue;
    if (query.to_month >= 0 && c.month > query.to_month) continue;
    if (!by_theme) {
      add(c, common::v1::PRINCIPLE_UNSPECIFIED);
      continue;
    }
    for (common::v1::Principle theme : c.Themes()) add(c, theme);
  }

  // Back from numbers to labels.
  std::vector<std::map<int, std::string>> labels;
  for (Dimension dimension : query.group_by) {
    std::map<int, std::string> names;
    for (auto& [value, label] : Domain(data, dimension)) names[value] = std::move(label);
    labels.push_back(std::move(names));
  }
  QueryAnswer answer;
  for (const auto& [key, group] : groups) {
    std::vector<std::string> row(query.group_by.size());
    int64_t rest = key;
    for (size_t i = query.group_by.size(); i-- > 0;) {
      row[i] = labels[i][static_cast<int>(rest % kKeyBase)];
      rest /= kKeyBase;
    }
    answer[std::move(row)] = group.count;
  }
  return answer;
}

absl::StatusOr<QueryLatency> TimeQuery(std::string name, int runs, int warmup,
                                       const std::function<absl::StatusOr<int64_t>()>& once) {
  QueryLatency latency;
  latency.name = std::move(name);
  for (int i = 0; i < warmup; ++i) {
    absl::StatusOr<int64_t> groups = once();
    if (!groups.ok()) return groups.status();
    latency.groups = *groups;
  }
  std::vector<int64_t> nanos;
  nanos.reserve(std::max(runs, 0));
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<int64_t> groups = once();
    const auto end = std::chrono::steady_clock::now();
    if (!groups.ok()) return groups.status();
    latency.groups = *groups;
    nanos.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
  }
  std::sort(nanos.begin(), nanos.end());
  latency.runs = static_cast<int>(nanos.size());
  latency.min_ms = QuantileMs(nanos, 0.0);
  latency.p50_ms = QuantileMs(nanos, 0.50);
  latency.p99_ms = QuantileMs(nanos, 0.99);
  return latency;
}

analytics::v1::QueryRequest ToQueryRequest(const ContributionQuery& query,
                                           absl::string_view parent) {
  analytics::v1::QueryRequest request;
  request.set_parent(std::string(parent));
  request.set_dataset(analytics::v1::DATASET_CONTRIBUTIONS);
  for (Dimension dimension : query.group_by) request.add_group_by(dimension);
  for (const QueryFilter& filter : query.filters) {
    analytics::v1::Filter* f = request.add_filters();
    f->set_dimension(filter.dimension);
    for (const std::string& value : filter.values) f->add_values(value);
  }
  request.set_measure(analytics::v1::MEASURE_COUNT);
  if (query.from_month >= 0) *request.mutable_from_month() = MonthDate(query.from_month);
  if (query.to_month >= 0) *request.mutable_to_month() = MonthDate(query.to_month);
  // No request_id: a repeated id would return the recorded answer without computing it.
  return request;
}

std::string LabelFromSql(Dimension dimension, absl::string_view value) {
  int number = 0;
  switch (dimension) {
    case analytics::v1::DIMENSION_THEME:
      if (absl::SimpleAtoi(value, &number) && common::v1::Principle_IsValid(number)) {
        return common::v1::Principle_Name(static_cast<common::v1::Principle>(number));
      }
      break;
    case analytics::v1::DIMENSION_SOURCE_TYPE:
      if (absl::SimpleAtoi(value, &number) && consent::v1::SourceType_IsValid(number)) {
        return consent::v1::SourceType_Name(static_cast<consent::v1::SourceType>(number));
      }
      break;
    case analytics::v1::DIMENSION_MONTH:
      if (value.size() == 10) return std::string(value.substr(0, 7));  // YYYY-MM-DD
      break;
    default:
      return std::string(value);
  }
  return absl::StrCat("<unexpected ", value, ">");
}

absl::Status CompareAnswers(absl::string_view query_name, const QueryAnswer& expected,
                            const QueryAnswer& actual) {
  constexpr int kShown = 5;
  std::vector<std::string> differences;
  int total = 0;
  const auto note = [&](std::string text) {
    if (++total <= kShown) differences.push_back(std::move(text));
  };
  for (const auto& [labels, count] : expected) {
    const auto it = actual.find(labels);
    if (it == actual.end()) {
      note(absl::StrCat(Describe(labels), " missing, want ", Describe(count)));
    } else if (!(it->second == count)) {
      note(absl::StrCat(Describe(labels), " has ", Describe(it->second), ", want ",
                        Describe(count)));
    }
  }
  for (const auto& [labels, count] : actual) {
    if (expected.count(labels) == 0) {
      note(absl::StrCat(Describe(labels), " unexpected: ", Describe(count)));
    }
  }
  if (total == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(query_name, ": ", total, " of ", expected.size(),
                                          " groups differ: ", absl::StrJoin(differences, "; ")));
}

}  // namespace bridging::bench
