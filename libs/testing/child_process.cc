// Implements ChildProcess with fork/exec. Everything the child needs is prepared before
// fork: in a multi-threaded parent only async-signal-safe calls are allowed after it.
#include "libs/testing/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

extern char** environ;

namespace bridging::testing {
namespace {

absl::Status Errno(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

}  // namespace

absl::StatusOr<ChildProcess> ChildProcess::Start(const std::vector<std::string>& argv,
                                                 const std::map<std::string, std::string>& env,
                                                 const std::string& output_file) {
  if (argv.empty()) return absl::InvalidArgumentError("argv is empty");
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    if (env.count(entry.substr(0, entry.find('='))) == 0) env_strings.push_back(entry);
  }
  for (const auto& [key, value] : env) env_strings.push_back(absl::StrCat(key, "=", value));
  std::vector<char*> c_argv, c_env;
  for (const auto& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  for (const auto& e : env_strings) c_env.push_back(const_cast<char*>(e.c_str()));
  c_env.push_back(nullptr);
  const int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out = open(output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (devnull < 0 || out < 0) {
    const absl::Status error = Errno(absl::StrCat("opening ", output_file));
    if (devnull >= 0) close(devnull);
    if (out >= 0) close(out);
    return error;
  }

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const absl::Status error = Errno("fork");
    close(devnull);
    close(out);
    return error;
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);     // die with the parent, even if it crashes
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    // The parent may block signals (e.g. SIGTERM for a shutdown thread); the child must
    // see them.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(devnull, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    // Do not leak the parent's sockets and pipes (dup2 clears CLOEXEC on 0-2 only).
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
#endif
    {
      for (int fd = 3; fd < 1024; ++fd) close(fd);
    }
    execve(c_argv[0], c_argv.data(), c_env.data());
    _exit(127);
  }
  close(devnull);
  close(out);
  return ChildProcess(pid);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    this->~ChildProcess();
    pid_ = other.pid_;
    other.pid_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
}

absl::Status ChildProcess::Signal(int signal) {
  if (pid_ <= 0) return absl::FailedPreconditionError("process has exited");
  if (kill(pid_, signal) != 0) return Errno("kill");
  return absl::OkStatus();
}

std::optional<int> ChildProcess::WaitForExit(absl::Duration timeout) {
  if (pid_ <= 0) return std::nullopt;
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_ || (done < 0 && errno == ECHILD)) {
      const bool reaped = done == pid_;
      pid_ = -1;
      if (reaped && WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return reaped && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    if (absl::Now() >= deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(2));  // poll interval
  }
}

absl::StatusOr<std::string> RunAndCapture(const std::vector<std::string>& argv,
                                          absl::Duration timeout) {
  char path[] = "/tmp/bridging-run-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return Errno("mkstemp");
  close(fd);
  absl::StatusOr<ChildProcess> child = ChildProcess::Start(argv, {}, path);
  if (!child.ok()) {
    unlink(path);
    return child.status();
  }
  const std::optional<int> code = child->WaitForExit(timeout);
  std::string output = ReadFile(path);  // the destructor below kills a child still running
  unlink(path);
  if (!code.has_value()) {
    return absl::DeadlineExceededError(absl::StrCat(argv[0], " did not finish within ",
                                                    absl::FormatDuration(timeout), ": ", output));
  }
  if (*code != 0) {
    return absl::InternalError(absl::StrCat(argv[0], " failed (exit ", *code, "): ", output));
  }
  return output;
}

std::string FindProgram(absl::string_view name) {
  std::vector<std::string> candidates;
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
      candidates.push_back(absl::StrCat(dir, "/", name));
    }
  }
  candidates.push_back(absl::StrCat("/usr/bin/", name));
  for (const std::string& candidate : candidates) {
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace bridging::testing
