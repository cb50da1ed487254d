#include "engine/server/http/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>
#include <vector>

namespace endure::engine::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr size_t kMaxBody = 4 << 20;  // Temporal's HTTP API limit.

// One connection: reads a request, waits for the handler's answer, writes it, and reads the
// next while the client keeps the connection alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpHandler& handler)
      : stream_(std::move(socket)), handler_(handler) {}

  void Read() {
    parser_.emplace();
    parser_->body_limit(kMaxBody);
    stream_.expires_never();
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

 private:
  void OnRead(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return Write({413, "application/json",
                    R"({"code":8,"message":"request body larger than 4 MiB","details":[]})"},
                   false);
    }
    if (ec) return Close();
    http::request<http::string_body> message = parser_->release();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers[name] = std::string(field.value());
    }
    request.body = std::move(message.body());
    const bool keep_alive = message.keep_alive();
    const unsigned version = message.version();
    handler_(std::move(request),
             [self = shared_from_this(), keep_alive, version](HttpResponse response) {
               // Answers may come from any thread; the socket is used on its strand only.
               asio::post(self->stream_.get_executor(),
                          [self, response = std::move(response), keep_alive, version]() mutable {
                            self->version_ = version;
                            self->Write(std::move(response), keep_alive);
                          });
             });
  }

  void Write(HttpResponse response, bool keep_alive) {
    auto message = std::make_shared<http::response<http::string_body>>();
    message->version(version_);
    message->result(static_cast<http::status>(response.status));
    message->set(http::field::server, "endure");
    message->set(http::field::content_type, response.content_type);
    message->keep_alive(keep_alive);
    message->body() = std::move(response.body);
    message->prepare_payload();
    http::async_write(
        stream_, *message,
        [self = shared_from_this(), message, keep_alive](beast::error_code ec, size_t) {
          if (ec || !keep_alive) return self->Close();
          self->Read();
        });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  const HttpHandler& handler_;  // The server's; used on its threads, which it joins first.
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  unsigned version_ = 11;
};

}  // namespace

struct HttpServer::Impl {
  explicit Impl(HttpHandler h)
      : handler(std::move(h)),
        io(std::make_unique<asio::io_context>()),
        acceptor(asio::make_strand(*io)) {}

  void Accept() {
    acceptor.async_accept(asio::make_strand(*io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      } else {
        std::make_shared<Session>(std::move(socket), handler)->Read();
      }
      Accept();
    });
  }

  HttpHandler handler;
  std::unique_ptr<asio::io_context> io;
  tcp::acceptor acceptor;
  int port = 0;
  std::vector<std::thread> threads;
  bool stopped = false;
};

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& ip, int port,
                                                      HttpHandler handler, int threads) {
  auto impl = std::make_unique<Impl>(std::move(handler));
  beast::error_code ec;
  const auto address = asio::ip::make_address(ip, ec);
  if (ec) return InvalidArgument("not an IP address: '" + ip + "'");
  const tcp::endpoint endpoint(address, static_cast<uint16_t>(port));
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("cannot listen on " + ip + ":" + std::to_string(port) + ": " + ec.message());
  }
  impl->port = impl->acceptor.local_endpoint().port();
  impl->Accept();
  for (int i = 0; i < threads; ++i) {
    impl->threads.emplace_back([io = impl->io.get()] { io->run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

int HttpServer::port() const { return impl_->port; }

void HttpServer::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
  impl_->io->stop();
  for (std::thread& t : impl_->threads) t.join();
}

}  // namespace endure::engine::server
