// Tests the Connect protocol rules: code table, error body, timeout and content-type headers,
// and the JSON / binary conversions of requests and responses.
#include "services/gateway/connect_protocol.h"

#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bridging/consent/v1/consent.pb.h"

namespace bridging::gateway {
namespace {

using ::bridging::consent::v1::RecordConsentRequest;
using ::bridging::consent::v1::WithdrawalReceipt;
using ::google::protobuf::Struct;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using ::testing::Not;

const google::protobuf::Descriptor& RecordConsent() { return *RecordConsentRequest::descriptor(); }

// Parses a Connect error body back with protobuf's JSON parser.
Struct ParseErrorBody(const std::string& body) {
  Struct parsed;
  const auto status = google::protobuf::util::JsonStringToMessage(body, &parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << " in " << body;
  return parsed;
}

// ---------------------------------------------------------------------------------------
// Codes
// ---------------------------------------------------------------------------------------

struct SpecRow {
  absl::StatusCode code;
  const char* name;
  int http_status;
};

// Copied by hand from https://connectrpc.com/docs/protocol#error-codes.
const SpecRow kSpecTable[] = {
    {absl::StatusCode::kCancelled, "canceled", 499},
    {absl::StatusCode::kUnknown, "unknown", 500},
    {absl::StatusCode::kInvalidArgument, "invalid_argument", 400},
    {absl::StatusCode::kDeadlineExceeded, "deadline_exceeded", 504},
    {absl::StatusCode::kNotFound, "not_found", 404},
    {absl::StatusCode::kAlreadyExists, "already_exists", 409},
    {absl::StatusCode::kPermissionDenied, "permission_denied", 403},
    {absl::StatusCode::kResourceExhausted, "resource_exhausted", 429},
    {absl::StatusCode::kFailedPrecondition, "failed_precondition", 400},
    {absl::StatusCode::kAborted, "aborted", 409},
    {absl::StatusCode::kOutOfRange, "out_of_range", 400},
    {absl::StatusCode::kUnimplemented, "unimplemented", 501},
    {absl::StatusCode::kInternal, "internal", 500},
    {absl::StatusCode::kUnavailable, "unavailable", 503},
    {absl::StatusCode::kDataLoss, "data_loss", 500},
    {absl::StatusCode::kUnauthenticated, "unauthenticated", 401},
};

TEST(ConnectCodeTest, EveryCodeMatchesTheSpecTable) {
  for (const SpecRow& row : kSpecTable) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(ConnectCodeName(row.code), row.name);
    EXPECT_EQ(ConnectHttpStatus(row.code), row.http_status);
    ASSERT_TRUE(ConnectCodeFromName(row.name).has_value());
    EXPECT_EQ(*ConnectCodeFromName(row.name), row.code);
  }
}

TEST(ConnectCodeTest, OkAndNonCanonicalCodesReportUnknown) {
  EXPECT_EQ(ConnectCodeName(absl::StatusCode::kOk), "unknown");
  EXPECT_EQ(ConnectHttpStatus(absl::StatusCode::kOk), 500);
  EXPECT_EQ(ConnectCodeName(static_cast<absl::StatusCode>(17)), "unknown");
  EXPECT_EQ(ConnectHttpStatus(static_cast<absl::StatusCode>(17)), 500);
  EXPECT_EQ(ConnectCodeName(static_cast<absl::StatusCode>(-1)), "unknown");
}

TEST(ConnectCodeTest, NamesOutsideTheTableAreNotCodes) {
  EXPECT_FALSE(ConnectCodeFromName("ok").has_value());
  // gRPC spells it with two Ls; Connect with one.
  EXPECT_FALSE(ConnectCodeFromName("cancelled").has_value());
  EXPECT_FALSE(ConnectCodeFromName("INVALID_ARGUMENT").has_value());
  EXPECT_FALSE(ConnectCodeFromName("").has_value());
}

TEST(ConnectCodeTest, GrpcStatusMapsLikeAbslStatus) {
  const ConnectError error =
      ToConnectError(grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "not your charity"));
  EXPECT_EQ(error.http_status, 403);
  const Struct body = ParseErrorBody(error.body);
  EXPECT_EQ(body.fields().at("code").string_value(), "permission_denied");
  EXPECT_EQ(body.fields().at("message").string_value(), "not your charity");

