// The cube against a brute-force count over the same records: random records, random
// removals, random selections (group-by, filters on every dimension, both the enumerate
// and the scan path), and the exact unit and distinct-people counts of every group.
#include "services/analytics/cube.h"

#include <map>
#include <random>
#include <set>

#include "gtest/gtest.h"

namespace bridging::analytics {
namespace {

constexpr int kDims = 4;  // like CONTRIBUTIONS: theme (multi), source, month, practice
constexpr int kMulti = 0;
const std::array<uint32_t, kDims> kCardinality = {6, 4, 12, 5};

CubeRecord RandomRecord(std::mt19937& rng) {
  CubeRecord r;
  r.person = rng() % 40;
  uint32_t themes = 0;
  const int n = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < n; ++i) themes |= 1u << (1 + rng() % kCardinality[0]);
  r.values[0] = themes;
  for (int d = 1; d < kDims; ++d) r.values[d] = 1 + rng() % kCardinality[d];
  return r;
}

bool Matches(const CubeRecord& r, const Cube::Selection& s, int d, uint32_t code) {
  (void)r;
  return !s.allowed[d].has_value() || s.allowed[d]->contains(code);
}

// group codes -> (units, people) by brute force.
std::map<std::vector<uint32_t>, std::pair<int64_t, std::set<uint32_t>>> BruteForce(
    const std::vector<CubeRecord>& records, const Cube::Selection& s) {
  std::map<std::vector<uint32_t>, std::pair<int64_t, std::set<uint32_t>>> out;
  for (const CubeRecord& r : records) {
    // Filters: the multi-valued dimension matches if any value is allowed.
    bool keep = true;
    for (int d = 0; d < kDims && keep; ++d) {
      if (!s.allowed[d]) continue;
      if (d == kMulti) {
        bool any = false;
        for (uint32_t b = r.values[d]; b; b &= b - 1)
          any |= s.allowed[d]->contains(__builtin_ctz(b));
        keep = any;
      } else {
        keep = s.allowed[d]->contains(r.values[d]);
      }
    }
    if (!keep) continue;
    // Group-by on the multi-valued dimension explodes the record (allowed values only).
    std::vector<std::vector<uint32_t>> keys = {{}};
    for (int d : s.group_by) {
      std::vector<std::vector<uint32_t>> next;
      std::vector<uint32_t> values;
      if (d == kMulti) {
        for (uint32_t b = r.values[d]; b; b &= b - 1) {
          if (Matches(r, s, d, __builtin_ctz(b))) values.push_back(__builtin_ctz(b));
        }
      } else {
        values.push_back(r.values[d]);
      }
      for (const auto& k : keys) {
        for (uint32_t v : values) {
          auto e = k;
          e.push_back(v);
          next.push_back(e);
        }
      }
      keys = next;
    }
    for (const auto& k : keys) {
      out[k].first += 1;
      out[k].second.insert(r.person);
    }
  }
  return out;
}

TEST(CubeTest, MatchesBruteForceUnderRandomChangesAndSelections) {
  std::mt19937 rng(20261121);
  Cube cube(kDims, kMulti, /*track_people=*/true, /*track_days=*/false);
  std::vector<CubeRecord> records;
  for (int i = 0; i < 3000; ++i) {
    records.push_back(RandomRecord(rng));
    cube.Add(records.back(), +1);
  }
  for (int i = 0; i < 800; ++i) {  // removals keep the cube exact
    const size_t victim = rng() % records.size();
    cube.Add(records[victim], -1);
    records.erase(records.begin() + static_cast<long>(victim));
  }
  for (int round = 0; round < 400; ++round) {
    Cube::Selection s;
    std::vector<int> dims = {0, 1, 2, 3};
    std::shuffle(dims.begin(), dims.end(), rng);
    s.group_by.assign(dims.begin(), dims.begin() + static_cast<long>(rng() % 4));
    for (int d = 0; d < kDims; ++d) {
      if (rng() % 3 != 0) continue;
      absl::flat_hash_set<uint32_t> allowed;
      const int n = static_cast<int>(rng() % 4);  // may be empty: matches nothing
      for (int k = 0; k < n; ++k) allowed.insert(1 + rng() % kCardinality[d]);
      s.allowed[d] = allowed;
    }
    const auto expected = BruteForce(records, s);
    const std::vector<Cube::Group> groups = cube.Evaluate(s);
    ASSERT_EQ(groups.size(), expected.size()) << "round " << round;
    for (const Cube::Group& g : groups) {
      auto it = expected.find(g.codes);
      ASSERT_NE(it, expected.end()) << "round " << round;
      EXPECT_EQ(g.units, it->second.first) << "round " << round;
      EXPECT_EQ(cube.DistinctPeople(g), static_cast<int64_t>(it->second.second.size()))
          << "round " << round;
    }
  }
}

TEST(CubeTest, FilterOnSeveralThemesCountsAContributionOnce) {
  Cube cube(kDims, kMulti, true, false);
  CubeRecord r;
  r.person = 1;
  r.values = {(1u << 1) | (1u << 2), 1, 5, 1};
  cube.Add(r, +1);
  Cube::Selection s;
  s.group_by = {1};
  s.allowed[0] = absl::flat_hash_set<uint32_t>{1, 2};
  auto groups = cube.Evaluate(s);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].units, 1);
  // Grouped by theme it counts once under each.
  s.group_by = {0};
  groups = cube.Evaluate(s);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].units + groups[1].units, 2);
}

TEST(CubeTest, RemovingEverythingLeavesNoCells) {
  Cube cube(kDims, kMulti, true, false);
  std::mt19937 rng(7);
  std::vector<CubeRecord> records;
  for (int i = 0; i < 200; ++i) records.push_back(RandomRecord(rng));
  for (const auto& r : records) cube.Add(r, +1);
  for (const auto& r : records) cube.Add(r, -1);
  EXPECT_EQ(cube.cell_count(), 0u);
  EXPECT_TRUE(cube.ObservedCodes(1).empty());
}

TEST(CubeTest, MedianDaysOverMergedCells) {
  Cube cube(2, -1, false, true);
  for (int days : {1, 3, 10, 20}) {
    CubeRecord r;
    r.values = {static_cast<uint32_t>(days % 2), 0};
    r.days = days;
    cube.Add(r, +1);
  }
  Cube::Selection all;
  all.group_by = {1};
  auto groups = cube.Evaluate(all);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(cube.MedianDays(groups[0]), std::make_pair(6.5, int64_t{4}));
  Cube::Selection by_parity;
  by_parity.group_by = {0};
  groups = cube.Evaluate(by_parity);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(cube.MedianDays(groups[0]), std::make_pair(15.0, int64_t{2}));  // 10, 20
  EXPECT_EQ(cube.MedianDays(groups[1]), std::make_pair(2.0, int64_t{2}));   // 1, 3
}

}  // namespace
}  // namespace bridging::analytics
