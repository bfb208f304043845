// Runs a program as a child process for black-box tests: extra environment, output to a
// file, signals, and waiting for exit with a deadline. The child dies with the test.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace bridging::testing {

class ChildProcess {
 public:
  // Starts `argv[0]` with `argv`, the current environment plus `env`, and stdout+stderr
  // appended to `output_file`.
  static absl::StatusOr<ChildProcess> Start(const std::vector<std::string>& argv,
                                            const std::map<std::string, std::string>& env,
                                            const std::string& output_file);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();  // SIGKILLs and reaps a child still running

  pid_t pid() const { return pid_; }
  absl::Status Signal(int signal);

  // The exit code (128 + signal if killed), or nullopt if still running at the deadline.
  std::optional<int> WaitForExit(absl::Duration timeout);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

// Reads a whole file ("" if missing).
std::string ReadFile(const std::string& path);

}  // namespace bridging::testing
