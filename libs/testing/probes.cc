// Implements the health, reflection and HTTP probes.
#include "libs/testing/probes.h"

#include <arpa/inet.h>
#include <grpcpp/generic/generic_stub.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "libs/common/grpc_status.h"

namespace bridging::testing {

using grpc::health::v1::HealthCheckResponse;

std::shared_ptr<grpc::Channel> LoopbackChannel(
    int port, std::shared_ptr<grpc::ChannelCredentials> credentials) {
  // Tests often dial a server that is still starting: retry the connection quickly
  // instead of gRPC's default 1 s+ exponential reconnect backoff.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 250);
  // The minimum backoff is also the connect deadline: 50 ms is plenty for a loopback TCP
  // connect, not for a TLS handshake on a busy machine.
  if (credentials == nullptr) args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  // Its own connections: not ones other channels to the same address left backing off.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(
      absl::StrCat("127.0.0.1:", port),
      credentials != nullptr ? credentials : grpc::InsecureChannelCredentials(), args);
}

namespace {

absl::StatusOr<HealthCheckResponse::ServingStatus> AskHealth(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service, bool wait_for_ready,
    absl::Duration timeout) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  context.set_wait_for_ready(wait_for_ready);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response.status();
}

}  // namespace

absl::StatusOr<HealthCheckResponse::ServingStatus> CheckHealth(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service) {
  return AskHealth(channel, service, /*wait_for_ready=*/false, absl::Seconds(2));
}

bool WaitForHealth(const std::shared_ptr<grpc::Channel>& channel,
                   HealthCheckResponse::ServingStatus want, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    const absl::Duration ask = std::min(absl::Seconds(1), deadline - absl::Now());
    auto status = AskHealth(channel, "", /*wait_for_ready=*/true, ask);
    if (status.ok() && *status == want) return true;
    absl::SleepFor(absl::Milliseconds(20));  // poll interval, not a wait for a result
  }
  return false;
}

bool WaitForServing(int port, absl::Duration timeout) {
  return WaitForHealth(LoopbackChannel(port), HealthCheckResponse::SERVING, timeout);
}

absl::StatusOr<std::string> ReflectionListServices(const std::shared_ptr<grpc::Channel>& channel) {
  // ServerReflectionRequest{list_services: ""}: field 7, length-delimited, empty.
  return ReflectionAsk(channel, std::string("\x3a\x00", 2));
}

absl::StatusOr<std::string> ReflectionAsk(const std::shared_ptr<grpc::Channel>& channel,
                                          const std::string& request_bytes) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  auto step = [&](void* tag) {
    void* got = nullptr;
    bool ok = false;
    return cq.Next(&got, &ok) && got == tag && ok;
  };
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  call->StartCall(reinterpret_cast<void*>(1));
  bool ok = step(reinterpret_cast<void*>(1));
  if (ok) call->Write(request, reinterpret_cast<void*>(2)), ok = step(reinterpret_cast<void*>(2));
  if (ok) call->WritesDone(reinterpret_cast<void*>(3)), ok = step(reinterpret_cast<void*>(3));
  if (ok) call->Read(&response, reinterpret_cast<void*>(4)), ok = step(reinterpret_cast<void*>(4));
  // The server keeps the reflection stream open for further questions; once the listing is
  // read, cancel instead of waiting for the deadline.
  context.TryCancel();
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  step(reinterpret_cast<void*>(5));
  cq.Shutdown();
  void* tag;
  bool drained_ok;
  while (cq.Next(&tag, &drained_ok)) {
  }
  if (!ok)
    return absl::UnavailableError(absl::StrCat("reflection failed: ", status.error_message()));
  std::vector<grpc::Slice> slices;
  (void)response.Dump(&slices);
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return bytes;
}

absl::StatusOr<std::string> HttpGet(int port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("cannot connect to port ", port));
  }
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return absl::UnavailableError("short write");
  }
  std::string reply;
  char buffer[8192];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof(buffer))) > 0) reply.append(buffer, n);
  ::close(fd);
  const size_t header_end = reply.find("\r\n\r\n");
  if (reply.rfind("HTTP/1.", 0) != 0 || header_end == std::string::npos) {
    return absl::InternalError("malformed HTTP reply");
  }
  if (reply.find(" 200 ") > header_end) {
    return absl::InternalError(absl::StrCat("HTTP status: ", reply.substr(0, reply.find('\r'))));
  }
  return reply.substr(header_end + 4);
}

}  // namespace bridging::testing
