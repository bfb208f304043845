// Implements the k-anonymity check with one hash map keyed by the encoded quasi-identifiers.
#include "libs/privacy/k_anonymity.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/common/errors.h"

namespace bridging::privacy {

absl::StatusOr<KAnonymityReport> CheckKAnonymity(const TableView& data,
                                                 const std::vector<std::string>& quasi_identifiers,
                                                 int k) {
  const std::vector<std::string>& columns = data.columns();
  if (columns.empty()) return InvalidField("columns", "must name at least one column");
  absl::flat_hash_map<absl::string_view, size_t> index;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].empty()) return InvalidField(absl::StrCat("columns[", i, "]"), "is empty");
    if (!index.emplace(columns[i], i).second) {
      return InvalidField(absl::StrCat("columns[", i, "]"), "repeats an earlier column");
    }
  }
  if (quasi_identifiers.empty()) return InvalidField("quasi_identifiers", "must not be empty");
  std::vector<size_t> qi;
  absl::flat_hash_set<absl::string_view> seen;
  for (size_t i = 0; i < quasi_identifiers.size(); ++i) {
    auto it = index.find(quasi_identifiers[i]);
    if (it == index.end()) {
      return InvalidField(absl::StrCat("quasi_identifiers[", i, "]"), "is not one of the columns");
    }
    if (!seen.insert(quasi_identifiers[i]).second) {
      return InvalidField(absl::StrCat("quasi_identifiers[", i, "]"), "repeats");
    }
    qi.push_back(it->second);
  }
  if (k < 2) return InvalidField("k", "must be at least 2");
  const size_t rows = data.row_count();
  if (rows > kMaxKAnonymityRows) {
    return InvalidField("rows", absl::StrCat("at most ", kMaxKAnonymityRows, " rows"));
  }

  // Key: each value length-prefixed, so ("a,b") and ("a", "b") never collide.
  struct Group {
    size_t first_row;
    int64_t size;
  };
  absl::flat_hash_map<std::string, Group> groups;
  std::string key;
  for (size_t r = 0; r < rows; ++r) {
    if (data.row_width(r) != columns.size()) {
      return InvalidField(
          absl::StrCat("rows[", r, "].values"),
          absl::StrCat("has ", data.row_width(r), " values for ", columns.size(), " columns"));
    }
    key.clear();
    for (size_t c : qi) {
      const absl::string_view v = data.value(r, c);
      absl::StrAppend(&key, v.size(), ":", v);
    }
    auto [it, inserted] = groups.try_emplace(key, Group{r, 0});
    ++it->second.size;
  }

  KAnonymityReport report;
  report.class_count = static_cast<int64_t>(groups.size());
  report.min_class_size = groups.empty() ? 0 : INT64_MAX;
  for (const auto& [unused, g] : groups) {
    report.min_class_size = std::min(report.min_class_size, g.size);
    if (g.size >= k) continue;
    EquivalenceClass c;
    c.size = g.size;
    for (size_t col : qi) c.values.emplace_back(data.value(g.first_row, col));
    report.rows_in_classes_under_k += g.size;
    report.classes_under_k.push_back(std::move(c));
  }
  std::sort(report.classes_under_k.begin(), report.classes_under_k.end(),
            [](const EquivalenceClass& a, const EquivalenceClass& b) {
              return a.size != b.size ? a.size < b.size : a.values < b.values;
            });
  report.k_anonymous = report.classes_under_k.empty();
  return report;
}

}  // namespace bridging::privacy
