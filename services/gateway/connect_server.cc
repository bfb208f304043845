// Implements the Connect/JSON HTTP/1.1 server on cpp-httplib: header checks, a bounded body
// read, then the CallGate and ForwardUnary, with every failure answered in Connect's format.
#include "services/gateway/connect_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "libs/common/grpc_status.h"
#include "libs/common/log.h"
#include "services/gateway/connect_protocol.h"

namespace bridging::gateway {
namespace {

constexpr char kAcceptPost[] = "application/json, application/proto";
// Request bodies httplib can undo for us (zlib and brotli are compiled in); the size limit is
// applied to the decoded bytes, so a small compressed bomb cannot grow past it.
constexpr char kSupportedEncodings[] = "identity, gzip, br";
// How long a kept-alive connection may wait for its next request: it holds a worker thread
// meanwhile, so this stays short.
constexpr time_t kKeepAliveSeconds = 5;
constexpr size_t kKeepAliveMaxCount = 100;
constexpr time_t kReadWriteSeconds = 30;
// Bounds the method path we put into logs (it is client-chosen).
constexpr size_t kMaxLoggedPath = 200;
// The UI is all same-origin files: no inline script or style, no other origin, no framing.
// img-src allows data: for the design system's CSS icons.
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

void WriteConnectError(httplib::Response& response, const ConnectError& error) {
  response.status = error.http_status;
  response.set_content(error.body, "application/json");
}

void WriteConnectError(httplib::Response& response, const absl::Status& status) {
  WriteConnectError(response, ToConnectError(status));
}

// True when the request announces content: a positive Content-Length or a chunked body.
// HTTP/1.1 gives a request with neither an empty body (RFC 9112 section 6.3).
bool HasBody(const httplib::Request& request) {
  if (request.has_header("Transfer-Encoding")) return true;
  if (!request.has_header("Content-Length")) return false;
  const std::string length = request.get_header_value("Content-Length");
  return length != "0";
}

// Tells the client not to reuse the connection, when we answer without reading the body it
// is sending: what is left of the body would otherwise be read as the next request.
// (httplib 0.11 cannot close the socket from a handler; well-behaved clients close it.)
void CloseAfterUnreadBody(const httplib::Request& request, httplib::Response& response) {
  if (HasBody(request)) response.set_header("Connection", "close");
}

// The declared Content-Length, or nullopt when absent or unparsable (httplib rejects those).
std::optional<uint64_t> DeclaredLength(const httplib::Request& request) {
  if (!request.has_header("Content-Length")) return std::nullopt;
  uint64_t length = 0;
  if (!absl::SimpleAtoi(request.get_header_value("Content-Length"), &length)) return std::nullopt;
  return length;
}

absl::Status TooLarge(size_t limit) {
  return absl::ResourceExhaustedError(
      absl::StrCat("request body is larger than the limit of ", limit, " bytes"));
}

std::string LoggedPath(const httplib::Request& request) {
  return std::string(absl::string_view(request.path).substr(0, kMaxLoggedPath));
}

}  // namespace

ConnectServer::ConnectServer(const MethodTable& methods, const CallGate& gate,
                             ConnectServerOptions options)
    : methods_(methods),
      gate_(gate),
      options_(std::move(options)),
      server_(options_.tls_cert_file.empty()
                  ? std::make_unique<httplib::Server>()
                  : std::make_unique<httplib::SSLServer>(options_.tls_cert_file.c_str(),
                                                         options_.tls_key_file.c_str())) {
  httplib::Server& server = *server_;
  const int threads = options_.worker_threads < 1 ? 1 : options_.worker_threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_read_timeout(kReadWriteSeconds, 0);
  server.set_write_timeout(kReadWriteSeconds, 0);
  server.set_keep_alive_timeout(kKeepAliveSeconds);
  server.set_keep_alive_max_count(kKeepAliveMaxCount);
  server.set_payload_max_length(options_.max_body_bytes);
  // httplib writes the headers and the body with separate send()s; with Nagle's algorithm
  // the body would wait for the client's delayed ACK (~40 ms) on every kept-alive call.
  server.set_tcp_nodelay(true);
  // httplib's default sets SO_REUSEPORT, which lets a second server bind a port already in
  // use and silently share its traffic. SO_REUSEADDR alone still allows a quick restart.
  server.set_socket_options([](socket_t socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });

  server.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ok", "text/plain");
  });
  server.Get(".*", [this](const httplib::Request& request, httplib::Response& response) {
    HandleGet(request, response);
  });
  server.Post(".*", [this](const httplib::Request& request, httplib::Response& response,
                           const httplib::ContentReader& reader) {
    HandleCall(request, response, reader);
  });

  // Browser hardening on every answer. Answers hold personal data unless they are UI files,
  // which set their own caching.
  const bool https = !options_.tls_cert_file.empty();
  server.set_post_routing_handler([https](const httplib::Request&, httplib::Response& response) {
    // Over HTTPS, browsers are told to come back over HTTPS only, for a year.
    if (https) response.set_header("Strict-Transport-Security", "max-age=31536000");
    response.set_header("Content-Security-Policy", kContentSecurityPolicy);
    response.set_header("X-Content-Type-Options", "nosniff");
    response.set_header("X-Frame-Options", "DENY");
    response.set_header("Referrer-Policy", "no-referrer");
    response.set_header("Cross-Origin-Opener-Policy", "same-origin");
    response.set_header("Cross-Origin-Resource-Policy", "same-origin");
    response.set_header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (!response.has_header("Cache-Control")) response.set_header("Cache-Control", "no-store");
  });
  // A client that asks before sending a body too large hears no before it sends it.
  const size_t limit = options_.max_body_bytes;
  server.set_expect_100_continue_handler(
      [limit](const httplib::Request& request, httplib::Response& response) {
        const std::optional<uint64_t> length = DeclaredLength(request);
        if (length.has_value() && *length > limit) {
          WriteConnectError(response, TooLarge(limit));
          response.set_header("Connection", "close");
          // httplib writes this early answer without working out the length; without it
          // the client would read until the connection closes.
          response.set_header("Content-Length", std::to_string(response.body.size()));
          return response.status;
        }
        return 100;
      });
  // httplib answers a body over payload_max_length itself with a bare 413; say it in
  // Connect's words instead. (HandleCall checks first, so this is a second line.)
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [limit](const httplib::Request&, httplib::Response& response) {
        if (response.status != 413 || !response.body.empty()) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        WriteConnectError(response, TooLarge(limit));
        return httplib::Server::HandlerResponse::Handled;
      }));
  // Without a handler httplib would copy the exception's what() into a response header.
  server.set_exception_handler(
      [](const httplib::Request& request, httplib::Response& response, std::exception_ptr error) {
        std::string what = "unknown exception";
        try {
          if (error) std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        Log(LogLevel::kError, "connect_handler_exception",
            {{"path", LoggedPath(request)}, {"what", what}});
        response.headers.clear();
        WriteConnectError(response, absl::InternalError("internal error"));
        response.set_header("Connection", "close");
      });
}

