// Loads synthetic contributions into PostgreSQL with COPY and runs the benchmark queries there.
#include "bench/postgres_contributions.h"

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/postgres_server.h"

namespace bridging::bench {
namespace {

// COPY data is sent in pieces of this size.
constexpr size_t kCopyChunk = 1 << 20;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Streams `text` (COPY text format) into the COPY ... FROM STDIN that `sql` starts.
absl::Status Copy(PGconn* conn, const std::string& sql, const std::string& text) {
  {
    PgResult started(PQexec(conn, sql.c_str()));
    if (PQresultStatus(started.get()) != PGRES_COPY_IN) {
      return absl::InternalError(absl::StrCat(sql, ": ", PQerrorMessage(conn)));
    }
  }
  for (size_t offset = 0; offset < text.size(); offset += kCopyChunk) {
    const size_t length = std::min(kCopyChunk, text.size() - offset);
    if (PQputCopyData(conn, text.data() + offset, static_cast<int>(length)) != 1) {
      return absl::InternalError(absl::StrCat(sql, ": sending data: ", PQerrorMessage(conn)));
    }
  }
  if (PQputCopyEnd(conn, nullptr) != 1) {
    return absl::InternalError(absl::StrCat(sql, ": ending: ", PQerrorMessage(conn)));
  }
  absl::Status status = absl::OkStatus();
  while (PGresult* raw = PQgetResult(conn)) {
    PgResult result(raw);
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK && status.ok()) {
      status = absl::InternalError(absl::StrCat(sql, ": ", PQresultErrorMessage(result.get())));
    }
  }
  return status;
}

// The answer's rows as groups: one column per group_by dimension, then the two counts.
absl::StatusOr<QueryAnswer> Decode(const ContributionQuery& query, const PGresult* result) {
  const int labels = static_cast<int>(query.group_by.size());
  if (PQnfields(result) != labels + 2) {
    return absl::InternalError(
        absl::StrCat(query.name, ": ", PQnfields(result), " columns, want ", labels + 2));
  }
  QueryAnswer answer;
  for (int row = 0; row < PQntuples(result); ++row) {
    std::vector<std::string> key;
    for (int col = 0; col < labels; ++col) {
      key.push_back(LabelFromSql(query.group_by[col], PQgetvalue(result, row, col)));
    }
    GroupCount count;
    if (!absl::SimpleAtoi(PQgetvalue(result, row, labels), &count.contributions) ||
        !absl::SimpleAtoi(PQgetvalue(result, row, labels + 1), &count.participants)) {
      return absl::InternalError(absl::StrCat(query.name, ": row ", row, " has no counts"));
    }
    if (!answer.emplace(std::move(key), count).second) {
      return absl::InternalError(absl::StrCat(query.name, ": a group appears twice"));
    }
  }
  return answer;
}

const std::string& SqlOf(const ContributionQuery& query, SqlForm form) {
  return form == SqlForm::kCountDistinct ? query.sql_count_distinct : query.sql;
}

}  // namespace

