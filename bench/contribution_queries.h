// The analytics query benchmark's query set over synthetic contributions: each query as SQL for
// PostgreSQL and as the analytics QueryRequest that mirrors it, and its exact answer computed
// directly from the generated data (to check either backend).
//
//   const SyntheticContributions data = GenerateContributions({.contributions = 10000});
//   for (const ContributionQuery& q : ContributionQueries(data)) {
//     QueryAnswer expected = ExpectedAnswer(data, q);
//     analytics::v1::QueryRequest request = ToQueryRequest(q, "researchers/bench");
//     ... run q.sql, or send request, and compare with CompareAnswers ...
//   }
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bench/synthetic_contributions.h"
#include "bridging/analytics/v1/analytics.pb.h"

namespace bridging::bench {

// Keeps contributions whose value for `dimension` is one of `values` (labels encoded as
// bridging.common.v1.TableRow.labels: full enum value names, months "YYYY-MM", pseudonyms).
struct QueryFilter {
  analytics::v1::Dimension dimension = analytics::v1::DIMENSION_UNSPECIFIED;
  std::vector<std::string> values;
};

// One query of the benchmark. group_by, filters and the month range say what it computes (and
// are what ToQueryRequest sends); the SQL computes the same over the PostgreSQL tables of
// postgres_contributions.h, returning one row per group: one column per group_by dimension in
// that order (theme and source_type as their enum numbers, month as a date, practice as its
// pseudonym), then the contributions (count(*)), then the distinct participants.
struct ContributionQuery {
  std::string name;         // short, for tables and RATIO lines: "by_theme"
  std::string description;  // one line for people
  std::vector<analytics::v1::Dimension> group_by;
  std::vector<QueryFilter> filters;
  // Inclusive month indexes (see synthetic_contributions.h); -1 = unbounded.
  int from_month = -1;
  int to_month = -1;
  // What the benchmark times: contributions per (group, participant) first, then per group
  // sum(n) and count(*). PostgreSQL runs that with parallel hash aggregation; on 1M rows it
  // took half the time of sql_count_distinct, whose count(DISTINCT) forces a sort on one core.
  std::string sql;
  // The same answer as the textbook GROUP BY with count(*) and count(DISTINCT participant).
  std::string sql_count_distinct;
};

// Per group: contributions (a contribution with several themes counts once under each theme
// when grouped by theme) and the distinct participants behind them, which analytics needs
// for disclosure control.
struct GroupCount {
  int64_t contributions = 0;
  int64_t participants = 0;
  bool operator==(const GroupCount& other) const {
    return contributions == other.contributions && participants == other.participants;
  }
};

// Group labels (one per group_by dimension, TableRow.labels encoding) -> counts.
using QueryAnswer = std::map<std::vector<std::string>, GroupCount>;

// How long one query took over repeated runs.
struct QueryLatency {
  std::string name;
  int runs = 0;
  int64_t groups = 0;  // rows of the answer
  std::optional<double> min_ms;
  std::optional<double> p50_ms;
  std::optional<double> p99_ms;  // nearest rank: the slowest run when there are under 100
};

// Calls `once` `warmup` times untimed, then `runs` times, timing each call; the first error
// ends it. `once` returns the number of groups in its answer.
absl::StatusOr<QueryLatency> TimeQuery(std::string name, int runs, int warmup,
                                       const std::function<absl::StatusOr<int64_t>()>& once);

// The five queries, their filter values taken from `data`:
//   by_theme                 contributions by theme
//   theme_x_source_type      theme x source type (the framework matrix)
//   by_month_two_practices   by month, practices[0] and practices[1] only
//   practice_x_source_6mo    practice x source type, 2025-01 .. 2025-06
//   by_theme_interviews      by theme, SOURCE_TYPE_INTERVIEW only
std::vector<ContributionQuery> ContributionQueries(const SyntheticContributions& data);

// The answer computed directly from the data, without any database.
QueryAnswer ExpectedAnswer(const SyntheticContributions& data, const ContributionQuery& query);

// The analytics request that asks the same: DATASET_CONTRIBUTIONS, MEASURE_COUNT.
// Analytics answers with disclosure-controlled counts (rounded, small cells suppressed) and
// does not return the distinct participants, so compare its answer with rounding in mind.
analytics::v1::QueryRequest ToQueryRequest(const ContributionQuery& query,
                                           absl::string_view parent);

// The label of a group_by value as PostgreSQL returns it (e.g. "2" for THEME becomes
// "PRINCIPLE_TRUSTWORTHINESS_TRANSPARENCY", "2025-03-01" for MONTH becomes "2025-03").
std::string LabelFromSql(analytics::v1::Dimension dimension, absl::string_view value);

// OK if equal; else INTERNAL naming the query and the first few differing groups.
absl::Status CompareAnswers(absl::string_view query_name, const QueryAnswer& expected,
                            const QueryAnswer& actual);

}  // namespace bridging::bench
