// Tests the gateway's wire-format field reader: ResolveStringField on contract messages (and
// every resource_field the contract declares), ReadStringAtPath against full protobuf parsing
// on random messages (unknown fields, repeated occurrences, split nested messages), its
// refusals of malformed bytes, and a fuzz loop that must agree with full parsing.
#include "services/gateway/request_fields.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/unknown_field_set.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "bridging/actions/v1/actions.pb.h"
#include "bridging/common/v1/authz.pb.h"
#include "bridging/consent/v1/consent.pb.h"
#include "bridging/gateway/v1/admin.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/contract.h"
#include "services/gateway/method_table.h"

namespace bridging::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::UnknownFieldSet;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// --- Helpers ---------------------------------------------------------------------------------

std::vector<int> MustResolve(const Descriptor& message, absl::string_view path) {
  absl::StatusOr<std::vector<int>> numbers = ResolveStringField(message, path);
  EXPECT_TRUE(numbers.ok()) << message.full_name() << " " << path << ": " << numbers.status();
  return numbers.ok() ? *numbers : std::vector<int>{};
}

// The field descriptors of a resolved path.
std::vector<const FieldDescriptor*> FieldsOf(const Descriptor& message,
                                             const std::vector<int>& path) {
  std::vector<const FieldDescriptor*> fields;
  const Descriptor* current = &message;
  for (int number : path) {
    const FieldDescriptor* field = current->FindFieldByNumber(number);
    if (field == nullptr) return {};
    fields.push_back(field);
    current = field->message_type();
  }
  return fields;
}

// What full parsing says the path holds.
std::string ValueAtPath(const Message& message, const std::vector<const FieldDescriptor*>& fields) {
  const Message* current = &message;
  for (size_t i = 0; i + 1 < fields.size(); ++i) {
    if (!current->GetReflection()->HasField(*current, fields[i])) return "";
    current = &current->GetReflection()->GetMessage(*current, fields[i]);
  }
  return current->GetReflection()->GetString(*current, fields.back());
}

// Sets the path's string in `message`, creating the messages on the way.
void SetAtPath(Message* message, const std::vector<const FieldDescriptor*>& fields,
               const std::string& value) {
  Message* current = message;
  for (size_t i = 0; i + 1 < fields.size(); ++i) {
    current = current->GetReflection()->MutableMessage(current, fields[i]);
  }
  current->GetReflection()->SetString(current, fields.back(), value);
}

// True when a message on the path holds, as an unknown field, an occurrence of the path's
// next field with the wrong wire type: the one case where ReadStringAtPath documents a refusal
// of bytes that protobuf itself parses.
bool HasWrongWireTypeOnPath(const Message& message,
                            const std::vector<const FieldDescriptor*>& fields) {
  const Message* current = &message;
  for (size_t i = 0; i < fields.size(); ++i) {
    const UnknownFieldSet& unknown = current->GetReflection()->GetUnknownFields(*current);
    for (int j = 0; j < unknown.field_count(); ++j) {
      if (unknown.field(j).number() == fields[i]->number()) return true;
    }
    if (i + 1 == fields.size() || !current->GetReflection()->HasField(*current, fields[i])) break;
    current = &current->GetReflection()->GetMessage(*current, fields[i]);
  }
  return false;
}

std::string Varint(uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
  return out;
}

std::string Tag(int number, int wire_type) {
  return Varint((static_cast<uint64_t>(number) << 3) | static_cast<uint64_t>(wire_type));
}

std::string LengthDelimited(int number, absl::string_view value) {
  return absl::StrCat(Tag(number, 2), Varint(value.size()), value);
}

// --- A deeper message than the contract has, built at run time ---------------------------------

