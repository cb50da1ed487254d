#include "storage/base/env.h"

#include <pthread.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>

#include <thread>

#include "storage/base/check.h"

namespace endure {
namespace {

class StdThread final : public Thread {
 public:
  explicit StdThread(std::thread t) : thread_(std::move(t)) {}
  ~StdThread() override { Join(); }
  void Join() override {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

class RealEnv final : public Env {
 public:
  TimePoint Now() override {
    return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
  }

  std::unique_ptr<Thread> StartThread(std::string name, std::function<void()> body) override {
    std::thread t([name = std::move(name), body = std::move(body)] {
      // Linux limits thread names to 15 characters plus the terminator.
      pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
      body();
    });
    return std::make_unique<StdThread>(std::move(t));
  }

  int SyncData(int fd) override { return fdatasync(fd) == 0 ? 0 : errno; }

  void RandomBytes(void* out, size_t n) override {
    auto* bytes = static_cast<char*>(out);
    while (n > 0) {
      ssize_t got = getrandom(bytes, n, 0);
      ENDURE_CHECK(got > 0 || errno == EINTR) << "getrandom failed: " << errno;
      if (got > 0) {
        bytes += got;
        n -= static_cast<size_t>(got);
      }
    }
  }
};

}  // namespace

Env* Env::Default() {
  static RealEnv env;  // Stateless, so safe to use even during static destruction.
  return &env;
}

}  // namespace endure
