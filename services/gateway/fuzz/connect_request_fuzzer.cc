// libFuzzer target for the Connect/JSON request handling (scripts/sanitize.sh): any body for any
// method of the contract either is refused as INVALID_ARGUMENT without echoing what it held
// (a "PII-CANARY" placed anywhere in the body never appears in the message), or becomes a
// message that parses, prints as JSON and reads back to the same JSON; the timeout and
// content-type headers accept only their documented forms.
#include <fuzzer/FuzzedDataProvider.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "libs/common/contract.h"
#include "services/gateway/connect_protocol.h"

namespace {

using bridging::gateway::ConnectCodec;
using google::protobuf::Descriptor;

// Stands for personal data in a request; connect_request.dict offers it to the fuzzer.
constexpr char kCanary[] = "PII-CANARY";

// The request and response types of every method of the contract.
const std::vector<const Descriptor*>& MessageTypes() {
  static const std::vector<const Descriptor*>* types = [] {
    auto* all = new std::vector<const Descriptor*>;
    for (const google::protobuf::MethodDescriptor* method : bridging::ContractMethods()) {
      all->push_back(method->input_type());
      all->push_back(method->output_type());
    }
    return all;
  }();
  return *types;
}

void Fail(const char* what, const Descriptor* type, const std::string& body) {
  std::fprintf(stderr, "Connect invariant broken: %s\n  type: %s\n  body (%zu bytes): %.200s\n",
               what, type == nullptr ? "-" : type->full_name().c_str(), body.size(), body.c_str());
  std::abort();
}

void CheckHeaders(const std::string& header) {
  absl::StatusOr<absl::Duration> timeout = bridging::gateway::ParseConnectTimeout(header);
  if (timeout.ok() && (header.empty() || header.size() > 10 ||
                       !std::all_of(header.begin(), header.end(), absl::ascii_isdigit))) {
    Fail("accepted a timeout that is not 1-10 digits", nullptr, header);
  }
  if (bridging::gateway::ParseConnectContentType(header).ok()) {
    // Whitespace around the media type is allowed (HTTP trims it anyway).
    const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(header));
    if (!absl::StartsWith(lower, "application/json") &&
        !absl::StartsWith(lower, "application/proto")) {
      Fail("accepted a content type that is neither JSON nor proto", nullptr, header);
    }
  }
}

}  // namespace

// protobuf logs every invalid UTF-8 string it parses; the fuzzer makes millions.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<const Descriptor*>& types = MessageTypes();
  if (types.empty()) std::abort();  // the contract must be linked in
  FuzzedDataProvider input(data, size);
  const Descriptor* type = types[input.ConsumeIntegralInRange<size_t>(0, types.size() - 1)];
  const ConnectCodec codec = input.ConsumeBool() ? ConnectCodec::kJson : ConnectCodec::kProto;
  CheckHeaders(input.ConsumeRandomLengthString(40));
  const std::string body = input.ConsumeRemainingBytesAsString();

  absl::StatusOr<std::string> binary = bridging::gateway::DecodeConnectRequest(*type, codec, body);
  if (!binary.ok()) {
    if (binary.status().code() != absl::StatusCode::kInvalidArgument) {
      Fail("a refusal that is not INVALID_ARGUMENT", type, body);
    }
    if (absl::StrContains(binary.status().message(), kCanary)) {
      Fail("a refusal that quotes what the body held", type, body);
    }
    return 0;
  }
  std::unique_ptr<google::protobuf::Message> message(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
  if (!message->ParseFromString(*binary)) Fail("accepted bytes that do not parse", type, body);
  if (codec == ConnectCodec::kProto && *binary != body) Fail("changed a binary body", type, body);

  // JSON out and back in reaches a fixed point after one round.
  absl::StatusOr<std::string> json =
      bridging::gateway::EncodeConnectResponse(*type, ConnectCodec::kJson, *binary);
  if (!json.ok()) Fail("cannot print an accepted message as JSON", type, body);
  absl::StatusOr<std::string> again =
      bridging::gateway::DecodeConnectRequest(*type, ConnectCodec::kJson, *json);
  if (!again.ok()) Fail("cannot read back the JSON it printed", type, *json);
  absl::StatusOr<std::string> json_again =
      bridging::gateway::EncodeConnectResponse(*type, ConnectCodec::kJson, *again);
  if (!json_again.ok() || *json_again != *json) Fail("JSON does not round-trip", type, *json);
  return 0;
}