  const ConnectError deadline =
      ToConnectError(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "too slow"));
  EXPECT_EQ(deadline.http_status, 504);
}

TEST(ConnectCodeTest, AbslStatusMaps) {
  const ConnectError error = ToConnectError(absl::UnimplementedError("no such method"));
  EXPECT_EQ(error.http_status, 501);
  EXPECT_EQ(ParseErrorBody(error.body).fields().at("code").string_value(), "unimplemented");
}

// ---------------------------------------------------------------------------------------
// Error body
// ---------------------------------------------------------------------------------------

TEST(ConnectErrorBodyTest, HasCodeAndMessage) {
  const Struct body =
      ParseErrorBody(ConnectErrorBody(absl::StatusCode::kPermissionDenied, "go away"));
  EXPECT_EQ(body.fields_size(), 2);
  EXPECT_EQ(body.fields().at("code").string_value(), "permission_denied");
  EXPECT_EQ(body.fields().at("message").string_value(), "go away");
}

TEST(ConnectErrorBodyTest, PutsTheCodeFirst) {
  // For people reading curl output; JSON itself does not care.
  EXPECT_EQ(ConnectErrorBody(absl::StatusCode::kNotFound, "charities/x not found"),
            R"({"code":"not_found","message":"charities/x not found"})");
}

TEST(ConnectErrorBodyTest, OmitsAnEmptyMessage) {
  const std::string raw = ConnectErrorBody(absl::StatusCode::kUnavailable, "");
  const Struct body = ParseErrorBody(raw);
  EXPECT_EQ(body.fields_size(), 1);
  EXPECT_EQ(body.fields().at("code").string_value(), "unavailable");
  EXPECT_THAT(raw, Not(HasSubstr("message")));
}

TEST(ConnectErrorBodyTest, EscapesQuotesControlCharactersAndUnicode) {
  const std::string message =
      "a \"quoted\" \\path\\ on\ntwo lines\tand\r\x01\x1f </script> caf\xC3\xA9 "
      "\xE2\x98\x95 \xF0\x9F\x98\x80 \xE2\x80\xA8";
  const std::string raw = ConnectErrorBody(absl::StatusCode::kInvalidArgument, message);
  // Control characters must be escaped, never raw inside the JSON string.
  for (char c : raw) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << raw;
  const Struct body = ParseErrorBody(raw);
  EXPECT_EQ(body.fields().at("message").string_value(), message);
}

TEST(ConnectErrorBodyTest, ReplacesInvalidUtf8) {
  // A stray continuation byte, a truncated sequence, an overlong '/', a surrogate.
  const std::string message = "bad \x80 x \xE2\x98 y \xC0\xAF z \xED\xA0\x80 end";
  const Struct body = ParseErrorBody(ConnectErrorBody(absl::StatusCode::kInternal, message));
  const std::string parsed = body.fields().at("message").string_value();
  EXPECT_THAT(parsed, HasSubstr("bad \xEF\xBF\xBD x "));
  EXPECT_THAT(parsed, HasSubstr(" end"));
  EXPECT_THAT(parsed, Not(HasSubstr("\xC0")));
  EXPECT_THAT(parsed, Not(HasSubstr("\xED\xA0")));
}

// ---------------------------------------------------------------------------------------
// Connect-Timeout-Ms
// ---------------------------------------------------------------------------------------

TEST(ConnectTimeoutTest, AcceptsOneToTenDigits) {
  EXPECT_EQ(*ParseConnectTimeout("1"), absl::Milliseconds(1));
  EXPECT_EQ(*ParseConnectTimeout("5000"), absl::Seconds(5));
  EXPECT_EQ(*ParseConnectTimeout("0000000001"), absl::Milliseconds(1));
  EXPECT_EQ(*ParseConnectTimeout("9999999999"), absl::Milliseconds(9999999999));
  // Already expired, as connect-go reads it.
  EXPECT_EQ(*ParseConnectTimeout("0"), absl::ZeroDuration());
}

TEST(ConnectTimeoutTest, RefusesEverythingElse) {
  const std::vector<std::string> bad = {
      "",    "10000000000",  "-1",  "+1",   " 1",
      "1 ",  "1.5",          "1e3", "0x10", "abc",
      "1ms", "\xEF\xBC\x91", "\t5", "5\n",  std::string("1\0", 2),
  };
  for (const std::string& value : bad) {
    absl::StatusOr<absl::Duration> timeout = ParseConnectTimeout(value);
    EXPECT_EQ(timeout.status().code(), absl::StatusCode::kInvalidArgument) << "'" << value << "'";
  }
}

