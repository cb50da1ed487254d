// HttpServer: a small HTTP/1.1 server on Boost.Beast for the dev server's HTTP/JSON API and
// its Prometheus endpoint. It reads requests (bodies up to 4 MiB, as Temporal's HTTP API
// allows), hands each to an asynchronous handler, and writes the answer the handler gives,
// keeping connections alive between requests.
//
// Thread-safety: Start and Stop from one thread; the handler runs on the server's threads and
// may answer from any thread, but must have answered every request before the server is
// destroyed (the dev server destroys the frontend, whose callbacks answer, first).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "storage/base/status.h"

namespace endure::engine::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // Path and query, as sent: "/api/v1/namespaces?pageSize=5".
  std::map<std::string, std::string> headers;  // Names in lower case.
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// Answers once with `respond`, from any thread.
using HttpHandler =
    std::function<void(HttpRequest request, std::function<void(HttpResponse)> respond)>;

class HttpServer {
 public:
  // Binds ip:port (0 picks a free port) and serves on `threads` threads of its own.
  static Result<std::unique_ptr<HttpServer>> Start(const std::string& ip, int port,
                                                   HttpHandler handler, int threads = 2);
  ~HttpServer();  // Stops.
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  // Stops accepting, closes connections and joins the threads.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace endure::engine::server
