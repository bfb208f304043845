// An in-memory OLAP cube kept up to date on every change: one hash map of cells per
// combination of dimensions (a cuboid), so a query reads only the cells of its answer, never
// the rows. Each cell keeps its unit count, the distinct people behind it (reference-counted,
// so removals are exact) and, where asked, a histogram of days-to-done for medians.
//
// A dimension a unit may have several values of (a contribution's themes) appears in
// cuboids two ways: exploded (the unit counts once under each value — for group-by) and as
// the exact set of values (the unit counts once — for filters, so "theme is A or B" never
// counts a contribution twice).
//
//   Cube cube(/*dimensions=*/4, /*multi_valued=*/0, /*people=*/true, /*days=*/false);
//   cube.Add(record, +1);
//   std::vector<Cube::Group> groups = cube.Evaluate(selection);
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "services/analytics/dataset_schema.h"

namespace bridging::analytics {

inline constexpr uint32_t kNoPerson = 0xFFFFFFFFu;

// One unit (a contribution, an action, a participant's consent to one purpose).
struct CubeRecord {
  uint32_t person = kNoPerson;
  // Per dimension its code; for the multi-valued dimension, a bit mask of value codes (< 32).
  std::array<uint32_t, kMaxDimensions> values{};
  // Days from creation to completion, or -1.
  int32_t days = -1;
};

class Cube {
 public:
  Cube(int dimensions, int multi_valued, bool track_people, bool track_days);

  // Adds (sign +1) or removes (sign -1) a record previously added with the same values.
  void Add(const CubeRecord& record, int sign);

  struct Cell {
    int64_t units = 0;
    absl::flat_hash_map<uint32_t, uint32_t> people;  // person -> units
    absl::btree_map<int32_t, int64_t> days;          // days -> units
  };

  // What to count: the dimensions to group by (positions, in output order), and per
  // dimension the codes allowed (nullopt: any). For the multi-valued dimension, allowed codes
  // are value codes, matched against any of a unit's values.
  struct Selection {
    std::vector<int> group_by;
    std::array<std::optional<absl::flat_hash_set<uint32_t>>, kMaxDimensions> allowed;
  };

  // One group of the answer: its codes (one per group_by entry) and the cells behind it.
  struct Group {
    std::vector<uint32_t> codes;
    int64_t units = 0;
    std::vector<const Cell*> cells;
  };

  // Groups in ascending order of codes. Pointers into the cube: valid until the next Add.
  std::vector<Group> Evaluate(const Selection& selection) const;

  // Codes observed in a dimension (for the multi-valued one, value codes), ascending.
  std::vector<uint32_t> ObservedCodes(int dimension) const;

  // Distinct people behind a group; marks them in `seen` (indexed by person) when given.
  int64_t DistinctPeople(const Group& group, std::vector<bool>* seen = nullptr) const;
  // Median days over the group's units that have days, and how many there are.
  std::pair<double, int64_t> MedianDays(const Group& group) const;

  size_t cell_count() const;

 private:
  using Key = std::array<uint32_t, kMaxDimensions>;
  enum Mode : uint8_t { kAbsent, kExploded, kMask };
  struct Cuboid {
    std::array<Mode, kMaxDimensions> modes{};
    absl::flat_hash_map<Key, Cell> cells;
  };

  size_t CuboidIndex(const std::array<Mode, kMaxDimensions>& modes) const;
  void AddToCell(Cuboid& cuboid, const Key& key, const CubeRecord& record, int sign);

  const int dimensions_;
  const int multi_valued_;
  const bool track_people_;
  const bool track_days_;
  std::vector<Cuboid> cuboids_;
  // Per dimension: code -> number of units holding it (value codes and, for the
  // multi-valued dimension, masks in masks_).
  std::array<absl::flat_hash_map<uint32_t, int64_t>, kMaxDimensions> observed_;
  absl::flat_hash_map<uint32_t, int64_t> masks_;
  uint32_t person_limit_ = 0;  // one more than the highest person id seen
};

}  // namespace bridging::analytics