// ---------------------------------------------------------------------------------------
// Content-Type
// ---------------------------------------------------------------------------------------

TEST(ConnectContentTypeTest, AcceptsJsonAndProto) {
  EXPECT_EQ(*ParseConnectContentType("application/json"), ConnectCodec::kJson);
  EXPECT_EQ(*ParseConnectContentType("Application/JSON"), ConnectCodec::kJson);
  EXPECT_EQ(*ParseConnectContentType("application/json; charset=utf-8"), ConnectCodec::kJson);
  EXPECT_EQ(*ParseConnectContentType("application/json;charset=UTF-8"), ConnectCodec::kJson);
  EXPECT_EQ(*ParseConnectContentType("application/json; charset=\"utf-8\""), ConnectCodec::kJson);
  EXPECT_EQ(*ParseConnectContentType("application/proto"), ConnectCodec::kProto);
  EXPECT_EQ(*ParseConnectContentType(" application/proto "), ConnectCodec::kProto);
  EXPECT_EQ(ConnectContentType(ConnectCodec::kJson), "application/json");
  EXPECT_EQ(ConnectContentType(ConnectCodec::kProto), "application/proto");
}

TEST(ConnectContentTypeTest, RefusesOthers) {
  for (const char* type :
       {"", "text/plain", "application/connect+json", "application/connect+proto",
        "application/grpc", "application/jsonx", "application/x-protobuf",
        "application/json; charset=latin1", "application/json; foo=bar", "application/json;",
        "multipart/form-data; boundary=x"}) {
    EXPECT_EQ(ParseConnectContentType(type).status().code(), absl::StatusCode::kInvalidArgument)
        << type;
  }
}

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

RecordConsentRequest SampleRequest() {
  RecordConsentRequest request;
  request.set_participant("charities/hope/participants/p1");
  request.set_purpose(consent::v1::PURPOSE_RESEARCH_USE);
  request.set_method(consent::v1::CONSENT_METHOD_WRITTEN);
  request.set_recorded_by_role("support worker");
  request.mutable_review_date()->set_year(2026);
  request.mutable_review_date()->set_month(3);
  request.mutable_review_date()->set_day(1);
  request.set_request_id("r-1");
  return request;
}

absl::Status DecodeJson(absl::string_view json) {
  return DecodeConnectRequest(RecordConsent(), ConnectCodec::kJson, json).status();
}

TEST(DecodeConnectRequestTest, JsonBecomesBinary) {
  const absl::StatusOr<std::string> binary = DecodeConnectRequest(
      RecordConsent(), ConnectCodec::kJson,
      R"({"participant": "charities/hope/participants/p1", "purpose": "PURPOSE_RESEARCH_USE",
          "method": 2, "recorded_by_role": "support worker",
          "reviewDate": {"year": 2026, "month": 3, "day": 1}, "requestId": "r-1"})");
  ASSERT_TRUE(binary.ok()) << binary.status();
  RecordConsentRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(*binary));
  EXPECT_TRUE(MessageDifferencer::Equals(parsed, SampleRequest())) << parsed.DebugString();
}

TEST(DecodeConnectRequestTest, EmptyBodyIsTheEmptyMessage) {
  const absl::StatusOr<std::string> json =
      DecodeConnectRequest(RecordConsent(), ConnectCodec::kJson, "");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, "");
  const absl::StatusOr<std::string> proto =
      DecodeConnectRequest(RecordConsent(), ConnectCodec::kProto, "");
  ASSERT_TRUE(proto.ok()) << proto.status();
  EXPECT_EQ(*proto, "");
  const absl::StatusOr<std::string> object =
      DecodeConnectRequest(RecordConsent(), ConnectCodec::kJson, "{}");
  ASSERT_TRUE(object.ok()) << object.status();
  EXPECT_EQ(*object, "");
}

