// bridgectl's command line: global options, finding the command, filling its request,
// calling the gateway, showing the answer, and the exit code.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace bridging::bridgectl {

// Exit codes, so scripts can tell failures apart (documented in `bridgectl help`).
enum ExitCode {
  kExitOk = 0,
  kExitFailed = 1,   // anything not listed below
  kExitUsage = 2,    // the command line itself is wrong
  kExitInvalid = 3,  // INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE
  kExitUnauthenticated = 4,
  kExitPermissionDenied = 5,
  kExitNotFound = 6,
  kExitConflict = 7,     // ABORTED (changed since read), ALREADY_EXISTS
  kExitUnavailable = 8,  // UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED
  kExitDataLoss = 9,     // a hash chain does not verify
};

int ExitCodeFor(const absl::Status& status);

// Runs bridgectl with `args` (without the program name). `env` looks up environment
// variables (BRIDGING_GATEWAY, BRIDGING_API_KEY, BRIDGING_KEY_FILE).
int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        bool interactive, const std::function<std::string(const char*)>& env);

}  // namespace bridging::bridgectl
