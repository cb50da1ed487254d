#include "activities/test_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <string>

#include "activities/input.h"
#include "activities/repo_files.h"
#include "activities/text_util.h"

extern char** environ;

namespace endure::activities {
namespace {

using runtime::Json;
using Clock = std::chrono::steady_clock;

constexpr size_t kTailBytes = 4096;
constexpr auto kPollInterval = std::chrono::milliseconds(100);
constexpr auto kHeartbeatInterval = std::chrono::seconds(1);
constexpr auto kKillGrace = std::chrono::seconds(2);
constexpr auto kDrainLimit = std::chrono::seconds(1);

[[noreturn]] void ProcessError(const std::string& what) {
  throw runtime::ApplicationError(what + ": " + std::strerror(errno), "ProcessError");
}

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// The last kTailBytes of everything appended.
class Tail {
 public:
  void Append(const char* data, size_t size) {
    total_ += size;
    text_.append(data, size);
    if (text_.size() > 2 * kTailBytes) text_.erase(0, text_.size() - kTailBytes);
  }
  std::string Get() const {
    std::string_view tail = text_;
    if (tail.size() > kTailBytes) tail = tail.substr(tail.size() - kTailBytes);
    // The cut may fall inside a UTF-8 character: drop its continuation bytes rather than show
    // a replacement character at the start.
    while (!tail.empty() && (static_cast<unsigned char>(tail.front()) & 0xC0) == 0x80) {
      tail.remove_prefix(1);
    }
    return SanitizeUtf8(tail);
  }
  size_t total() const { return total_; }

 private:
  std::string text_;
  size_t total_ = 0;
};

// The child process, from fork to exec. Only async-signal-safe calls: the worker has other
// threads, and a forked child holds copies of their locks.
[[noreturn]] void ExecChild(const char* directory, const char* command, int output_fd) {
  ::setpgid(0, 0);
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
  ::dup2(output_fd, STDOUT_FILENO);
  ::dup2(output_fd, STDERR_FILENO);
  if (::chdir(directory) != 0) ::_exit(126);
  char sh[] = "/bin/sh";
  char dash_c[] = "-c";
  char* argv[] = {sh, dash_c, const_cast<char*>(command), nullptr};
  ::execve("/bin/sh", argv, environ);
  ::_exit(127);
}

void KillGroup(pid_t group, int signal) { ::kill(-group, signal); }

struct Outcome {
  int status = 0;
  bool timed_out = false;
};

// Kills and reaps the child unless it has been reaped already: however the activity leaves (a
// cancellation, an exception from a heartbeat), no process or zombie stays behind.
class ChildGuard {
 public:
  explicit ChildGuard(pid_t pid) : pid_(pid) {}
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;
  ~ChildGuard() {
    if (pid_ <= 0) return;
    KillGroup(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
  }
  void Reaped() { pid_ = -1; }

 private:
  pid_t pid_;
};

// Reads the child's output until it has exited and its output has closed (or stayed open
// kDrainLimit past the exit), enforcing the timeout and watching for cancellation.
Outcome Supervise(runtime::ActivityContext& ctx, pid_t pid, int output_fd, Clock::time_point start,
                  Clock::duration timeout, Tail& tail) {
  ChildGuard guard(pid);
  Outcome outcome;
  bool exited = false;
  bool output_open = true;
  Clock::time_point exited_at{};
  Clock::time_point terminated_at{};
  Clock::time_point last_heartbeat = start;
  char buffer[8192];
  while (true) {
    // A negative descriptor makes poll() a plain wait once the output has closed.
    pollfd poll_fd{output_open ? output_fd : -1, POLLIN, 0};
    if (::poll(&poll_fd, 1, static_cast<int>(kPollInterval.count())) > 0) {
      const ssize_t n = ::read(output_fd, buffer, sizeof(buffer));
      if (n > 0) {
        tail.Append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        output_open = false;  // Every writer has gone.
      }
    }
    const Clock::time_point now = Clock::now();
    if (!exited && ::waitpid(pid, &outcome.status, WNOHANG) == pid) {
      exited = true;
      exited_at = now;
      guard.Reaped();
      // What it left running in its group would hold the pipe open and outlive the activity.
      KillGroup(pid, SIGKILL);
    }
    if (exited && (!output_open || now - exited_at >= kDrainLimit)) return outcome;
    if (ctx.cancelled()) throw runtime::CancelledError("tests cancelled");  // The guard kills.
    if (!exited && !outcome.timed_out && now - start >= timeout) {
      outcome.timed_out = true;
      terminated_at = now;
      KillGroup(pid, SIGTERM);
    }
    if (!exited && outcome.timed_out && now - terminated_at >= kKillGrace) {
      KillGroup(pid, SIGKILL);
    }
    if (now - last_heartbeat >= kHeartbeatInterval) {
      last_heartbeat = now;
      ctx.heartbeat({{"elapsed_ms",
                      std::chrono::duration_cast<std::chrono::milliseconds>(now - start).count()},
                     {"output_bytes", tail.total()}});
    }
  }
}

}  // namespace

Json RunTests(runtime::ActivityContext& ctx, const Json& input) {
  const std::string directory = OpenRepository(input).string();
  const std::string command = RequiredString(input, "command", "InvalidInput");
  if (command.empty()) Reject("InvalidInput", "command is empty");
  const double timeout_seconds = OptionalNumber(input, "timeout_seconds", 600, "InvalidInput");
  if (timeout_seconds <= 0 || timeout_seconds > 7 * 24 * 3600.0) {
    Reject("InvalidInput", "timeout_seconds must be positive and at most a week");
  }
  const auto timeout =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_seconds));

  int fds[2];
  // Close-on-exec, so that processes other threads start never inherit the write end and keep
  // the pipe open after the tests exit.
  if (::pipe2(fds, O_CLOEXEC) != 0) ProcessError("pipe2");
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);
  const Clock::time_point start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) ProcessError("fork");
  if (pid == 0) ExecChild(directory.c_str(), command.c_str(), write_end.get());
  // Also set here, so the group exists before any signal is sent to it whatever runs first.
  ::setpgid(pid, pid);
  write_end.Reset();

  Tail tail;
  const Outcome outcome = Supervise(ctx, pid, read_end.get(), start, timeout, tail);
  const auto duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();

  Json result = {{"timed_out", outcome.timed_out},
                 {"duration_ms", duration_ms},
                 {"output_tail", tail.Get()},
                 {"output_bytes", tail.total()}};
  int exit_code = -1;
  if (WIFEXITED(outcome.status)) {
    exit_code = WEXITSTATUS(outcome.status);
  } else if (WIFSIGNALED(outcome.status)) {
    exit_code = 128 + WTERMSIG(outcome.status);
    result["signal"] = WTERMSIG(outcome.status);
  }
  result["exit_code"] = exit_code;
  result["passed"] = exit_code == 0 && !outcome.timed_out;
  return result;
}

}  // namespace endure::activities