TEST(DecodeConnectRequestTest, MalformedJsonIsInvalidArgumentWithoutEchoingTheBody) {
  for (const char* json :
       {R"({"participant": "secret-value")", R"({"participant": "secret-value" x})",
        R"({"participant" "secret-value"})", R"({"participant": "secret-value"} trailing)", "{",
        "}", "nul", "\"secret-value\""}) {
    const absl::Status status = DecodeJson(json);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << json;
    EXPECT_THAT(status.message(), HasSubstr("bridging.consent.v1.RecordConsentRequest")) << json;
    EXPECT_THAT(status.message(), Not(HasSubstr("secret-value"))) << status;
    EXPECT_THAT(status.message(), Not(HasSubstr("\n"))) << status;
  }
}

TEST(DecodeConnectRequestTest, UnknownFieldIsNamed) {
  const absl::Status status = DecodeJson(R"({"participnt": "secret-value"})");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("participnt"));
  EXPECT_THAT(status.message(), Not(HasSubstr("secret-value")));
}

TEST(DecodeConnectRequestTest, UnknownNestedFieldIsNamed) {
  const absl::Status status = DecodeJson(R"({"reviewDate": {"yaer": 2026}})");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("yaer"));
}

TEST(DecodeConnectRequestTest, WrongTypesAreInvalidArgumentWithoutTheValue) {
  for (const char* json :
       {R"({"purpose": "secret-value"})", R"({"participant": 12345678})",
        R"({"participant": {"secret-value": 1}})", R"({"reviewDate": "secret-value"})",
        R"({"reviewDate": {"year": "secret-value"}})", R"({"reviewDate": {"year": 1.5}})",
        R"({"reviewDate": {"year": 99999999999}})", R"({"participant": ["secret-value"]})",
        R"({"purpose": true})"}) {
    const absl::Status status = DecodeJson(json);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << json;
    EXPECT_THAT(status.message(), Not(HasSubstr("secret-value"))) << status;
    EXPECT_THAT(status.message(), Not(HasSubstr("12345678"))) << status;
    EXPECT_THAT(status.message(), Not(HasSubstr("99999999999"))) << status;
  }
}

TEST(DecodeConnectRequestTest, WrongTimestampDoesNotEchoTheValue) {
  const absl::Status status =
      DecodeConnectRequest(*WithdrawalReceipt::descriptor(), ConnectCodec::kJson,
                           R"({"withdrawTime": "secret-value"})")
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), Not(HasSubstr("secret-value"))) << status;
}

TEST(DecodeConnectRequestTest, ArrayInsteadOfObjectIsInvalidArgument) {
  EXPECT_EQ(DecodeJson("[]").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeJson(R"([{"participant": "x"}])").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeJson("42").code(), absl::StatusCode::kInvalidArgument);
}

TEST(DecodeConnectRequestTest, InvalidUtf8InAStringIsInvalidArgument) {
  EXPECT_EQ(DecodeJson("{\"participant\": \"\xff\xfe\"}").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DecodeConnectRequestTest, DeepNestingIsRefusedWithoutCrashing) {
  const std::string arrays(100000, '[');
  EXPECT_EQ(DecodeJson(arrays).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeJson(arrays + std::string(100000, ']')).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeJson(R"({"participant": )" + arrays).code(), absl::StatusCode::kInvalidArgument);
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += R"({"reviewDate": )";
  EXPECT_EQ(DecodeJson(objects).code(), absl::StatusCode::kInvalidArgument);
}

TEST(DecodeConnectRequestTest, ProtoIsPassedThroughUnchanged) {
  std::string binary = SampleRequest().SerializeAsString();
  // An unknown field (number 99, varint 7) must survive: the bytes are not re-encoded.
  binary += std::string("\x98\x06\x07", 3);
  const absl::StatusOr<std::string> decoded =
      DecodeConnectRequest(RecordConsent(), ConnectCodec::kProto, binary);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, binary);
}

TEST(DecodeConnectRequestTest, ProtoGarbageIsInvalidArgument) {
  for (const std::string& garbage :
       {std::string("\x0a\x05"
                    "ab",
                    4),
        std::string("\xff\xff\xff\xff\xff", 5), std::string("\x0a\xff\xff\xff\xff\x0f", 6),
        std::string("{\"participant\": 1}")}) {
    const absl::Status status =
        DecodeConnectRequest(RecordConsent(), ConnectCodec::kProto, garbage).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(), HasSubstr("bridging.consent.v1.RecordConsentRequest"));
  }
}

