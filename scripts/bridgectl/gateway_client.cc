// Implements GatewayClient over a generic gRPC stub.
#include "scripts/bridgectl/gateway_client.h"

#include <google/protobuf/dynamic_message.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/byte_buffer.h>

#include <condition_variable>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "bridging/common/v1/authz.pb.h"
#include "libs/common/contract.h"
#include "libs/common/grpc_status.h"

namespace bridging::bridgectl {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

bool Retryable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsResourceExhausted(status);
}

// A write is safe to send again only when the service can recognise the repeat.
bool SafeToRetry(const MethodDescriptor& method, const Message& request) {
  if (!method.options().GetExtension(common::v1::policy).mutating()) return true;
  const FieldDescriptor* id = request.GetDescriptor()->FindFieldByName("request_id");
  return id != nullptr && !request.GetReflection()->GetString(request, id).empty();
}

}  // namespace

GatewayClient::GatewayClient(ClientOptions options) : options_(std::move(options)) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (options_.tls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options_.tls_root_certs;
    credentials = grpc::SslCredentials(ssl);
  }
  channel_ = grpc::CreateCustomChannel(options_.gateway, credentials, args);
  stub_ = std::make_unique<grpc::GenericStub>(channel_);
}

absl::StatusOr<const MethodDescriptor*> GatewayClient::FindMethod(absl::string_view name) {
  (void)ContractServices();  // the contract's descriptors are linked in
  const std::string dotted = absl::StrReplaceAll(absl::StripPrefix(name, "/"), {{"/", "."}});
  const MethodDescriptor* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(dotted);
  if (method == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("method: \"", name, "\" is not in the contract (package.Service/Method)"));
  }
  return method;
}

std::unique_ptr<Message> GatewayClient::NewMessage(const google::protobuf::Descriptor& type) {
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type);
  return std::unique_ptr<Message>(prototype->New());
}

absl::Status GatewayClient::Call(const MethodDescriptor& method, const Message& request,
                                 Message& response) {
  std::string bytes;
  if (!request.SerializeToString(&bytes)) return absl::InternalError("cannot encode the request");
  const std::string path = absl::StrCat("/", method.service()->full_name(), "/", method.name());
  const int attempts = SafeToRetry(method, request) ? 1 + options_.retries : 1;
  absl::Duration backoff = absl::Milliseconds(250);
  absl::Status status;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) {
      absl::SleepFor(backoff);
      backoff *= 2;
    }
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
    if (!options_.api_key.empty()) {
      context.AddMetadata("authorization", absl::StrCat("Bearer ", options_.api_key));
    }
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request_buffer(&slice, 1);
    grpc::ByteBuffer response_buffer;
    std::mutex mu;
    std::condition_variable done_cv;
    bool done = false;
    grpc::Status result;
    stub_->UnaryCall(&context, path, grpc::StubOptions(), &request_buffer, &response_buffer,
                     [&](grpc::Status s) {
                       std::lock_guard<std::mutex> lock(mu);
                       result = std::move(s);
                       done = true;
                       done_cv.notify_one();
                     });
    {
      std::unique_lock<std::mutex> lock(mu);
      done_cv.wait(lock, [&] { return done; });
    }
    status = FromGrpcStatus(result);
    if (status.ok()) {
      std::vector<grpc::Slice> slices;
      std::string payload;
      if (!response_buffer.Dump(&slices).ok()) return absl::InternalError("unreadable response");
      for (const grpc::Slice& s : slices)
        payload.append(reinterpret_cast<const char*>(s.begin()), s.size());
      if (!response.ParseFromString(payload)) {
        return absl::InternalError("the gateway's response does not match the contract");
      }
      return absl::OkStatus();
    }
    if (!Retryable(status)) return status;
  }
  return status;
}

absl::Status GatewayClient::CallAllPages(const MethodDescriptor& method, Message& request,
                                         Message& response, int limit) {
  const FieldDescriptor* token = request.GetDescriptor()->FindFieldByName("page_token");
  const FieldDescriptor* next = response.GetDescriptor()->FindFieldByName("next_page_token");
  if (token == nullptr || next == nullptr) return Call(method, request, response);
  response.Clear();
  while (true) {
    std::unique_ptr<Message> page(response.New());
    absl::Status status = Call(method, request, *page);
    if (!status.ok()) return status;
    const std::string next_token = page->GetReflection()->GetString(*page, next);
    response.MergeFrom(*page);  // appends the page's list
    response.GetReflection()->ClearField(&response, next);
    int items = 0;
    for (int i = 0; i < response.GetDescriptor()->field_count(); ++i) {
      const FieldDescriptor* field = response.GetDescriptor()->field(i);
      if (field->is_repeated())
        items = std::max(items, response.GetReflection()->FieldSize(response, field));
    }
    if (next_token.empty()) return absl::OkStatus();
    if (limit > 0 && items >= limit) {
      response.GetReflection()->SetString(&response, next, next_token);  // more are there
      return absl::OkStatus();
    }
    request.GetReflection()->SetString(&request, token, next_token);
  }
}

absl::StatusOr<gateway::v1::WhoAmIResponse> GatewayClient::WhoAmI() {
  if (who_.has_value()) return *who_;
  absl::StatusOr<const MethodDescriptor*> method =
      FindMethod("bridging.gateway.v1.AdminService/WhoAmI");
  if (!method.ok()) return method.status();
  gateway::v1::WhoAmIResponse who;
  absl::Status status = Call(**method, gateway::v1::WhoAmIRequest(), who);
  if (!status.ok()) return status;
  who_ = who;
  return who;
}

}  // namespace bridging::bridgectl
