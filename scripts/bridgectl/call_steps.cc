// Implements the shared command steps.
#include "scripts/bridgectl/call_steps.h"

#include <google/protobuf/util/json_util.h>

#include <iostream>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "bridging/consent/v1/consent.pb.h"
#include "libs/common/status_macros.h"
#include "scripts/bridgectl/proto_text.h"

namespace bridging::bridgectl {

absl::StatusOr<std::string> ExpandName(Invocation& call, NameKind kind, const std::string& text) {
  if (kind == NameKind::kName) return text;
  if (kind == NameKind::kOwnOrg && !text.empty()) return text;
  if (kind == NameKind::kPlan && absl::StrContains(text, '/')) return text;
  if (kind == NameKind::kParticipant && absl::StrContains(text, "/participants/")) return text;
  ASSIGN_OR_RETURN(gateway::v1::WhoAmIResponse who, call.client.WhoAmI());
  switch (kind) {
    case NameKind::kOwnOrg:
      return who.organization();
    case NameKind::kPlan:
      return absl::StrCat(who.organization(), "/plans/", text);
    case NameKind::kParticipant: {
      if (!absl::StartsWith(who.organization(), "charities/")) {
        return absl::InvalidArgumentError(absl::StrCat(
            "\"", text, "\": give the participant's full name (charities/.../participants/...)"));
      }
      ASSIGN_OR_RETURN(auto by_reference, ParticipantsByReference(call, who.organization()));
      if (auto it = by_reference.find(text); it != by_reference.end()) return it->second;
      return absl::NotFoundError(
          absl::StrCat("no participant with reference \"", text, "\" in ", who.organization()));
    }
    case NameKind::kName:
      break;
  }
  return text;
}

absl::StatusOr<std::map<std::string, std::string>> ParticipantsByReference(
    Invocation& call, const std::string& charity) {
  ASSIGN_OR_RETURN(const auto* method, GatewayClient::FindMethod(
                                           "bridging.consent.v1.ConsentService/ListParticipants"));
  consent::v1::ListParticipantsRequest list;
  list.set_parent(charity);
  list.set_page_size(100);
  consent::v1::ListParticipantsResponse all;
  RETURN_IF_ERROR(call.client.CallAllPages(*method, list, all));
  std::map<std::string, std::string> by_reference;
  for (const consent::v1::Participant& p : all.participants()) {
    by_reference[p.charity_reference()] = p.name();
  }
  return by_reference;
}

absl::Status DefaultParentToCaller(Invocation& call) {
  const auto* parent = call.request->GetDescriptor()->FindFieldByName("parent");
  if (!call.request->GetReflection()->GetString(*call.request, parent).empty()) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::string org, ExpandName(call, NameKind::kOwnOrg, ""));
  call.request->GetReflection()->SetString(call.request.get(), parent, org);
  return absl::OkStatus();
}

absl::Status FillEtagFromGet(Invocation& call, const std::string& get_method,
                             const std::string& name_field, const std::string& etag_field) {
  ASSIGN_OR_RETURN(const auto* method, GatewayClient::FindMethod(get_method));
  std::unique_ptr<google::protobuf::Message> get = GatewayClient::NewMessage(*method->input_type());
  RETURN_IF_ERROR(SetField(*get, "name", FieldText(*call.request, name_field), "name", call.now));
  std::unique_ptr<google::protobuf::Message> current =
      GatewayClient::NewMessage(*method->output_type());
  RETURN_IF_ERROR(call.client.Call(*method, *get, *current));
  return SetField(*call.request, etag_field, FieldText(*current, "etag"), etag_field, call.now);
}

absl::Status RunRawCall(Invocation& call) {
  if (call.positional.empty()) return absl::InvalidArgumentError("METHOD is required");
  ASSIGN_OR_RETURN(const auto* method, GatewayClient::FindMethod(call.positional[0]));
  std::string json;
  if (call.positional.size() > 1) {
    json = call.positional[1];
  } else {
    json.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  if (json.find_first_not_of(" \t\r\n") == std::string::npos) json = "{}";
  std::unique_ptr<google::protobuf::Message> request =
      GatewayClient::NewMessage(*method->input_type());
  google::protobuf::util::JsonParseOptions options;
  if (auto parsed = google::protobuf::util::JsonStringToMessage(json, request.get(), options);
      !parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("the JSON is not a ",
                                                   method->input_type()->full_name(), ": ",
                                                   std::string(parsed.message())));
  }
  std::unique_ptr<google::protobuf::Message> response =
      GatewayClient::NewMessage(*method->output_type());
  RETURN_IF_ERROR(call.client.Call(*method, *request, *response));
  call.out << ToJson(*response);
  return absl::OkStatus();
}

}  // namespace bridging::bridgectl
