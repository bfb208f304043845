// Nesting of cell predicates and the pairwise differencing check.
#include "services/analytics/differencing_guard.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace bridging::analytics {
namespace {

using Constraint = internal::CellPredicate::Constraint;

const Constraint* Find(const internal::CellPredicate& p, v1::Dimension dimension) {
  for (const Constraint& c : p.constraints()) {
    if (c.dimension() == dimension) return &c;
  }
  return nullptr;
}

// Every month interval of `inner` lies inside one interval of `outer` (both merged).
bool MonthsWithin(const Constraint& inner, const Constraint& outer) {
  for (int i = 0; i + 1 < inner.month_bounds_size(); i += 2) {
    bool covered = false;
    for (int j = 0; j + 1 < outer.month_bounds_size() && !covered; j += 2) {
      covered = outer.month_bounds(j) <= inner.month_bounds(i) &&
                inner.month_bounds(i + 1) <= outer.month_bounds(j + 1);
    }
    if (!covered) return false;
  }
  return true;
}

bool LabelsWithin(const Constraint& inner, const Constraint& outer) {
  return std::includes(outer.labels().begin(), outer.labels().end(), inner.labels().begin(),
                       inner.labels().end());
}

}  // namespace

void NormalizePredicate(internal::CellPredicate& predicate) {
  auto* constraints = predicate.mutable_constraints();
  std::sort(constraints->begin(), constraints->end(),
            [](const Constraint& a, const Constraint& b) { return a.dimension() < b.dimension(); });
  for (Constraint& c : *constraints) {
    std::sort(c.mutable_labels()->begin(), c.mutable_labels()->end());
    c.mutable_labels()->erase(std::unique(c.mutable_labels()->begin(), c.mutable_labels()->end()),
                              c.mutable_labels()->end());
    std::vector<std::pair<int32_t, int32_t>> intervals;
    for (int i = 0; i + 1 < c.month_bounds_size(); i += 2) {
      intervals.emplace_back(c.month_bounds(i), c.month_bounds(i + 1));
    }
    std::sort(intervals.begin(), intervals.end());
    c.clear_month_bounds();
    for (size_t i = 0; i < intervals.size(); ++i) {
      auto [low, high] = intervals[i];
      while (i + 1 < intervals.size() && intervals[i + 1].first <= high + 1) {
        high = std::max(high, intervals[++i].second);
      }
      c.add_month_bounds(low);
      c.add_month_bounds(high);
    }
  }
}

bool PredicateWithin(const internal::CellPredicate& inner, const internal::CellPredicate& outer) {
  for (const Constraint& o : outer.constraints()) {
    const Constraint* i = Find(inner, o.dimension());
    if (i == nullptr) return false;  // inner is unrestricted where outer is restricted
    const bool within =
        o.dimension() == v1::DIMENSION_MONTH ? MonthsWithin(*i, o) : LabelsWithin(*i, o);
    if (!within) return false;
  }
  return true;
}

std::vector<bool> CellsToCoarsen(const std::vector<internal::CellPredicate>& fresh,
                                 const std::vector<internal::CellPredicate>& earlier, int threshold,
                                 bool people_valued) {
  std::vector<bool> coarsen(fresh.size(), false);
  auto value = [&](const internal::CellPredicate& p) {
    return people_valued ? p.people() : p.units();
  };
  for (size_t f = 0; f < fresh.size(); ++f) {
    for (const internal::CellPredicate& e : earlier) {
      const int64_t difference = std::llabs(value(fresh[f]) - value(e));
      // A cheap test first: only a small, non-zero difference can isolate a small group.
      if (difference == 0 || difference > threshold) continue;
      const bool nested = PredicateWithin(fresh[f], e) || PredicateWithin(e, fresh[f]);
      if (!nested) continue;
      coarsen[f] = true;
      break;
    }
  }
  return coarsen;
}

}  // namespace bridging::analytics