absl::StatusOr<PostgresLoad> LoadContributions(PGconn* conn, const SyntheticContributions& data) {
  PostgresLoad load;
  load.contributions = static_cast<int64_t>(data.contributions.size());
  std::string rows;
  std::string themes;
  rows.reserve(data.contributions.size() * 160);
  themes.reserve(static_cast<size_t>(data.theme_rows) * 12);
  for (const SyntheticContribution& c : data.contributions) {
    absl::StrAppend(&rows, c.id, "\t", data.participants[c.participant], "\t",
                    data.practices[c.practice], "\t", static_cast<int>(c.source_type), "\t",
                    MonthSqlDate(c.month), "\n");
    for (common::v1::Principle theme : c.Themes()) {
      absl::StrAppend(&themes, c.id, "\t", static_cast<int>(theme), "\n");
      ++load.theme_rows;
    }
  }
  load.copy_bytes = static_cast<int64_t>(rows.size() + themes.size());

  auto start = std::chrono::steady_clock::now();
  // FREEZE needs the tables created in the same transaction; it saves VACUUM the work of
  // freezing the rows later and lets index-only scans use them at once.
  for (const char* sql : {"BEGIN", "DROP TABLE IF EXISTS contribution_themes, contributions",
                          "CREATE TABLE contributions (id bigint NOT NULL, participant text "
                          "NOT NULL, practice text NOT NULL, source_type smallint NOT NULL, "
                          "month date NOT NULL)",
                          "CREATE TABLE contribution_themes (contribution_id bigint NOT NULL, "
                          "theme smallint NOT NULL)"}) {
    if (absl::Status s = PgExec(conn, sql); !s.ok()) return s;
  }
  if (absl::Status s = Copy(conn, "COPY contributions FROM STDIN WITH (FREEZE)", rows); !s.ok()) {
    return s;
  }
  if (absl::Status s = Copy(conn, "COPY contribution_themes FROM STDIN WITH (FREEZE)", themes);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = PgExec(conn, "COMMIT"); !s.ok()) return s;
  load.copy_seconds = SecondsSince(start);

  start = std::chrono::steady_clock::now();
  for (const char* sql :
       {"ALTER TABLE contributions ADD PRIMARY KEY (id)",
        "CREATE INDEX contributions_practice_month ON contributions (practice, month)",
        "CREATE INDEX contributions_month ON contributions (month)",
        "ALTER TABLE contribution_themes ADD PRIMARY KEY (contribution_id, theme)"}) {
    if (absl::Status s = PgExec(conn, sql); !s.ok()) return s;
  }
  load.index_seconds = SecondsSince(start);

  start = std::chrono::steady_clock::now();
  if (absl::Status s = PgExec(conn, "VACUUM (ANALYZE) contributions, contribution_themes");
      !s.ok()) {
    return s;
  }
  load.analyze_seconds = SecondsSince(start);

  absl::StatusOr<PgResult> size = PgQuery(conn,
                                          "SELECT pg_total_relation_size('contributions') + "
                                          "pg_total_relation_size('contribution_themes')");
  if (!size.ok()) return size.status();
  if (!absl::SimpleAtoi(PQgetvalue(size->get(), 0, 0), &load.table_bytes)) {
    return absl::InternalError("pg_total_relation_size returned no number");
  }
  return load;
}

const char* SqlFormName(SqlForm form) {
  return form == SqlForm::kCountDistinct ? "count_distinct" : "per_participant";
}

absl::StatusOr<QueryAnswer> RunPostgresQuery(PGconn* conn, const ContributionQuery& query,
                                             SqlForm form) {
  absl::StatusOr<PgResult> result = PgQuery(conn, SqlOf(query, form));
  if (!result.ok()) return result.status();
  return Decode(query, result->get());
}

absl::StatusOr<QueryLatency> TimePostgresQuery(PGconn* conn, const ContributionQuery& query,
                                               int runs, int warmup, SqlForm form) {
  const std::string& sql = SqlOf(query, form);
  return TimeQuery(query.name, runs, warmup, [&]() -> absl::StatusOr<int64_t> {
    absl::StatusOr<PgResult> result = PgQuery(conn, sql);
    if (!result.ok()) return result.status();
    return static_cast<int64_t>(PQntuples(result->get()));
  });
}

absl::StatusOr<std::string> ExplainPostgresQuery(PGconn* conn, const ContributionQuery& query,
                                                 SqlForm form) {
  absl::StatusOr<PgResult> result =
      PgQuery(conn, absl::StrCat("EXPLAIN (ANALYZE, BUFFERS) ", SqlOf(query, form)));
  if (!result.ok()) return result.status();
  std::string plan;
  for (int row = 0; row < PQntuples(result->get()); ++row) {
    absl::StrAppend(&plan, PQgetvalue(result->get(), row, 0), "\n");
  }
  return plan;
}

}  // namespace bridging::bench
