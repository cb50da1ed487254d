// EmbeddedService: the Service over a Frontend in this process: each call is the frontend's
// asynchronous operation, awaited.
#include <chrono>

#include "engine/frontend/await.h"
#include "engine/frontend/frontend.h"
#include "runtime/client/service.h"

namespace endure::runtime {
namespace {

using engine::Await;
using engine::Frontend;

// Long polls wait at most this long before answering empty, as over gRPC.
constexpr std::chrono::seconds kPollWait{60};
constexpr std::chrono::seconds kHistoryWait{20};

class Embedded final : public Service {
 public:
  explicit Embedded(Frontend* frontend) : f_(frontend) {}

#define ENDURE_ASYNC(Name)                                                                      \
  Result<wsv1::Name##Response> Name(const wsv1::Name##Request& request) override {              \
    return Await<wsv1::Name##Response>([&](auto done) { f_->Name(request, std::move(done)); }); \
  }
#define ENDURE_WAITING(Name, wait)                                                 \
  Result<wsv1::Name##Response> Name(const wsv1::Name##Request& request) override { \
    const auto deadline = engine::AlarmClock::Clock::now() + wait;                 \
    return Await<wsv1::Name##Response>(                                            \
        [&](auto done) { f_->Name(request, deadline, std::move(done)); });         \
  }
#define ENDURE_POLL(Name)                                                                    \
  Result<wsv1::Name##Response> Name(const wsv1::Name##Request& request,                      \
                                    std::shared_ptr<engine::CancelSignal> cancel) override { \
    engine::PollOptions options;                                                             \
    options.deadline = engine::AlarmClock::Clock::now() + kPollWait;                         \
    options.cancelled = std::move(cancel);                                                   \
    options.in_process = true;                                                               \
    return Await<wsv1::Name##Response>(                                                      \
        [&](auto done) { f_->Name(request, options, std::move(done)); });                    \
  }
  ENDURE_ASYNC(StartWorkflowExecution)
  ENDURE_ASYNC(SignalWorkflowExecution)
  ENDURE_ASYNC(SignalWithStartWorkflowExecution)
  ENDURE_WAITING(QueryWorkflow, kPollWait)
  ENDURE_WAITING(UpdateWorkflowExecution, kPollWait)
  ENDURE_ASYNC(RequestCancelWorkflowExecution)
  ENDURE_ASYNC(TerminateWorkflowExecution)
  ENDURE_ASYNC(DescribeWorkflowExecution)
  ENDURE_WAITING(GetWorkflowExecutionHistory, kHistoryWait)
  ENDURE_ASYNC(ListWorkflowExecutions)
  ENDURE_POLL(PollWorkflowTaskQueue)
  ENDURE_ASYNC(RespondWorkflowTaskCompleted)
  ENDURE_ASYNC(RespondWorkflowTaskFailed)
  ENDURE_ASYNC(RespondQueryTaskCompleted)
  ENDURE_POLL(PollActivityTaskQueue)
  ENDURE_ASYNC(RecordActivityTaskHeartbeat)
  ENDURE_ASYNC(RespondActivityTaskCompleted)
  ENDURE_ASYNC(RespondActivityTaskFailed)
  ENDURE_ASYNC(RespondActivityTaskCanceled)
#undef ENDURE_ASYNC
#undef ENDURE_WAITING
#undef ENDURE_POLL

  // Not waited for: the answer goes to `done` on the thread that gives it. The activity's
  // request lives until the frontend answers; the workflow task's is handed over to the engine,
  // which keeps it until the completion commits, without a copy.
  void RespondActivityTaskCompletedThen(wsv1::RespondActivityTaskCompletedRequest request,
                                        std::function<void(Status)> done) override {
    auto kept =
        std::make_shared<const wsv1::RespondActivityTaskCompletedRequest>(std::move(request));
    f_->RespondActivityTaskCompleted(
        *kept, [kept, done = std::move(done)](
                   Result<wsv1::RespondActivityTaskCompletedResponse> r) { done(r.status()); });
  }
  void RespondWorkflowTaskCompletedThen(wsv1::RespondWorkflowTaskCompletedRequest request,
                                        std::function<void(Status)> done) override {
    f_->RespondWorkflowTaskCompletedShared(
        std::make_shared<const wsv1::RespondWorkflowTaskCompletedRequest>(std::move(request)),
        [done = std::move(done)](Result<wsv1::RespondWorkflowTaskCompletedResponse> r) {
          done(r.status());
        });
  }

  Result<wsv1::ShutdownWorkerResponse> ShutdownWorker(
      const wsv1::ShutdownWorkerRequest& request) override {
    return f_->ShutdownWorker(request);
  }

 private:
  Frontend* const f_;
};

}  // namespace

std::unique_ptr<Service> EmbeddedService(engine::Frontend* frontend) {
  return std::make_unique<Embedded>(frontend);
}

}  // namespace endure::runtime
