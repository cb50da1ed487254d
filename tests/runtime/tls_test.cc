// The C++ client over mutual TLS, as JARVIS configures it for production: a server that
// requires a client certificate, certificates made for the test with openssl.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/server/grpc/workflow_service.h"
#include "runtime/client/client.h"
#include "runtime/engine.h"
#include "tests/storage/store_test_util.h"

namespace endure::runtime {
namespace {

std::string Read(const std::string& path) {
  std::stringstream s;
  s << std::ifstream(path).rdbuf();
  return s.str();
}

// A self-signed certificate and key for `name` (also valid for localhost and 127.0.0.1).
void MakeCertificate(const std::string& dir, const std::string& name) {
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=" + name +
      " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " + dir + "/" + name +
      ".key -out " + dir + "/" + name + ".pem 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

TEST(TlsTest, ClientConnectsWithMutualTls) {
  storage::testing::TempDir dir;
  MakeCertificate(dir.path(), "server");
  MakeCertificate(dir.path(), "client");
  auto engine = Engine::Open({.db_path = dir.File("endure.db")});
  ASSERT_TRUE(engine.ok());
  engine::server::WorkflowServiceAdapter service((*engine)->frontend(), nullptr);
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = Read(dir.File("client.pem"));
  ssl.pem_key_cert_pairs.push_back({Read(dir.File("server.key")), Read(dir.File("server.pem"))});
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(ssl), &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  const std::string address = "127.0.0.1:" + std::to_string(port);

  TlsOptions tls{.enabled = true,
                 .cert_path = dir.File("client.pem"),
                 .key_path = dir.File("client.key"),
                 .ca_path = dir.File("server.pem")};
  auto client = Client::Connect(address, "default", tls);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  auto run = client->StartWorkflow("T", nullptr, {.id = "over-tls", .task_queue = "q"});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto described = client->Describe(*run);
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_EQ(described->status, "Running");

  // Without its certificate the client is refused; without TLS it cannot talk at all.
  TlsOptions anonymous{.enabled = true, .ca_path = dir.File("server.pem")};
  auto refused = Client::Connect(address, "default", anonymous);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->StartWorkflow("T", nullptr, {.id = "refused", .task_queue = "q"}).ok());
  EXPECT_FALSE(Client::Connect(address)
                   .StartWorkflow("T", nullptr, {.id = "plain", .task_queue = "q"})
                   .ok());

  // A file that cannot be read is named.
  TlsOptions missing = tls;
  missing.key_path = dir.File("nope.key");
  auto bad = Client::Connect(address, "default", missing);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("nope.key"), std::string::npos);

  server->Shutdown();
  (*engine)->Shutdown();
}

}  // namespace
}  // namespace endure::runtime
