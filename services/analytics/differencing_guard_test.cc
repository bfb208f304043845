// The differencing guard: nesting of predicates and which cells it withholds.
#include "services/analytics/differencing_guard.h"

#include "gtest/gtest.h"

namespace bridging::analytics {
namespace {

using internal::CellPredicate;

CellPredicate Cell(std::vector<std::pair<v1::Dimension, std::vector<std::string>>> labels,
                   std::vector<int32_t> months, int64_t units) {
  CellPredicate p;
  for (auto& [dimension, values] : labels) {
    auto* c = p.add_constraints();
    c->set_dimension(dimension);
    for (auto& v : values) c->add_labels(v);
  }
  if (!months.empty()) {
    auto* c = p.add_constraints();
    c->set_dimension(v1::DIMENSION_MONTH);
    for (int32_t m : months) c->add_month_bounds(m);
  }
  p.set_units(units);
  p.set_people(units);
  NormalizePredicate(p);
  return p;
}

TEST(DifferencingGuardTest, NestingFollowsLabelsAndMonths) {
  const auto all_safety = Cell({{v1::DIMENSION_THEME, {"PRINCIPLE_SAFETY"}}}, {}, 40);
  const auto safety_p1 =
      Cell({{v1::DIMENSION_THEME, {"PRINCIPLE_SAFETY"}}, {v1::DIMENSION_PRACTICE, {"p1"}}}, {}, 38);
  EXPECT_TRUE(PredicateWithin(safety_p1, all_safety));
  EXPECT_FALSE(PredicateWithin(all_safety, safety_p1));
  const auto spring = Cell({}, {100, 102}, 0);
  const auto march = Cell({}, {101, 101}, 0);
  const auto summer = Cell({}, {103, 105}, 0);
  EXPECT_TRUE(PredicateWithin(march, spring));
  EXPECT_FALSE(PredicateWithin(summer, spring));
  // Adjacent intervals merge, so a range made of two pieces still contains a month in both.
  const auto pieces = Cell({}, {100, 101, 102, 103}, 0);
  EXPECT_TRUE(PredicateWithin(Cell({}, {101, 102}, 0), pieces));
}

TEST(DifferencingGuardTest, WithholdsACellThatIsolatesASmallGroup) {
  const std::vector<CellPredicate> earlier = {
      Cell({{v1::DIMENSION_THEME, {"PRINCIPLE_SAFETY"}}}, {}, 40)};
  const std::vector<CellPredicate> fresh = {
      // All but one practice: 40 - 37 = 3 contributions isolated.
      Cell({{v1::DIMENSION_THEME, {"PRINCIPLE_SAFETY"}}, {v1::DIMENSION_PRACTICE, {"p2", "p3"}}},
           {}, 37),
      // Not nested (another theme): no subtraction possible.
      Cell({{v1::DIMENSION_THEME, {"PRINCIPLE_PEER_SUPPORT"}}}, {}, 38),
      // Nested but the difference is large.
      Cell({{v1::DIMENSION_THEME, {"PRINCIPLE_SAFETY"}}, {v1::DIMENSION_PRACTICE, {"p2"}}}, {}, 20),
  };
  EXPECT_EQ(CellsToCoarsen(fresh, earlier, 7, false), (std::vector<bool>{true, false, false}));
  // The other direction: a broader cell asked after a narrower one.
  EXPECT_EQ(CellsToCoarsen(earlier, {fresh[0]}, 7, false), (std::vector<bool>{true}));
}

}  // namespace
}  // namespace bridging::analytics
