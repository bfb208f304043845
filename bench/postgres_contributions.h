// The PostgreSQL side of the analytics query benchmark: synthetic contributions loaded with COPY
// into two tables, and the benchmark's queries run and timed there.
//
//   contributions(id bigint PRIMARY KEY, participant text, practice text,
//                 source_type smallint, month date)             one row per contribution
//   contribution_themes(contribution_id bigint, theme smallint)  one row per theme of each,
//                                                                PRIMARY KEY (both)
//   indexes: contributions (practice, month), contributions (month)
//
//   absl::StatusOr<PostgresLoad> load = LoadContributions(conn, data);
//   absl::StatusOr<QueryAnswer> answer = RunPostgresQuery(conn, query);
//   absl::StatusOr<QueryLatency> latency = TimePostgresQuery(conn, query, 30, 2);
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "bench/contribution_queries.h"
#include "bench/synthetic_contributions.h"

namespace bridging::bench {

// How long the load took, by phase.
struct PostgresLoad {
  int64_t contributions = 0;
  int64_t theme_rows = 0;
  int64_t copy_bytes = 0;  // COPY text sent for both tables
  // CREATE TABLE and COPY ... WITH (FREEZE) of both tables in one transaction (with
  // wal_level=minimal this writes no WAL for the rows).
  double copy_seconds = 0;
  double index_seconds = 0;    // the primary keys and indexes
  double analyze_seconds = 0;  // VACUUM (ANALYZE): statistics and the visibility map
  int64_t table_bytes = 0;     // both tables with their indexes, on disk

  // Until the data can be queried as the benchmark queries it.
  double ready_seconds() const { return copy_seconds + index_seconds + analyze_seconds; }
};

// Replaces the two tables with `data`. The COPY text is built before the clock starts, so the
// times are PostgreSQL's (and the loopback's), not the formatting's.
absl::StatusOr<PostgresLoad> LoadContributions(PGconn* conn, const SyntheticContributions& data);

// Which of a query's two SQL forms to run (see ContributionQuery).
enum class SqlForm {
  kPerParticipant,  // query.sql, what the benchmark times
  kCountDistinct,   // query.sql_count_distinct
};

// "per_participant" or "count_distinct".
const char* SqlFormName(SqlForm form);

// Runs the query once; the answer's labels are in the TableRow.labels encoding.
absl::StatusOr<QueryAnswer> RunPostgresQuery(PGconn* conn, const ContributionQuery& query,
                                             SqlForm form = SqlForm::kPerParticipant);

// Runs the query `warmup` times untimed, then `runs` times, each timed from sending the SQL to
// having received every row.
absl::StatusOr<QueryLatency> TimePostgresQuery(PGconn* conn, const ContributionQuery& query,
                                               int runs, int warmup,
                                               SqlForm form = SqlForm::kPerParticipant);

// EXPLAIN (ANALYZE, BUFFERS) of the query: the plan PostgreSQL chose and its timings.
absl::StatusOr<std::string> ExplainPostgresQuery(PGconn* conn, const ContributionQuery& query,
                                                 SqlForm form = SqlForm::kPerParticipant);

}  // namespace bridging::bench
