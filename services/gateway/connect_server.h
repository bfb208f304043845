// The gateway's HTTP/1.1 face for curl and browsers: unary Connect calls
// (POST /<package>.<Service>/<Method> with a JSON or binary protobuf body) go through the
// same CallGate as gRPC calls and on to the backend; GET serves the web UI (when given) and
// /healthz answers probes. Every answer carries the browser security headers.
//
//   ConnectServer server(methods, gate, {.port = 8080});
//   RETURN_IF_ERROR(server.Start());
//   ...
//   server.Stop();
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "services/gateway/call_gate.h"
#include "services/gateway/method_table.h"
#include "services/gateway/web_assets.h"

// Kept out of this header so that only connect_server.cc compiles httplib.h (whose
// declarations depend on the CPPHTTPLIB_* macros the cpp-httplib pkg-config target sets).
namespace httplib {
class ContentReader;
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace bridging::gateway {

struct ConnectServerOptions {
  std::string host = "127.0.0.1";
  // 0 picks a free port; port() tells which after Start().
  int port = 0;
  // Threads serving connections. A kept-alive connection holds its thread while it waits
  // for the next request (up to 5 s), so this bounds concurrent clients. Values below 1
  // mean 1.
  int worker_threads = 8;
  // Larger request bodies are refused with resource_exhausted before they are parsed.
  size_t max_body_bytes = 4 * 1024 * 1024;
  // The built web UI served on GET; null serves none.
  std::shared_ptr<const WebAssets> web_assets;
  // HTTPS with this PEM certificate and key (both or neither); empty: plain HTTP.
  std::string tls_cert_file;
  std::string tls_key_file;
};

class ConnectServer {
 public:
  // `methods` and `gate` must outlive the server.
  ConnectServer(const MethodTable& methods, const CallGate& gate,
                ConnectServerOptions options = {});
  ~ConnectServer();
  ConnectServer(const ConnectServer&) = delete;
  ConnectServer& operator=(const ConnectServer&) = delete;

  // Binds and starts serving on a thread of its own. UNAVAILABLE when the address cannot be
  // bound (e.g. the port is taken); FAILED_PRECONDITION when called twice.
  absl::Status Start();

  // Stops accepting, lets requests in progress finish, and joins the threads. Idempotent;
  // also done by the destructor.
  void Stop();

  // The bound port once Start() succeeded; 0 before.
  int port() const { return port_.load(); }

 private:
  // Serves one POST: the body is read here (not by httplib) so that its size, after any
  // Content-Encoding is undone, is bounded however it is framed.
  void HandleCall(const httplib::Request& request, httplib::Response& response,
                  const httplib::ContentReader& reader) const;
  // Serves GET and HEAD: a UI file, 405 for a method path (Connect's GET form is not
  // served), or 404.
  void HandleGet(const httplib::Request& request, httplib::Response& response) const;

  const MethodTable& methods_;
  const CallGate& gate_;
  const ConnectServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::atomic<int> port_{0};

  absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_ ABSL_GUARDED_BY(mu_);
};

}  // namespace bridging::gateway