// ---------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------

TEST(EncodeConnectResponseTest, JsonUsesCamelCaseAndOmitsDefaults) {
  RecordConsentRequest message;
  message.set_recorded_by_role("support worker");
  const absl::StatusOr<std::string> json =
      EncodeConnectResponse(RecordConsent(), ConnectCodec::kJson, message.SerializeAsString());
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, R"({"recordedByRole":"support worker"})");
}

TEST(EncodeConnectResponseTest, EmptyMessageIsAnEmptyObject) {
  const absl::StatusOr<std::string> json =
      EncodeConnectResponse(RecordConsent(), ConnectCodec::kJson, "");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, "{}");
}

TEST(EncodeConnectResponseTest, ProtoIsPassedThrough) {
  const std::string binary = SampleRequest().SerializeAsString();
  EXPECT_EQ(*EncodeConnectResponse(RecordConsent(), ConnectCodec::kProto, binary), binary);
}

TEST(EncodeConnectResponseTest, UnparsableBackendResponseIsInternal) {
  EXPECT_EQ(EncodeConnectResponse(RecordConsent(), ConnectCodec::kJson,
                                  std::string("\x0a\x05"
                                              "ab",
                                              4))
                .status()
                .code(),
            absl::StatusCode::kInternal);
}

TEST(ConnectRoundTripTest, JsonToBinaryToJson) {
  // Canonical protojson: field-number order, lowerCamelCase, enums by name, int64 as a
  // string, RFC 3339 timestamps, defaults omitted.
  const std::string canonical =
      R"({"name":"charities/hope/participants/p1/withdrawals/w1",)"
      R"("participant":"charities/hope/participants/p1",)"
      R"("purposes":["PURPOSE_RESEARCH_USE","PURPOSE_QUOTATION"],)"
      R"("withdrawTime":"2024-05-01T12:30:00.250Z","erasureRequested":true,)"
      R"("sequence":"9007199254740993","digest":"ab\"c\\d\u0001 caf\u00e9"})";
  const auto& type = *WithdrawalReceipt::descriptor();
  const absl::StatusOr<std::string> binary =
      DecodeConnectRequest(type, ConnectCodec::kJson, canonical);
  ASSERT_TRUE(binary.ok()) << binary.status();
  WithdrawalReceipt receipt;
  ASSERT_TRUE(receipt.ParseFromString(*binary));
  EXPECT_EQ(receipt.sequence(), 9007199254740993);
  EXPECT_EQ(receipt.digest(), "ab\"c\\d\x01 caf\xC3\xA9");
  EXPECT_EQ(receipt.withdraw_time().nanos(), 250000000);

  const absl::StatusOr<std::string> json =
      EncodeConnectResponse(type, ConnectCodec::kJson, *binary);
  ASSERT_TRUE(json.ok()) << json.status();
  WithdrawalReceipt again;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &again).ok()) << *json;
  EXPECT_TRUE(MessageDifferencer::Equals(receipt, again));
  EXPECT_THAT(*json, HasSubstr(R"("withdrawTime":"2024-05-01T12:30:00.250Z")"));
  EXPECT_THAT(*json, HasSubstr(R"("sequence":"9007199254740993")"));
  EXPECT_THAT(*json, Not(HasSubstr("analyticsApplied")));  // false: omitted
}

TEST(ConnectRoundTripTest, RequestJsonToBinaryToJson) {
  const std::string json = *EncodeConnectResponse(RecordConsent(), ConnectCodec::kJson,
                                                  SampleRequest().SerializeAsString());
  EXPECT_EQ(json,
            R"({"participant":"charities/hope/participants/p1","purpose":"PURPOSE_RESEARCH_USE",)"
            R"("method":"CONSENT_METHOD_WRITTEN","recordedByRole":"support worker",)"
            R"("reviewDate":{"year":2026,"month":3,"day":1},"requestId":"r-1"})");
  const absl::StatusOr<std::string> binary =
      DecodeConnectRequest(RecordConsent(), ConnectCodec::kJson, json);
  ASSERT_TRUE(binary.ok()) << binary.status();
  EXPECT_EQ(*EncodeConnectResponse(RecordConsent(), ConnectCodec::kJson, *binary), json);
}

}  // namespace
}  // namespace bridging::gateway
