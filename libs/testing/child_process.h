// Runs programs as child processes for tests and benchmarks: no shell, stdin from
// /dev/null, output to a file, none of the parent's other descriptors inherited, signals
// unblocked, and the child dies with its parent. The one place that forks.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace bridging::testing {

class ChildProcess {
 public:
  // Starts `argv[0]` (a path) with `argv`, the current environment plus `env`, and
  // stdout+stderr appended to `output_file`.
  static absl::StatusOr<ChildProcess> Start(const std::vector<std::string>& argv,
                                            const std::map<std::string, std::string>& env,
                                            const std::string& output_file);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();  // SIGKILLs and reaps a child still running

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  absl::Status Signal(int signal);

  // The exit code (128 + signal if killed), or nullopt if still running at the deadline.
  // A zero timeout only checks.
  std::optional<int> WaitForExit(absl::Duration timeout);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

// Runs `argv` to completion and returns its stdout and stderr, merged. Fails on a non-zero
// exit, or after `timeout` (the child is then killed).
absl::StatusOr<std::string> RunAndCapture(const std::vector<std::string>& argv,
                                          absl::Duration timeout);

// `name` found on PATH, else /usr/bin/<name>; empty if neither is executable.
std::string FindProgram(absl::string_view name);

// Reads a whole file ("" if missing).
std::string ReadFile(const std::string& path);

}  // namespace bridging::testing
