// RETURN_IF_ERROR / ASSIGN_OR_RETURN: early return on a non-OK absl::Status(Or).
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define BRIDGING_CONCAT_INNER(a, b) a##b
#define BRIDGING_CONCAT(a, b) BRIDGING_CONCAT_INNER(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define RETURN_IF_ERROR(expr)                            \
  do {                                                   \
    const ::absl::Status bridging_status_ = (expr);      \
    if (!bridging_status_.ok()) return bridging_status_; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, Foo());` binds the value or returns the error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  BRIDGING_ASSIGN_OR_RETURN_IMPL(BRIDGING_CONCAT(bridging_statusor_, __LINE__), lhs, expr)

#define BRIDGING_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return std::move(tmp).status();       \
  lhs = std::move(tmp).value()
