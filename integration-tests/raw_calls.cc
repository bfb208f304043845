// Implements CallRaw and RequestNaming.
#include "integration-tests/raw_calls.h"

#include <google/protobuf/dynamic_message.h>
#include <grpcpp/generic/generic_stub.h>

#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "libs/auth/policy.h"

namespace bridging::testing {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

RawAnswer CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                  const std::string& request, const Metadata& metadata) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  for (const auto& [key, value] : metadata) context.AddMetadata(key, value);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1), response_buffer;
  absl::Notification done;
  RawAnswer answer;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request_buffer, &response_buffer,
                 [&](grpc::Status status) {
                   answer.status = std::move(status);
                   done.Notify();
                 });
  done.WaitForNotification();
  std::vector<grpc::Slice> slices;
  if (response_buffer.Valid() && response_buffer.Dump(&slices).ok()) {
    for (const auto& s : slices)
      answer.bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return answer;
}

std::string RequestNaming(const google::protobuf::MethodDescriptor& method,
                          const std::string& resource) {
  std::unique_ptr<Message> message(google::protobuf::MessageFactory::generated_factory()
                                       ->GetPrototype(method.input_type())
                                       ->New());
  const std::string field = auth::PolicyOf(method).resource_field();
  if (!field.empty()) {
    Message* current = message.get();
    std::vector<std::string> parts = absl::StrSplit(field, '.');
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      const FieldDescriptor* f = current->GetDescriptor()->FindFieldByName(parts[i]);
      current = current->GetReflection()->MutableMessage(current, f);
    }
    const FieldDescriptor* f = current->GetDescriptor()->FindFieldByName(parts.back());
    current->GetReflection()->SetString(current, f, resource);
  }
  return message->SerializeAsString();
}

}  // namespace bridging::testing