ConnectServer::~ConnectServer() { Stop(); }

absl::Status ConnectServer::Start() {
  absl::MutexLock lock(&mu_);
  if (started_) return absl::FailedPreconditionError("the Connect server was already started");
  if (!server_->is_valid()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot serve HTTPS with ", options_.tls_cert_file, " and ", options_.tls_key_file));
  }
  int port = -1;
  if (options_.port == 0) {
    port = server_->bind_to_any_port(options_.host);
  } else if (server_->bind_to_port(options_.host, options_.port)) {
    port = options_.port;
  }
  if (port <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.host, ":", options_.port));
  }
  started_ = true;
  port_ = port;
  auto listen_returned = std::make_shared<std::atomic<bool>>(false);
  thread_ = std::thread([this, listen_returned] {
    server_->listen_after_bind();
    listen_returned->store(true);
  });
  // httplib's stop() does nothing until the accept loop has begun, so Stop() right after
  // Start() could otherwise leave the thread running forever.
  while (!server_->is_running() && !listen_returned->load()) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  if (!server_->is_running()) {
    thread_.join();
    port_ = 0;
    return absl::UnavailableError(
        absl::StrCat("the listener on ", options_.host, ":", port, " stopped at once"));
  }
  Log(LogLevel::kInfo, "connect_listening",
      {{"host", options_.host}, {"port", absl::StrCat(port)}});
  return absl::OkStatus();
}

void ConnectServer::Stop() {
  absl::MutexLock lock(&mu_);
  if (!thread_.joinable()) return;
  // Closes the listening socket; the workers finish the requests they hold, then join.
  server_->stop();
  thread_.join();
}

void ConnectServer::HandleGet(const httplib::Request& request, httplib::Response& response) const {
  const WebAsset* asset =
      options_.web_assets == nullptr ? nullptr : options_.web_assets->Find(request.path);
  if (asset != nullptr) {
    response.set_header("ETag", asset->etag);
    response.set_header("Cache-Control",
                        asset->immutable ? "public, max-age=31536000, immutable" : "no-cache");
    for (absl::string_view tag : absl::StrSplit(request.get_header_value("If-None-Match"), ',')) {
      if (absl::StripAsciiWhitespace(tag) == asset->etag) {
        response.status = 304;
        return;
      }
    }
    response.set_content(asset->body, asset->content_type);
    return;
  }
  if (methods_.Find(request.path) != nullptr) {
    // Connect's GET form (for side-effect-free methods) is not served: say which method is.
    response.status = 405;
    response.set_header("Allow", "POST");
    return;
  }
  response.status = 404;
  response.set_content("not found", "text/plain; charset=utf-8");
}

