// Implements the analytics label helpers.
#include "scripts/bridgectl/labels.h"

#include <map>

#include "scripts/bridgectl/proto_text.h"

namespace bridging::bridgectl {
namespace {

// Dimension (as typed) -> the enum naming its cells.
const std::map<std::string, std::string>& LabelEnums() {
  static const auto* enums = new std::map<std::string, std::string>{
      {"theme", "bridging.common.v1.Principle"},
      {"principle", "bridging.common.v1.Principle"},
      {"area", "bridging.common.v1.Area"},
      {"source-type", "bridging.consent.v1.SourceType"},
      {"purpose", "bridging.consent.v1.Purpose"},
      {"consent-state", "bridging.consent.v1.ConsentState"},
      {"status", "bridging.actions.v1.ActionStatus"},
      {"action-source", "bridging.actions.v1.ActionSource"},
  };
  return *enums;
}

}  // namespace

const google::protobuf::EnumDescriptor* LabelEnum(absl::string_view dimension) {
  auto it = LabelEnums().find(std::string(dimension));
  if (it == LabelEnums().end()) return nullptr;
  return google::protobuf::DescriptorPool::generated_pool()->FindEnumTypeByName(it->second);
}

std::string LabelText(absl::string_view label) {
  // Enum types are found through the generated pool's index; their values are not.
  for (const auto& [dimension, type] : LabelEnums()) {
    const auto* e = google::protobuf::DescriptorPool::generated_pool()->FindEnumTypeByName(type);
    if (e == nullptr) continue;
    if (const auto* value = e->FindValueByName(std::string(label))) return EnumShortName(*value);
  }
  return std::string(label);
}

}  // namespace bridging::bridgectl
