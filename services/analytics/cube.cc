// The incremental cube: cuboid maintenance on Add and answer assembly in Evaluate.
#include "services/analytics/cube.h"

#include <algorithm>
#include <map>

namespace bridging::analytics {
namespace {

constexpr uint32_t kAny = 0xFFFFFFFFu;

template <typename Map>
void Bump(Map& map, typename Map::key_type key, int64_t delta) {
  auto it = map.try_emplace(key, 0).first;
  it->second += delta;
  if (it->second == 0) map.erase(it);
}

}  // namespace

Cube::Cube(int dimensions, int multi_valued, bool track_people, bool track_days)
    : dimensions_(dimensions),
      multi_valued_(multi_valued),
      track_people_(track_people),
      track_days_(track_days) {
  // Every combination of modes: absent/exploded per dimension, plus mask for the
  // multi-valued one.
  size_t count = 1;
  for (int d = 0; d < dimensions_; ++d) count *= (d == multi_valued_ ? 3 : 2);
  cuboids_.resize(count);
  for (size_t index = 0; index < count; ++index) {
    size_t rest = index;
    for (int d = 0; d < dimensions_; ++d) {
      const size_t radix = d == multi_valued_ ? 3 : 2;
      cuboids_[index].modes[d] = static_cast<Mode>(rest % radix);
      rest /= radix;
    }
  }
}

size_t Cube::CuboidIndex(const std::array<Mode, kMaxDimensions>& modes) const {
  size_t index = 0;
  size_t scale = 1;
  for (int d = 0; d < dimensions_; ++d) {
    index += modes[d] * scale;
    scale *= (d == multi_valued_ ? 3 : 2);
  }
  return index;
}

void Cube::AddToCell(Cuboid& cuboid, const Key& key, const CubeRecord& record, int sign) {
  auto [it, inserted] = cuboid.cells.try_emplace(key);
  Cell& cell = it->second;
  cell.units += sign;
  if (track_people_ && record.person != kNoPerson) Bump(cell.people, record.person, sign);
  if (track_days_ && record.days >= 0) Bump(cell.days, record.days, sign);
  if (cell.units == 0 && cell.people.empty() && cell.days.empty()) cuboid.cells.erase(it);
}

void Cube::Add(const CubeRecord& record, int sign) {
  for (int d = 0; d < dimensions_; ++d) {
    if (d == multi_valued_) {
      Bump(masks_, record.values[d], sign);
      for (uint32_t bits = record.values[d]; bits != 0; bits &= bits - 1) {
        Bump(observed_[d], static_cast<uint32_t>(__builtin_ctz(bits)), sign);
      }
    } else {
      Bump(observed_[d], record.values[d], sign);
    }
  }
  if (record.person != kNoPerson) person_limit_ = std::max(person_limit_, record.person + 1);

  for (Cuboid& cuboid : cuboids_) {
    Key key;
    key.fill(kAny);
    bool explode = false;
    for (int d = 0; d < dimensions_; ++d) {
      switch (cuboid.modes[d]) {
        case kAbsent:
          break;
        case kMask:
          key[d] = record.values[d];
          break;
        case kExploded:
          if (d == multi_valued_) {
            explode = true;
          } else {
            key[d] = record.values[d];
          }
          break;
      }
    }
    if (!explode) {
      AddToCell(cuboid, key, record, sign);
      continue;
    }
    for (uint32_t bits = record.values[multi_valued_]; bits != 0; bits &= bits - 1) {
      key[multi_valued_] = static_cast<uint32_t>(__builtin_ctz(bits));
      AddToCell(cuboid, key, record, sign);
    }
  }
}

std::vector<uint32_t> Cube::ObservedCodes(int dimension) const {
  std::vector<uint32_t> codes;
  codes.reserve(observed_[dimension].size());
  for (const auto& [code, units] : observed_[dimension]) codes.push_back(code);
  std::sort(codes.begin(), codes.end());
  return codes;
}

std::vector<Cube::Group> Cube::Evaluate(const Selection& selection) const {
  std::array<Mode, kMaxDimensions> modes{};
  for (int d = 0; d < dimensions_; ++d) {
    if (std::find(selection.group_by.begin(), selection.group_by.end(), d) !=
        selection.group_by.end()) {
      modes[d] = kExploded;
    } else if (selection.allowed[d].has_value()) {
      modes[d] = d == multi_valued_ ? kMask : kExploded;
    }
  }
  const Cuboid& cuboid = cuboids_[CuboidIndex(modes)];

  uint32_t allowed_mask = 0;
  if (multi_valued_ >= 0 && selection.allowed[multi_valued_].has_value()) {
    for (uint32_t code : *selection.allowed[multi_valued_]) {
      if (code < 32) allowed_mask |= 1u << code;
    }
  }

  // The cells that can match, per dimension; enumerate their product when that is smaller
  // than the cuboid, else scan the cuboid.
  std::array<std::vector<uint32_t>, kMaxDimensions> candidates;
  double product = 1;
  for (int d = 0; d < dimensions_; ++d) {
    if (modes[d] == kAbsent) continue;
    if (modes[d] == kMask) {
      for (const auto& [mask, units] : masks_) {
        if (mask & allowed_mask) candidates[d].push_back(mask);
      }
    } else if (selection.allowed[d].has_value()) {
      candidates[d].assign(selection.allowed[d]->begin(), selection.allowed[d]->end());
    } else {
      candidates[d] = ObservedCodes(d);
    }
    product *= static_cast<double>(candidates[d].size());
  }

  std::map<std::vector<uint32_t>, Group> groups;
  auto take = [&](const Key& key, const Cell& cell) {
    std::vector<uint32_t> codes;
    codes.reserve(selection.group_by.size());
    for (int d : selection.group_by) codes.push_back(key[d]);
    Group& group = groups[codes];
    group.units += cell.units;
    group.cells.push_back(&cell);
  };

  if (product <= static_cast<double>(cuboid.cells.size())) {
    Key key;
    key.fill(kAny);
    std::array<size_t, kMaxDimensions> at{};
    std::vector<int> active;
    for (int d = 0; d < dimensions_; ++d) {
      if (modes[d] != kAbsent) active.push_back(d);
    }
    if (product == 0) return {};
    while (true) {
      for (int d : active) key[d] = candidates[d][at[d]];
      if (auto it = cuboid.cells.find(key); it != cuboid.cells.end()) take(key, it->second);
      size_t i = 0;
      for (; i < active.size(); ++i) {
        const int d = active[i];
        if (++at[d] < candidates[d].size()) break;
        at[d] = 0;
      }
      if (i == active.size()) break;
    }
  } else {
    for (const auto& [key, cell] : cuboid.cells) {
      bool match = true;
      for (int d = 0; d < dimensions_ && match; ++d) {
        if (modes[d] == kMask) {
          match = (key[d] & allowed_mask) != 0;
        } else if (modes[d] == kExploded && selection.allowed[d].has_value()) {
          match = selection.allowed[d]->contains(key[d]);
        }
      }
      if (match) take(key, cell);
    }
  }

  std::vector<Group> out;
  out.reserve(groups.size());
  for (auto& [codes, group] : groups) {
    group.codes = codes;
    out.push_back(std::move(group));
  }
  return out;
}

int64_t Cube::DistinctPeople(const Group& group, std::vector<bool>* seen) const {
  if (group.cells.size() == 1 && seen == nullptr) {
    return static_cast<int64_t>(group.cells[0]->people.size());
  }
  thread_local std::vector<uint8_t> marks;
  thread_local std::vector<uint32_t> touched;
  if (marks.size() < person_limit_) marks.resize(person_limit_, 0);
  if (seen != nullptr && seen->size() < person_limit_) seen->resize(person_limit_, false);
  touched.clear();
  for (const Cell* cell : group.cells) {
    for (const auto& [person, units] : cell->people) {
      if (marks[person]) continue;
      marks[person] = 1;
      touched.push_back(person);
      if (seen != nullptr) (*seen)[person] = true;
    }
  }
  for (uint32_t person : touched) marks[person] = 0;
  return static_cast<int64_t>(touched.size());
}

std::pair<double, int64_t> Cube::MedianDays(const Group& group) const {
  absl::btree_map<int32_t, int64_t> merged;
  const absl::btree_map<int32_t, int64_t>* days = &group.cells.front()->days;
  if (group.cells.size() > 1) {
    for (const Cell* cell : group.cells) {
      for (const auto& [d, n] : cell->days) merged[d] += n;
    }
    days = &merged;
  }
  int64_t total = 0;
  for (const auto& [d, n] : *days) total += n;
  if (total == 0) return {0, 0};
  // The lower and upper middle values (equal when the count is odd).
  const int64_t lower_rank = (total - 1) / 2, upper_rank = total / 2;
  double lower = 0, upper = 0;
  int64_t seen = 0;
  for (const auto& [d, n] : *days) {
    if (seen <= lower_rank && lower_rank < seen + n) lower = d;
    if (seen <= upper_rank && upper_rank < seen + n) {
      upper = d;
      break;
    }
    seen += n;
  }
  return {(lower + upper) / 2, total};
}

size_t Cube::cell_count() const {
  size_t n = 0;
  for (const Cuboid& cuboid : cuboids_) n += cuboid.cells.size();
  return n;
}

}  // namespace bridging::analytics
