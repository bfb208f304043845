// The differencing guard: a cell whose predicate nests inside (or around) a cell already
// published to the same team, with published values that differ by 1..threshold, would
// let the team subtract one answer from the other and learn a group smaller than the
// threshold. Such cells are coarsened (withheld) before disclosure control runs, so
// secondary suppression then protects them like any small cell.
//
// Predicates are conjunctions of any-of label sets per dimension (plus month intervals), the
// shape every Query and framework-matrix cell has; nesting is decided exactly on them.
#pragma once

#include <cstdint>
#include <vector>

#include "services/analytics/analytics_records.pb.h"

namespace bridging::analytics {

// Normalises a predicate (sorted labels, merged month intervals) so comparisons are exact.
void NormalizePredicate(internal::CellPredicate& predicate);

// True when every unit `inner` counts is also counted by `outer`. Both normalised.
bool PredicateWithin(const internal::CellPredicate& inner, const internal::CellPredicate& outer);

// For each fresh cell, whether it must be withheld against `earlier` published cells (of the
// same dataset and measure). `people_valued`: the published value is the number of people
// (CONSENT), else the number of units.
std::vector<bool> CellsToCoarsen(const std::vector<internal::CellPredicate>& fresh,
                                 const std::vector<internal::CellPredicate>& earlier, int threshold,
                                 bool people_valued);

}  // namespace bridging::analytics
