// Implements the gateway's reflection answers over the generated descriptor pool.
#include "services/gateway/contract_reflection.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/message.h>
#include <grpcpp/support/byte_buffer.h>

#include <memory>
#include <set>

#include "absl/strings/str_cat.h"

namespace bridging::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptor;
using google::protobuf::Message;

const Descriptor* ReflectionType(const char* name) {
  return DescriptorPool::generated_pool()->FindMessageTypeByName(
      absl::StrCat("grpc.reflection.v1alpha.", name));
}

std::unique_ptr<Message> New(const Descriptor* type) {
  return std::unique_ptr<Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

// Sets a message-typed field by name and returns it.
Message* Sub(Message* message, const char* field) {
  return message->GetReflection()->MutableMessage(message,
                                                  message->GetDescriptor()->FindFieldByName(field));
}

void SetString(Message* message, const char* field, const std::string& value) {
  message->GetReflection()->SetString(message, message->GetDescriptor()->FindFieldByName(field),
                                      value);
}

void SetInt(Message* message, const char* field, int32_t value) {
  message->GetReflection()->SetInt32(message, message->GetDescriptor()->FindFieldByName(field),
                                     value);
}

// Adds `file` and everything it imports, each once.
void AddFileWithDependencies(const FileDescriptor* file, std::set<std::string>* seen,
                             Message* files) {
  if (file == nullptr || !seen->insert(file->name()).second) return;
  google::protobuf::FileDescriptorProto proto;
  file->CopyTo(&proto);
  files->GetReflection()->AddString(
      files, files->GetDescriptor()->FindFieldByName("file_descriptor_proto"),
      proto.SerializeAsString());
  for (int i = 0; i < file->dependency_count(); ++i) {
    AddFileWithDependencies(file->dependency(i), seen, files);
  }
}

void SetError(Message* response, grpc::StatusCode code, const std::string& message) {
  Message* error = Sub(response, "error_response");
  SetInt(error, "error_code", static_cast<int32_t>(code));
  SetString(error, "error_message", message);
}

class ReflectionReactor final : public grpc::ServerGenericBidiReactor {
 public:
  explicit ReflectionReactor(const ContractReflection* service) : service_(service) {
    StartRead(&request_);
  }
  void OnReadDone(bool ok) override {
    if (!ok) return Finish(grpc::Status::OK);
    std::vector<grpc::Slice> slices;
    std::string bytes;
    if (request_.Dump(&slices).ok()) {
      for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    absl::StatusOr<std::string> answer = service_->Answer(bytes);
    if (!answer.ok()) {
      return Finish(grpc::Status(static_cast<grpc::StatusCode>(answer.status().code()),
                                 std::string(answer.status().message())));
    }
    grpc::Slice slice(*answer);
    response_ = grpc::ByteBuffer(&slice, 1);
    StartWrite(&response_);
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
    StartRead(&request_);
  }
  void OnDone() override { delete this; }

 private:
  const ContractReflection* service_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
};

}  // namespace

absl::StatusOr<std::string> ContractReflection::Answer(absl::string_view bytes) const {
  const Descriptor* request_type = ReflectionType("ServerReflectionRequest");
  const Descriptor* response_type = ReflectionType("ServerReflectionResponse");
  if (request_type == nullptr || response_type == nullptr) {
    return absl::UnimplementedError("reflection types are not linked into this binary");
  }
  std::unique_ptr<Message> request = New(request_type);
  if (!request->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError("malformed reflection request");
  }
  const auto* reflection = request->GetReflection();
  auto field = [&](const char* name) { return request_type->FindFieldByName(name); };
  auto text = [&](const char* name) { return reflection->GetString(*request, field(name)); };

  std::unique_ptr<Message> response = New(response_type);
  SetString(response.get(), "valid_host", text("host"));
  Sub(response.get(), "original_request")->CopyFrom(*request);
  const DescriptorPool* pool = DescriptorPool::generated_pool();
  std::set<std::string> seen;
  auto answer_file = [&](const FileDescriptor* file, const char* what) {
    if (file == nullptr)
      return SetError(response.get(), grpc::StatusCode::NOT_FOUND,
                      absl::StrCat(what, " not found"));
    AddFileWithDependencies(file, &seen, Sub(response.get(), "file_descriptor_response"));
  };

  if (reflection->HasField(*request, field("list_services"))) {
    Message* list = Sub(response.get(), "list_services_response");
    const auto* service_field = list->GetDescriptor()->FindFieldByName("service");
    for (const std::string& name : services_) {
      SetString(list->GetReflection()->AddMessage(list, service_field), "name", name);
    }
  } else if (reflection->HasField(*request, field("file_by_filename"))) {
    answer_file(pool->FindFileByName(text("file_by_filename")), "file");
  } else if (reflection->HasField(*request, field("file_containing_symbol"))) {
    answer_file(pool->FindFileContainingSymbol(text("file_containing_symbol")), "symbol");
  } else if (reflection->HasField(*request, field("file_containing_extension"))) {
    const Message& ask = reflection->GetMessage(*request, field("file_containing_extension"));
    const auto* ask_type = ask.GetDescriptor();
    const auto* extended = pool->FindMessageTypeByName(
        ask.GetReflection()->GetString(ask, ask_type->FindFieldByName("containing_type")));
    const int number =
        ask.GetReflection()->GetInt32(ask, ask_type->FindFieldByName("extension_number"));
    const auto* extension =
        extended == nullptr ? nullptr : pool->FindExtensionByNumber(extended, number);
    answer_file(extension == nullptr ? nullptr : extension->file(), "extension");
  } else if (reflection->HasField(*request, field("all_extension_numbers_of_type"))) {
    const auto* type = pool->FindMessageTypeByName(text("all_extension_numbers_of_type"));
    if (type == nullptr) {
      SetError(response.get(), grpc::StatusCode::NOT_FOUND, "type not found");
    } else {
      std::vector<const google::protobuf::FieldDescriptor*> extensions;
      pool->FindAllExtensions(type, &extensions);
      Message* numbers = Sub(response.get(), "all_extension_numbers_response");
      SetString(numbers, "base_type_name", type->full_name());
      const auto* number_field = numbers->GetDescriptor()->FindFieldByName("extension_number");
      for (const auto* extension : extensions) {
        numbers->GetReflection()->AddInt32(numbers, number_field, extension->number());
      }
    }
  } else {
    SetError(response.get(), grpc::StatusCode::INVALID_ARGUMENT, "unknown reflection request");
  }
  return response->SerializeAsString();
}

grpc::ServerGenericBidiReactor* ContractReflection::NewReactor() const {
  return new ReflectionReactor(this);
}

}  // namespace bridging::gateway