void ConnectServer::HandleCall(const httplib::Request& request, httplib::Response& response,
                               const httplib::ContentReader& reader) const {
  // The deadline counts from when the request arrived, not from when its body was read.
  const absl::Time received = absl::Now();
  const std::string& path = request.path;
  if (request.get_header_value_count("Authorization") > 1) {
    CloseAfterUnreadBody(request, response);
    return WriteConnectError(response,
                             absl::InvalidArgumentError("more than one Authorization header"));
  }
  const std::string authorization = request.get_header_value("Authorization");

  const MethodInfo* method = methods_.Find(path);
  if (method == nullptr) {
    // The gate refuses and audits unknown methods just as it does for gRPC.
    absl::StatusOr<std::unique_ptr<AdmittedCall>> call =
        gate_.Admit({.method = path, .authorization = authorization, .request = ""});
    absl::Status refused = absl::UnimplementedError("the gateway serves no such method");
    if (!call.ok()) {
      refused = call.status();
    } else {
      (*call)->Finish(ToGrpcStatus(refused));
    }
    CloseAfterUnreadBody(request, response);
    return WriteConnectError(response, refused);
  }
  const google::protobuf::MethodDescriptor& descriptor = *method->descriptor;
  if (descriptor.client_streaming() || descriptor.server_streaming()) {
    CloseAfterUnreadBody(request, response);
    return WriteConnectError(
        response, absl::UnimplementedError(
                      absl::StrCat(method->path, " is a streaming method: call it over gRPC")));
  }

  absl::StatusOr<ConnectCodec> codec =
      ParseConnectContentType(request.get_header_value("Content-Type"));
  if (!codec.ok()) {
    // The spec's answer to an unsupported codec: a bare 415, outside the error-code table.
    response.status = 415;
    response.set_header("Accept-Post", kAcceptPost);
    CloseAfterUnreadBody(request, response);
    return;
  }
  if (request.has_header("Connect-Protocol-Version") &&
      request.get_header_value("Connect-Protocol-Version") != "1") {
    CloseAfterUnreadBody(request, response);
    return WriteConnectError(response,
                             absl::InvalidArgumentError("Connect-Protocol-Version must be 1"));
  }
  // httplib decodes exactly "gzip" and "br" (and "deflate", which Connect does not define)
  // and passes any other coding through undecoded, so only those are accepted.
  const std::string encoding = request.get_header_value("Content-Encoding");
  if (!encoding.empty() && !absl::EqualsIgnoreCase(encoding, "identity") && encoding != "gzip" &&
      encoding != "br") {
    CloseAfterUnreadBody(request, response);
    return WriteConnectError(
        response, absl::UnimplementedError(absl::StrCat("unsupported Content-Encoding; supported: ",
                                                        kSupportedEncodings)));
  }
  absl::Time deadline = absl::InfiniteFuture();
  if (request.has_header("Connect-Timeout-Ms")) {
    absl::StatusOr<absl::Duration> timeout =
        ParseConnectTimeout(request.get_header_value("Connect-Timeout-Ms"));
    if (!timeout.ok()) {
      CloseAfterUnreadBody(request, response);
      return WriteConnectError(response, timeout.status());
    }
    deadline = received + *timeout;
  }

  const size_t limit = options_.max_body_bytes;
  if (const std::optional<uint64_t> length = DeclaredLength(request);
      length.has_value() && *length > limit) {
    CloseAfterUnreadBody(request, response);
    return WriteConnectError(response, TooLarge(limit));
  }
  std::string body;
  if (HasBody(request)) {
    bool too_large = false;
    const bool read = reader([&](const char* data, size_t size) {
      if (size > limit - body.size()) {
        too_large = true;
        return false;  // stop reading: the rest is never buffered
      }
      body.append(data, size);
      return true;
    });
    if (too_large) {
      response.set_header("Connection", "close");
      return WriteConnectError(response, TooLarge(limit));
    }
    if (!read) {
      response.set_header("Connection", "close");
      return WriteConnectError(response,
                               absl::InvalidArgumentError("the request body could not be read"));
    }
  }

  absl::StatusOr<std::string> binary = DecodeConnectRequest(*descriptor.input_type(), *codec, body);
  if (!binary.ok()) return WriteConnectError(response, binary.status());

  absl::StatusOr<std::unique_ptr<AdmittedCall>> call =
      gate_.Admit({.method = path, .authorization = authorization, .request = *binary});
  if (!call.ok()) return WriteConnectError(response, call.status());

  std::string backend_response;
  grpc::Status status = ForwardUnary(**call, *binary, deadline, &backend_response);
  if (!status.ok()) {
    (*call)->Finish(status);
    return WriteConnectError(response, ToConnectError(status));
  }
  absl::StatusOr<std::string> encoded =
      EncodeConnectResponse(*descriptor.output_type(), *codec, backend_response);
  if (!encoded.ok()) {
    // Recorded as the client experienced it: the backend answered, the client got an error.
    (*call)->Finish(ToGrpcStatus(encoded.status()));
    Log(LogLevel::kError, "connect_response_unencodable", {{"method", method->path}});
    return WriteConnectError(response, encoded.status());
  }
  (*call)->Finish(grpc::Status::OK);
  response.status = 200;
  response.set_content(*std::move(encoded), std::string(ConnectContentType(*codec)));
}

}  // namespace bridging::gateway
