// Answers that deserve more than a generic table: a withdrawal receipt, a new key's
// one-time secret, a history check, and aggregates with withheld cells explained.
#pragma once

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "scripts/bridgectl/command.h"

namespace bridging::bridgectl {

absl::Status PresentWithdrawalReceipt(Invocation& call, const google::protobuf::Message& receipt);
absl::Status PresentNewKey(Invocation& call, const google::protobuf::Message& created);
// DATA_LOSS when the chain does not verify, so scripts see it in the exit code.
absl::Status PresentVerification(Invocation& call, const google::protobuf::Message& result);
// QueryResponse or FrameworkMatrix: the table with withheld cells marked and a legend.
absl::Status PresentAggregate(Invocation& call, const google::protobuf::Message& answer);

}  // namespace bridging::bridgectl