constexpr char kDeepProto[] = R"pb(
  name: "request_fields_test.proto"
  package: "request_fields_test"
  syntax: "proto3"
  message_type {
    name: "Inner"
    field { name: "label" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
    field { name: "blob" number: 2 label: LABEL_OPTIONAL type: TYPE_BYTES }
    field { name: "f32" number: 3 label: LABEL_OPTIONAL type: TYPE_FIXED32 }
    field { name: "f64" number: 4 label: LABEL_OPTIONAL type: TYPE_FIXED64 }
    field { name: "tags" number: 5 label: LABEL_REPEATED type: TYPE_STRING }
    field { name: "s64" number: 6 label: LABEL_OPTIONAL type: TYPE_SINT64 }
    field { name: "name" number: 200 label: LABEL_OPTIONAL type: TYPE_STRING }
  }
  message_type {
    name: "Middle"
    field { name: "label" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
    field {
      name: "more"
      number: 2
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".request_fields_test.Inner"
    }
    field { name: "ratio" number: 3 label: LABEL_OPTIONAL type: TYPE_DOUBLE }
    field {
      name: "inner"
      number: 5
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".request_fields_test.Inner"
    }
  }
  message_type {
    name: "Outer"
    field { name: "name" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
    field {
      name: "list"
      number: 2
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".request_fields_test.Middle"
    }
    field {
      name: "middle"
      number: 3
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".request_fields_test.Middle"
    }
    field { name: "count" number: 4 label: LABEL_OPTIONAL type: TYPE_INT64 }
    field { name: "flag" number: 15 label: LABEL_OPTIONAL type: TYPE_BOOL }
    field {
      name: "direct"
      number: 16
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".request_fields_test.Inner"
    }
  }
  message_type {
    name: "Node"
    field {
      name: "child"
      number: 1
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".request_fields_test.Node"
    }
    field { name: "name" number: 2 label: LABEL_OPTIONAL type: TYPE_STRING }
  }
)pb";

class DeepMessages {
 public:
  DeepMessages() {
    google::protobuf::FileDescriptorProto file;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(kDeepProto, &file));
    EXPECT_NE(pool_.BuildFile(file), nullptr);
    factory_ = std::make_unique<google::protobuf::DynamicMessageFactory>(&pool_);
  }
  const Descriptor& Outer() const {
    return *pool_.FindMessageTypeByName("request_fields_test.Outer");
  }
  const Descriptor& Node() const {
    return *pool_.FindMessageTypeByName("request_fields_test.Node");
  }
  const Message& Prototype(const Descriptor& descriptor) {
    return *factory_->GetPrototype(&descriptor);
  }

 private:
  google::protobuf::DescriptorPool pool_;
  std::unique_ptr<google::protobuf::DynamicMessageFactory> factory_;
};

DeepMessages& Deep() {
  static DeepMessages* deep = new DeepMessages();
  return *deep;
}

// --- Random messages -----------------------------------------------------------------------------

class RandomMessages {
 public:
  explicit RandomMessages(uint32_t seed) : rng_(seed) {}

  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }
  bool OneIn(int n) { return Uniform(0, n - 1) == 0; }
  uint64_t Bits() { return std::uniform_int_distribution<uint64_t>()(rng_); }

  std::string Ascii(int max_length) {
    std::string out(Uniform(0, max_length), 'a');
    for (char& c : out) c = static_cast<char>(Uniform('a', 'z'));
    return out;
  }
  std::string Bytes(int max_length) {
    std::string out(Uniform(0, max_length), '\0');
    for (char& c : out) c = static_cast<char>(Uniform(0, 255));
    return out;
  }

  // Fills about half the fields of `message` with random values, down to `depth` levels, and
  // adds unknown fields (numbers the message does not define) at every level.
  void Fill(Message* message, int depth) {
    const Descriptor* descriptor = message->GetDescriptor();
    const Reflection* reflection = message->GetReflection();
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* field = descriptor->field(i);
      if (field->is_map() || OneIn(2)) continue;
      const int count = field->is_repeated() ? Uniform(1, 2) : 1;
      for (int n = 0; n < count; ++n) SetRandom(message, reflection, field, depth);
    }
    if (OneIn(3)) AddUnknown(reflection->MutableUnknownFields(message), descriptor, 2);
  }

  void AddUnknown(UnknownFieldSet* unknown, const Descriptor* descriptor, int depth) {
    const int count = Uniform(1, 3);
    for (int i = 0; i < count; ++i) {
      int number = Uniform(1, 3000);
      while (descriptor->FindFieldByNumber(number) != nullptr) ++number;
      switch (Uniform(0, depth > 0 ? 4 : 3)) {
        case 0:
          unknown->AddVarint(number, Bits() >> Uniform(0, 63));
          break;
        case 1:
          unknown->AddFixed32(number, static_cast<uint32_t>(Bits()));
          break;
        case 2:
          unknown->AddFixed64(number, Bits());
          break;
        case 3:
          unknown->AddLengthDelimited(number, Bytes(12));
          break;
        default:
          AddUnknown(unknown->AddGroup(number), descriptor, depth - 1);
          break;
      }
    }
  }

 private:
  void SetRandom(Message* message, const Reflection* reflection, const FieldDescriptor* field,
                 int depth) {
    const bool repeated = field->is_repeated();
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: {
        const int32_t v = static_cast<int32_t>(Bits());
        repeated ? reflection->AddInt32(message, field, v)
                 : reflection->SetInt32(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        const int64_t v = static_cast<int64_t>(Bits());
        repeated ? reflection->AddInt64(message, field, v)
                 : reflection->SetInt64(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        const uint32_t v = static_cast<uint32_t>(Bits());
        repeated ? reflection->AddUInt32(message, field, v)
                 : reflection->SetUInt32(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        const uint64_t v = Bits();
        repeated ? reflection->AddUInt64(message, field, v)
                 : reflection->SetUInt64(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        const double v = Uniform(-1000, 1000) / 7.0;
        repeated ? reflection->AddDouble(message, field, v)
                 : reflection->SetDouble(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_FLOAT: {
        const float v = static_cast<float>(Uniform(-1000, 1000)) / 3.0f;
        repeated ? reflection->AddFloat(message, field, v)
                 : reflection->SetFloat(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        const bool v = OneIn(2);
        repeated ? reflection->AddBool(message, field, v) : reflection->SetBool(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        const int v = Uniform(0, 5);
        repeated ? reflection->AddEnumValue(message, field, v)
                 : reflection->SetEnumValue(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        const std::string v = field->type() == FieldDescriptor::TYPE_BYTES ? Bytes(10) : Ascii(10);
        repeated ? reflection->AddString(message, field, v)
                 : reflection->SetString(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        if (depth <= 0) break;
        Message* child = repeated ? reflection->AddMessage(message, field)
                                  : reflection->MutableMessage(message, field);
        Fill(child, depth - 1);
        break;
      }
    }
  }

  std::mt19937 rng_;
};

// A request type and the path under test.
struct Subject {
  const Message* prototype;
  std::string path;
};

std::vector<Subject> Subjects() {
  return {
      {&consent::v1::CreateParticipantRequest::default_instance(), "parent"},
      {&actions::v1::UpdateActionRequest::default_instance(), "action.name"},
      {&v1::CreateOrganizationRequest::default_instance(), "organization.name"},
      {&v1::CreateApiKeyRequest::default_instance(), "api_key.display_name"},
      {&Deep().Prototype(Deep().Outer()), "middle.inner.name"},
      {&Deep().Prototype(Deep().Outer()), "middle.label"},
  };
}

// --- ResolveStringField ----------------------------------------------------------------------

TEST(ResolveStringFieldTest, ResolvesTopLevelAndNestedPaths) {
  EXPECT_THAT(MustResolve(*consent::v1::CreateParticipantRequest::descriptor(), "parent"),
              ElementsAre(1));
  EXPECT_THAT(MustResolve(*consent::v1::CreateParticipantRequest::descriptor(), "request_id"),
              ElementsAre(3));
  EXPECT_THAT(MustResolve(*actions::v1::UpdateActionRequest::descriptor(), "action.name"),
              ElementsAre(1, 1));
  EXPECT_THAT(MustResolve(*actions::v1::UpdateActionRequest::descriptor(), "action.etag"),
              ElementsAre(1, 16));
  EXPECT_THAT(MustResolve(*v1::CreateOrganizationRequest::descriptor(), "organization.name"),
              ElementsAre(1, 1));
  EXPECT_THAT(MustResolve(*v1::CreateApiKeyRequest::descriptor(), "api_key.display_name"),
              ElementsAre(2, 2));
  EXPECT_THAT(MustResolve(Deep().Outer(), "middle.inner.name"), ElementsAre(3, 5, 200));
  EXPECT_THAT(MustResolve(Deep().Outer(), "direct.name"), ElementsAre(16, 200));
}

TEST(ResolveStringFieldTest, RefusesPathsThatAreNotSingularStrings) {
  struct Case {
    const Descriptor* message;
    std::string path;
  };
  const Descriptor* update = actions::v1::UpdateActionRequest::descriptor();
  const Descriptor* list_keys = v1::ListApiKeysRequest::descriptor();
  const Descriptor* create_key = v1::CreateApiKeyRequest::descriptor();
  const Descriptor* outer = &Deep().Outer();
  const std::vector<Case> cases = {
      // unknown fields
      {update, "nope"},
      {update, "action.nope"},
      {update, "Action.name"},
      // malformed paths
      {update, ""},
      {update, "."},
      {update, ".action.name"},
      {update, "action.name."},
      {update, "action..name"},
      // a message, not a string, at the end
      {update, "action"},
      {update, "update_mask"},
      {update, "action.due_date"},
      // a string used as a message
      {update, "etag.name"},
      {update, "action.name.more"},
      // repeated fields, at the end or on the way
      {update, "update_mask.paths"},
      {update, "action.progress_notes"},
      {outer, "list.label"},
      {outer, "middle.more.name"},
      {outer, "middle.inner.tags"},
      // other scalar types
      {list_keys, "page_size"},
      {list_keys, "show_inactive"},
      {update, "action.status"},
      {update, "action.co_produced"},
      {create_key, "api_key.expire_time.seconds"},
      {outer, "middle.inner.blob"},
      {outer, "middle.inner.f64"},
      {outer, "count"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::vector<int>> numbers = ResolveStringField(*c.message, c.path);
    ASSERT_FALSE(numbers.ok()) << c.message->full_name() << " \"" << c.path << "\"";
    EXPECT_EQ(numbers.status().code(), absl::StatusCode::kInternal) << c.path;
    EXPECT_THAT(numbers.status().message(), HasSubstr(c.path)) << c.path;
    EXPECT_THAT(numbers.status().message(), HasSubstr(c.message->full_name())) << c.path;
  }
}

// Every resource_field the contract declares (grep 'resource_field:' protos/), by method.
struct DeclaredField {
  const char* method;
  const char* field;
};
constexpr DeclaredField kDeclaredResourceFields[] = {
    {"bridging.actions.v1.ActionPlanService.CreatePlan", "parent"},
    {"bridging.actions.v1.ActionPlanService.GetPlan", "name"},
    {"bridging.actions.v1.ActionPlanService.ListPlans", "parent"},
    {"bridging.actions.v1.ActionPlanService.CreateAction", "parent"},
    {"bridging.actions.v1.ActionPlanService.GetAction", "name"},
    {"bridging.actions.v1.ActionPlanService.ListActions", "parent"},
    {"bridging.actions.v1.ActionPlanService.UpdateAction", "action.name"},
    {"bridging.actions.v1.ActionPlanService.AddProgressNote", "name"},
    {"bridging.actions.v1.ActionPlanService.ListActionHistory", "name"},
    {"bridging.actions.v1.ActionPlanService.GetPlanSummary", "name"},
    {"bridging.actions.v1.ActionPlanService.SharePlan", "name"},
    {"bridging.actions.v1.ActionPlanService.UnsharePlan", "name"},
    {"bridging.analytics.v1.AnalyticsService.Query", "parent"},
    {"bridging.analytics.v1.AnalyticsService.GetFrameworkMatrix", "parent"},
    {"bridging.analytics.v1.AnalyticsService.ListQuotes", "parent"},
    {"bridging.analytics.v1.AnalyticsService.GetPrivacyBudget", "parent"},
    {"bridging.consent.v1.ConsentService.CreateParticipant", "parent"},
    {"bridging.consent.v1.ConsentService.GetParticipant", "name"},
    {"bridging.consent.v1.ConsentService.ListParticipants", "parent"},
    {"bridging.consent.v1.ConsentService.RecordConsent", "participant"},
    {"bridging.consent.v1.ConsentService.WithdrawConsent", "participant"},
    {"bridging.consent.v1.ConsentService.GetConsentStatus", "participant"},
    {"bridging.consent.v1.ConsentService.CheckConsent", "participant"},
    {"bridging.consent.v1.ConsentService.ListConsentHistory", "participant"},
    {"bridging.consent.v1.ConsentService.VerifyConsentHistory", "participant"},
    {"bridging.consent.v1.ConsentService.ListDueForReview", "parent"},
    {"bridging.consent.v1.ContributionService.SubmitContribution", "parent"},
    {"bridging.consent.v1.ContributionService.ListContributions", "parent"},
    {"bridging.consent.v1.ContributionService.RetractContribution", "name"},
    {"bridging.consent.v1.ContributionService.ApproveQuote", "name"},
    {"bridging.consent.v1.ContributionService.GetDataUseReport", "participant"},
    {"bridging.gateway.v1.AdminService.CreateOrganization", "organization.name"},
    {"bridging.gateway.v1.AdminService.GetOrganization", "name"},
    {"bridging.gateway.v1.AdminService.CreateApiKey", "parent"},
    {"bridging.gateway.v1.AdminService.ListApiKeys", "parent"},
    {"bridging.gateway.v1.AdminService.RevokeApiKey", "name"},
    {"bridging.gateway.v1.AdminService.ListAuditEvents", "parent"},
};

TEST(ResolveStringFieldTest, EveryDeclaredResourceFieldResolvesOnItsInputType) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  (void)ContractServices();  // links every contract file into the pool
  for (const DeclaredField& declared : kDeclaredResourceFields) {
    SCOPED_TRACE(declared.method);
    const google::protobuf::MethodDescriptor* method = pool->FindMethodByName(declared.method);
    ASSERT_NE(method, nullptr);
    ASSERT_TRUE(method->options().HasExtension(common::v1::policy));
    EXPECT_EQ(method->options().GetExtension(common::v1::policy).resource_field(), declared.field);
    const std::vector<int> path = MustResolve(*method->input_type(), declared.field);
    ASSERT_FALSE(path.empty());
    // And the reader finds a value put there.
    std::unique_ptr<Message> request(google::protobuf::MessageFactory::generated_factory()
                                         ->GetPrototype(method->input_type())
                                         ->New());
    const std::vector<const FieldDescriptor*> fields = FieldsOf(*method->input_type(), path);
    ASSERT_EQ(fields.size(), path.size());
    SetAtPath(request.get(), fields, "practices/p1/plans/x");
    absl::StatusOr<std::string> value = ReadStringAtPath(request->SerializeAsString(), path);
    ASSERT_TRUE(value.ok()) << value.status();
    EXPECT_EQ(*value, "practices/p1/plans/x");
  }
}

TEST(ResolveStringFieldTest, TheDeclaredListIsTheWholeContract) {
  // Every method with a resource_field is in the list above, so a new one gets checked too.
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  std::set<std::string> declared;
  for (const DeclaredField& field : kDeclaredResourceFields) declared.insert(field.method);
  int with_field = 0;
  for (const std::string& name : ContractServices()) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      const std::string field = method->options().GetExtension(common::v1::policy).resource_field();
      if (field.empty()) continue;
      ++with_field;
      EXPECT_TRUE(declared.count(method->full_name())) << method->full_name() << " " << field;
      EXPECT_TRUE(ResolveStringField(*method->input_type(), field).ok())
          << method->full_name() << " " << field;
    }
  }
  EXPECT_EQ(with_field, static_cast<int>(declared.size()));
}

// --- ReadStringAtPath on well-formed messages -------------------------------------------------

TEST(ReadStringAtPathTest, ReadsTopLevelAndNestedFields) {
  consent::v1::CreateParticipantRequest create;
  create.set_parent("charities/hope");
  create.set_request_id("r1");
  create.mutable_participant()->set_name("charities/hope/participants/p1");
  absl::StatusOr<std::string> parent = ReadStringAtPath(create.SerializeAsString(), {1});
  ASSERT_TRUE(parent.ok()) << parent.status();
  EXPECT_EQ(*parent, "charities/hope");

  actions::v1::UpdateActionRequest update;
  update.mutable_action()->set_name("practices/p1/plans/a/actions/b");
  update.mutable_action()->set_title("t");
  update.mutable_update_mask()->add_paths("title");
  update.set_etag("e");
  absl::StatusOr<std::string> name = ReadStringAtPath(update.SerializeAsString(), {1, 1});
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(*name, "practices/p1/plans/a/actions/b");
}

TEST(ReadStringAtPathTest, AbsentIsEmpty) {
  actions::v1::UpdateActionRequest update;
  update.set_etag("e");
  EXPECT_EQ(ReadStringAtPath(update.SerializeAsString(), {1, 1}).value_or("?"), "");
  update.mutable_action()->set_title("t");  // the message is there, its name is not
  EXPECT_EQ(ReadStringAtPath(update.SerializeAsString(), {1, 1}).value_or("?"), "");
  EXPECT_EQ(ReadStringAtPath("", {1}).value_or("?"), "");
  EXPECT_EQ(ReadStringAtPath("", {1, 2, 3}).value_or("?"), "");
  EXPECT_EQ(ReadStringAtPath(update.SerializeAsString(), {}).value_or("?"), "");
}

TEST(ReadStringAtPathTest, LastOccurrenceWins) {
  const std::string bytes =
      absl::StrCat(LengthDelimited(1, "charities/first"), LengthDelimited(3, "r"),
                   LengthDelimited(1, "charities/second"));
  EXPECT_EQ(ReadStringAtPath(bytes, {1}).value_or("?"), "charities/second");
  consent::v1::CreateParticipantRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_EQ(parsed.parent(), "charities/second");

  // An explicitly empty last occurrence wins too.
  const std::string emptied = absl::StrCat(bytes, LengthDelimited(1, ""));
  EXPECT_EQ(ReadStringAtPath(emptied, {1}).value_or("?"), "");
  ASSERT_TRUE(parsed.ParseFromString(emptied));
  EXPECT_EQ(parsed.parent(), "");
}

TEST(ReadStringAtPathTest, NestedMessagesSplitAcrossOccurrencesMerge) {
  actions::v1::UpdateActionRequest first;
  first.mutable_action()->set_name("practices/p1/plans/a/actions/b");
  first.mutable_action()->set_title("t");
  actions::v1::UpdateActionRequest second;
  second.mutable_action()->set_title("u");
  second.set_etag("e");
  // The second action has no name: the first one's survives the merge.
  std::string bytes = first.SerializeAsString() + second.SerializeAsString();
  EXPECT_EQ(ReadStringAtPath(bytes, {1, 1}).value_or("?"), "practices/p1/plans/a/actions/b");
  actions::v1::UpdateActionRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_EQ(parsed.action().name(), "practices/p1/plans/a/actions/b");

  // A later name replaces it.
  second.mutable_action()->set_name("practices/p2/plans/c/actions/d");
  bytes = first.SerializeAsString() + second.SerializeAsString();
  EXPECT_EQ(ReadStringAtPath(bytes, {1, 1}).value_or("?"), "practices/p2/plans/c/actions/d");

  // And the name given first, then a nameless action, then unknown fields, still stands.
  bytes = first.SerializeAsString() + LengthDelimited(1, LengthDelimited(2, "x")) + Tag(999, 0) +
          Varint(5);
  EXPECT_EQ(ReadStringAtPath(bytes, {1, 1}).value_or("?"), "practices/p1/plans/a/actions/b");
}

TEST(ReadStringAtPathTest, SkipsUnknownFieldsOfEveryWireType) {
  const std::string unknown =
      absl::StrCat(Tag(100, 0), Varint(~uint64_t{0}),    // varint, 10 bytes
                   Tag(101, 1), std::string(8, '\x01'),  // fixed64
                   Tag(102, 5), std::string(4, '\x02'),  // fixed32
                   LengthDelimited(103, LengthDelimited(1, "not the parent")), Tag(104, 3),
                   LengthDelimited(1, "in a group"), Tag(105, 3), Tag(105, 4), Tag(104, 4),
                   Tag(536870911, 0), Varint(1));  // the largest field number
  const std::string bytes = absl::StrCat(unknown, LengthDelimited(1, "charities/hope"), unknown);
  EXPECT_EQ(ReadStringAtPath(bytes, {1}).value_or("?"), "charities/hope");
  consent::v1::CreateParticipantRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_EQ(parsed.parent(), "charities/hope");
}

TEST(ReadStringAtPathTest, AgreesWithFullParsingOnRandomMessages) {
  RandomMessages random(20240601);
  int split = 0;
  int overwritten = 0;
  int non_empty = 0;
  for (const Subject& subject : Subjects()) {
    SCOPED_TRACE(subject.path);
    const Descriptor& descriptor = *subject.prototype->GetDescriptor();
    const std::vector<int> path = MustResolve(descriptor, subject.path);
    const std::vector<const FieldDescriptor*> fields = FieldsOf(descriptor, path);
    ASSERT_EQ(fields.size(), path.size());
    for (int iteration = 0; iteration < 600; ++iteration) {
      std::string bytes;
      int occurrences = 0;
      const int chunks = random.Uniform(1, 4);
      for (int chunk = 0; chunk < chunks; ++chunk) {
        std::unique_ptr<Message> message(subject.prototype->New());
        random.Fill(message.get(), 4);
        if (random.OneIn(2)) {
          SetAtPath(message.get(), fields, random.Ascii(12));
          ++occurrences;
        }
        bytes += message->SerializeAsString();
        if (random.OneIn(4)) {
          UnknownFieldSet unknown;
          random.AddUnknown(&unknown, &descriptor, 2);
          std::string extra;
          ASSERT_TRUE(unknown.SerializeToString(&extra));
          bytes += extra;
        }
      }
      std::unique_ptr<Message> parsed(subject.prototype->New());
      ASSERT_TRUE(parsed->ParseFromString(bytes)) << absl::CHexEscape(bytes);
      const std::string expected = ValueAtPath(*parsed, fields);
      absl::StatusOr<std::string> value = ReadStringAtPath(bytes, path);
      ASSERT_TRUE(value.ok()) << value.status() << " " << absl::CHexEscape(bytes);
      EXPECT_EQ(*value, expected) << absl::CHexEscape(bytes);
      if (chunks > 1 && path.size() > 1) ++split;
      if (occurrences > 1) ++overwritten;
      if (!expected.empty()) ++non_empty;
    }
  }
  // The generator did exercise the interesting cases.
  EXPECT_GT(split, 100);
  EXPECT_GT(overwritten, 100);
  EXPECT_GT(non_empty, 1000);
}

// --- ReadStringAtPath on malformed bytes ------------------------------------------------------

void ExpectMalformed(absl::string_view bytes, const std::vector<int>& path) {
  absl::StatusOr<std::string> value = ReadStringAtPath(bytes, path);
  ASSERT_FALSE(value.ok()) << absl::CHexEscape(bytes) << " read as \"" << *value << "\"";
  EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument) << absl::CHexEscape(bytes);
}

TEST(ReadStringAtPathTest, RefusesTruncatedBytes) {
  actions::v1::UpdateActionRequest update;
  update.mutable_action()->set_name("practices/p1/plans/a/actions/b");
  update.mutable_action()->set_description(std::string(300, 'd'));  // two-byte length
  update.set_etag("e");
  const std::string bytes = update.SerializeAsString();
  int refused = 0;
  for (size_t cut = 1; cut < bytes.size(); ++cut) {
    const std::string prefix = bytes.substr(0, cut);
    absl::StatusOr<std::string> value = ReadStringAtPath(prefix, {1, 1});
    actions::v1::UpdateActionRequest parsed;
    if (parsed.ParseFromString(prefix)) {
      ASSERT_TRUE(value.ok()) << cut;
      EXPECT_EQ(*value, parsed.action().name()) << cut;
    } else {
      ASSERT_FALSE(value.ok()) << cut;
      EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument) << cut;
      ++refused;
    }
  }
  // Every cut but the one before etag leaves a field unfinished.
  EXPECT_EQ(refused, static_cast<int>(bytes.size()) - 2);
  ExpectMalformed(LengthDelimited(1, "charities/hope").substr(0, 5), {1});
  ExpectMalformed(Tag(1, 2), {1});                       // no length
  ExpectMalformed(Tag(1, 2) + "\x80", {1});              // length cut short
  ExpectMalformed(Tag(1, 2) + Varint(1000), {1});        // length past the end
  ExpectMalformed("\x8a", {1});                          // tag cut short
  ExpectMalformed(Tag(2, 0) + "\x80\x80", {1});          // unknown varint cut short
  ExpectMalformed(Tag(2, 1) + "1234567", {1});           // fixed64 cut short
  ExpectMalformed(Tag(2, 5) + "123", {1});               // fixed32 cut short
  ExpectMalformed(Tag(2, 3) + Tag(3, 0) + "\x01", {1});  // group never closed
}

TEST(ReadStringAtPathTest, RefusesTheWrongWireTypeOnThePath) {
  ExpectMalformed(Tag(1, 0) + Varint(7), {1});
  ExpectMalformed(Tag(1, 1) + std::string(8, 'x'), {1});
  ExpectMalformed(Tag(1, 5) + std::string(4, 'x'), {1});
  ExpectMalformed(Tag(1, 3) + Tag(1, 4), {1});
  ExpectMalformed(LengthDelimited(1, "ok") + Tag(1, 0) + Varint(7), {1});
  // On the way down: the outer field, or the inner one.
  ExpectMalformed(Tag(1, 0) + Varint(7), {1, 1});
  ExpectMalformed(LengthDelimited(1, Tag(1, 0) + Varint(7)), {1, 1});
  ExpectMalformed(LengthDelimited(3, LengthDelimited(5, Tag(200, 5) + "abcd")), {3, 5, 200});
  // Fields off the path may have any wire type.
  EXPECT_EQ(ReadStringAtPath(Tag(2, 0) + Varint(7) + LengthDelimited(1, "x"), {1}).value_or("?"),
            "x");
}

TEST(ReadStringAtPathTest, RefusesTagZeroAndGarbage) {
  ExpectMalformed(std::string(1, '\0'), {1});
  ExpectMalformed(LengthDelimited(1, "x") + std::string(1, '\0'), {1});
  ExpectMalformed(LengthDelimited(1, std::string(1, '\0')), {1, 1});  // tag 0 inside
  ExpectMalformed(std::string(11, '\xff'), {1});                      // tag longer than 10 bytes
  ExpectMalformed(Tag(2, 6), {1});                                    // wire types 6 and 7
  ExpectMalformed(Tag(2, 7), {1});
  ExpectMalformed(Tag(2, 4), {1});                              // stray end of group
  ExpectMalformed(Tag(2, 3) + Tag(3, 4), {1});                  // mismatched group end
  ExpectMalformed(Tag(2, 0) + std::string(11, '\xff'), {1});    // varint too long
  ExpectMalformed(LengthDelimited(1, "\xff\xff\xff"), {1, 1});  // nested garbage
  ExpectMalformed("garbage!", {1});
  // Garbage after the value is still garbage.
  ExpectMalformed(LengthDelimited(1, "charities/hope") + "\x0f", {1});
  // A path deeper than protobuf nests.
  ExpectMalformed("", std::vector<int>(102, 1));
}

// `levels` Node.child messages, the innermost holding name = "deep", and its path.
std::string NestedNodes(int levels, std::vector<int>* path) {
  std::string bytes = LengthDelimited(2, "deep");
  *path = {2};
  for (int i = 0; i < levels; ++i) {
    bytes = LengthDelimited(1, bytes);
    path->insert(path->begin(), 1);
  }
  return bytes;
}

// `depth` unknown groups (field 5), one inside the other.
std::string NestedGroups(int depth) {
  std::string bytes;
  for (int i = 0; i < depth; ++i) bytes += Tag(5, 3);
  for (int i = 0; i < depth; ++i) bytes += Tag(5, 4);
  return bytes;
}

TEST(ReadStringAtPathTest, HugeNestingIsRefusedWithoutCrashing) {
  const Message& node = Deep().Prototype(Deep().Node());
  std::unique_ptr<Message> parsed(node.New());
  for (int depth : {1000, 10000}) {
    const std::string groups = NestedGroups(depth * 10) + LengthDelimited(2, "x");
    ExpectMalformed(groups, {2});
    EXPECT_FALSE(parsed->ParseFromString(groups));
    ExpectMalformed(LengthDelimited(1, groups), {1, 2});
    std::vector<int> path;
    const std::string nodes = NestedNodes(depth, &path);
    ExpectMalformed(nodes, path);
    EXPECT_FALSE(parsed->ParseFromString(nodes));
  }
}

TEST(ReadStringAtPathTest, PathsAsDeepAsProtobufNests) {
  const Message& node = Deep().Prototype(Deep().Node());
  for (int levels = 95; levels <= 105; ++levels) {
    std::vector<int> path;
    const std::string bytes = NestedNodes(levels, &path);
    std::unique_ptr<Message> parsed(node.New());
    const bool parses = parsed->ParseFromString(bytes);
    absl::StatusOr<std::string> value = ReadStringAtPath(bytes, path);
    EXPECT_EQ(value.ok(), parses) << levels << " levels: " << value.status();
    if (value.ok()) {
      EXPECT_EQ(*value, "deep") << levels;
    }
  }
}

TEST(ReadStringAtPathTest, NestingLimitCountsEveryLevelOfThePath) {
  const Message& node = Deep().Prototype(Deep().Node());
  for (int levels = 0; levels <= 2; ++levels) {
    for (int depth = 95; depth <= 102; ++depth) {
      std::string bytes = absl::StrCat(NestedGroups(depth), LengthDelimited(2, "deep"));
      std::vector<int> path = {2};
      for (int i = 0; i < levels; ++i) {
        bytes = LengthDelimited(1, bytes);
        path.insert(path.begin(), 1);
      }
      std::unique_ptr<Message> parsed(node.New());
      const bool parses = parsed->ParseFromString(bytes);
      absl::StatusOr<std::string> value = ReadStringAtPath(bytes, path);
      EXPECT_EQ(value.ok(), parses) << levels << " levels, groups " << depth << " deep";
    }
  }
}

// --- Fuzz ----------------------------------------------------------------------------------------

class Fuzzer {
 public:
  explicit Fuzzer(uint32_t seed) : random_(seed) {}

  // A random byte string: noise, a mutated valid message, or random fields.
  std::string Next(const Subject& subject, const std::vector<const FieldDescriptor*>& fields) {
    switch (random_.Uniform(0, 2)) {
      case 0:
        return Noise();
      case 1:
        return Mutated(subject, fields);
      default:
        return RandomFields(fields, 0);
    }
  }

 private:
  std::string Noise() {
    static constexpr char kLikely[] = {'\x00', '\x08', '\x0a', '\x0b', '\x0c', '\x0d', '\x12',
                                       '\x1a', '\x2a', '\x80', '\xc2', '\x0c', '\x01', '\x02'};
    std::string out(random_.Uniform(0, 24), '\0');
    for (char& c : out) {
      c = random_.OneIn(2) ? kLikely[random_.Uniform(0, sizeof(kLikely) - 1)]
                           : static_cast<char>(random_.Uniform(0, 255));
    }
    return out;
  }

  std::string Mutated(const Subject& subject, const std::vector<const FieldDescriptor*>& fields) {
    std::unique_ptr<Message> message(subject.prototype->New());
    random_.Fill(message.get(), 3);
    if (random_.OneIn(2)) SetAtPath(message.get(), fields, random_.Ascii(6));
    std::string bytes = message->SerializeAsString();
    const int edits = random_.Uniform(0, 3);
    for (int i = 0; i < edits && !bytes.empty(); ++i) {
      const size_t at = random_.Uniform(0, static_cast<int>(bytes.size()) - 1);
      switch (random_.Uniform(0, 4)) {
        case 0:
          bytes[at] = static_cast<char>(random_.Uniform(0, 255));
          break;
        case 1:
          bytes[at] = static_cast<char>(bytes[at] ^ (1 << random_.Uniform(0, 7)));
          break;
        case 2:
          bytes.erase(at, 1);
          break;
        case 3:
          bytes.insert(at, 1, static_cast<char>(random_.Uniform(0, 255)));
          break;
        default:
          bytes.resize(at);
          break;
      }
    }
    return bytes;
  }

  // Fields numbered like the path's (and neighbours) with random wire types and contents.
  std::string RandomFields(const std::vector<const FieldDescriptor*>& fields, size_t level) {
    std::string out;
    const int count = random_.Uniform(0, 4);
    for (int i = 0; i < count; ++i) {
      int number = level < fields.size() ? fields[level]->number() : 1;
      if (random_.OneIn(3)) number = random_.Uniform(0, 20);
      const int wire_type = random_.OneIn(4) ? random_.Uniform(0, 7) : 2;
      out += Tag(number, wire_type);
      switch (wire_type) {
        case 0:
          out += Varint(random_.Bits() >> random_.Uniform(0, 63));
          break;
        case 1:
          out += std::string(random_.Uniform(7, 8), 'x');
          break;
        case 5:
          out += std::string(random_.Uniform(3, 4), 'y');
          break;
        case 2: {
          const std::string value = level + 1 < fields.size() && !random_.OneIn(4)
                                        ? RandomFields(fields, level + 1)
                                        : random_.Ascii(5);
          int length = static_cast<int>(value.size());
          if (random_.OneIn(8)) length += random_.Uniform(-2, 2);
          out += Varint(static_cast<uint64_t>(std::max(length, 0))) + value;
          break;
        }
        default:
          break;
      }
    }
    return out;
  }

  RandomMessages random_;
};

TEST(ReadStringAtPathTest, FuzzNeverCrashesAndAgreesWithFullParsing) {
  google::protobuf::LogSilencer quiet;  // full parsing logs every invalid UTF-8 string
  Fuzzer fuzzer(7);
  std::map<std::string, int> outcomes;
  const std::vector<Subject> subjects = Subjects();
  constexpr int kInputs = 10000;
  for (int i = 0; i < kInputs; ++i) {
    const Subject& subject = subjects[i % subjects.size()];
    const Descriptor& descriptor = *subject.prototype->GetDescriptor();
    const std::vector<int> path = MustResolve(descriptor, subject.path);
    const std::vector<const FieldDescriptor*> fields = FieldsOf(descriptor, path);
    const std::string bytes = fuzzer.Next(subject, fields);

    std::unique_ptr<Message> parsed(subject.prototype->New());
    const bool parses = parsed->ParseFromString(bytes);
    absl::StatusOr<std::string> value = ReadStringAtPath(bytes, path);
    const std::string context = absl::StrCat(subject.path, " \"", absl::CHexEscape(bytes), "\" ",
                                             value.status().ToString());
    if (value.ok()) {
      if (parses) {
        EXPECT_EQ(*value, ValueAtPath(*parsed, fields)) << context;
      }
      ++outcomes[parses ? "read, parses" : "read, does not parse"];
    } else {
      EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument) << context;
      // Refused bytes never parse, except for the documented case: a field on the path with
      // the wrong wire type (which protobuf keeps as an unknown field).
      if (parses) {
        EXPECT_TRUE(HasWrongWireTypeOnPath(*parsed, fields)) << context;
        ++outcomes["refused, parses with a wrong wire type on the path"];
      } else {
        ++outcomes["refused, does not parse"];
      }
    }
  }
  for (const auto& [outcome, count] : outcomes) ::testing::Test::RecordProperty(outcome, count);
  // The inputs reached every outcome that matters, and many read a value.
  EXPECT_GT(outcomes["read, parses"], 1000);
  EXPECT_GT(outcomes["refused, does not parse"], 1000);
  EXPECT_GT(outcomes["refused, parses with a wrong wire type on the path"], 0);
}

}  // namespace
}  // namespace bridging::gateway
