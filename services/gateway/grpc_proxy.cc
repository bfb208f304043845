// Implements the byte-for-byte relay between a client call and its backend call.
#include "services/gateway/grpc_proxy.h"

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/client_callback.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace bridging::gateway {
namespace {

using grpc::ByteBuffer;

bool Flatten(const ByteBuffer& buffer, std::string* out) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  out->clear();
  for (const grpc::Slice& slice : slices) {
    out->append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return true;
}

absl::Time DeadlineOf(const grpc::GenericCallbackServerContext& context) {
  const auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

// One proxied call. The server side (the client's call) and the backend side each have
// their own reactor; this object is freed once both are done.
//
// Requests flow: server read -> backend write -> server read ... -> backend WritesDone.
// Responses flow: backend read -> server write -> backend read ... Each chain has at most
// one operation in flight, which is gRPC's flow control: a slow reader slows the writer.
class ProxyCall final : public grpc::ServerGenericBidiReactor {
 public:
  ProxyCall(const CallGate* gate, grpc::GenericCallbackServerContext* context)
      : gate_(gate), context_(context), backend_(this) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!admitted_) {
      if (!ok)
        return FinishServer(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                         "the call carried no request message"));
      return Admit();
    }
    if (!ok) {
      backend_.StartWritesDone();
      return;
    }
    backend_.StartWrite(&request_);
  }

  void OnWriteDone(bool ok) override {
    // The hold taken in OnBackendReadDone keeps the backend call (and its OnDone) alive
    // until the next read is started, so StartRead never meets a finished stream.
    if (ok) {
      backend_.StartRead(&response_);
    } else {
      backend_context_.TryCancel();  // the client went away
    }
    backend_.RemoveHold();
  }

  void OnCancel() override { backend_context_.TryCancel(); }

  void OnDone() override { Release(); }

 private:
  class BackendSide final : public grpc::ClientBidiReactor<ByteBuffer, ByteBuffer> {
   public:
    explicit BackendSide(ProxyCall* call) : call_(call) {}
    void OnWriteDone(bool ok) override { call_->OnBackendWriteDone(ok); }
    void OnReadDone(bool ok) override { call_->OnBackendReadDone(ok); }
    void OnDone(const grpc::Status& status) override { call_->OnBackendDone(status); }

   private:
    ProxyCall* call_;
  };

  void Admit() {
    std::string bytes;
    if (!Flatten(request_, &bytes)) {
      return FinishServer(grpc::Status(grpc::StatusCode::INTERNAL, "unreadable request"));
    }
    const auto authorization = context_->client_metadata().find("authorization");
    const absl::string_view header =
        authorization == context_->client_metadata().end()
            ? absl::string_view()
            : absl::string_view(authorization->second.data(), authorization->second.size());
    absl::StatusOr<std::unique_ptr<AdmittedCall>> admitted =
        gate_->Admit({context_->method(), header, bytes});
    if (!admitted.ok()) {
      return FinishServer(grpc::Status(static_cast<grpc::StatusCode>(admitted.status().code()),
                                       std::string(admitted.status().message())));
    }
    admitted_ = *std::move(admitted);
    admitted_->PrepareBackendContext(&backend_context_, DeadlineOf(*context_));
    {
      absl::MutexLock lock(&mu_);
      backend_started_ = true;
    }
    admitted_->backend().stub->PrepareBidiStreamingCall(&backend_context_, admitted_->method().path,
                                                        grpc::StubOptions(), &backend_);
    const bool client_streams = admitted_->method().descriptor->client_streaming();
    if (client_streams) {
      backend_.StartWrite(&request_);
    } else {
      // One request: send it with the half-close, and read nothing more from the client.
      backend_.StartWriteLast(&request_, grpc::WriteOptions());
    }
    backend_.StartRead(&response_);
    backend_.StartCall();
  }

  void OnBackendWriteDone(bool ok) {
    if (!ok || !admitted_->method().descriptor->client_streaming()) return;
    StartRead(&request_);
  }

  void OnBackendReadDone(bool ok) {
    if (!ok) return;     // the backend finished; OnBackendDone brings the status
    backend_.AddHold();  // released by OnWriteDone
    StartWrite(&response_);
  }

  void OnBackendDone(const grpc::Status& status) {
    admitted_->Finish(status);
    // The hold taken while a response is written to the client delays this until that write
    // is done, so the status always goes after the last response.
    FinishServer(status);
    Release();
  }

  void FinishServer(const grpc::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      if (server_finished_) return;
      server_finished_ = true;
    }
    Finish(status);
  }

  // Called once by the server side's OnDone and once by the backend side's OnDone (if the
  // backend call started); the last one frees the call.
  void Release() {
    bool last = false;
    {
      absl::MutexLock lock(&mu_);
      ++released_;
      last = released_ == (backend_started_ ? 2 : 1);
    }
    if (last) delete this;
  }

  const CallGate* gate_;
  grpc::GenericCallbackServerContext* context_;
  grpc::ClientContext backend_context_;
  BackendSide backend_;
  std::unique_ptr<AdmittedCall> admitted_;
  ByteBuffer request_;
  ByteBuffer response_;

  absl::Mutex mu_;
  bool backend_started_ ABSL_GUARDED_BY(mu_) = false;
  bool server_finished_ ABSL_GUARDED_BY(mu_) = false;
  int released_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

grpc::ServerGenericBidiReactor* GrpcProxy::CreateReactor(
    grpc::GenericCallbackServerContext* context) {
  if (context->method() == kReflectionMethod) return reflection_->NewReactor();
  return new ProxyCall(gate_, context);
}

}  // namespace bridging::gateway
