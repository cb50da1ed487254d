// The C++ SDK's client as the TypeScript compatibility suite drives it: starts a workflow (of
// any SDK's) on a server, optionally queries it, and prints its result, so the suite can check
// that a C++ client and a TypeScript worker understand each other.
//
//   cpp_client_probe ADDRESS TYPE TASK_QUEUE WORKFLOW_ID INPUT_JSON
// prints "result <json>" and exits 0, or prints the error and exits 1.
#include <iostream>

#include "runtime/client/client.h"

int main(int argc, char** argv) {
  using namespace endure::runtime;
  if (argc != 6) {
    std::cerr << "usage: cpp_client_probe ADDRESS TYPE TASK_QUEUE WORKFLOW_ID INPUT_JSON\n";
    return 2;
  }
  Json input = Json::parse(argv[5], nullptr, /*allow_exceptions=*/false);
  if (input.is_discarded()) {
    std::cerr << "INPUT_JSON is not JSON\n";
    return 2;
  }
  Client client = Client::Connect(argv[1], "default");
  auto run = client.StartWorkflow(argv[2], input, {.id = argv[4], .task_queue = argv[3]});
  if (!run.ok()) {
    std::cerr << run.status().ToString() << "\n";
    return 1;
  }
  auto result = client.GetResult(*run, std::chrono::seconds(60));
  if (!result.ok()) {
    std::cerr << result.status().ToString() << "\n";
    return 1;
  }
  std::cout << "result " << result->dump() << std::endl;
  return 0;
}
