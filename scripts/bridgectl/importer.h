// Bulk import from CSV: participants with their consents (the charity), actions into a plan
// (a practice). Each row's writes carry request ids derived from its content, so running
// the same file again changes nothing; rows already present are counted, not duplicated.
#pragma once

#include "absl/status/status.h"
#include "scripts/bridgectl/command.h"

namespace bridging::bridgectl {

// CSV columns: reference (required), alias, consents (purposes separated by ';'), method,
// recorded_by, review_date. method and recorded_by are required when consents is not empty.
absl::Status ImportParticipants(Invocation& call);

// CSV columns: title (required), description, principle, area, status, owner_role,
// due_date, completion_date, source, co_produced, actor_role.
absl::Status ImportActions(Invocation& call);

}  // namespace bridging::bridgectl
