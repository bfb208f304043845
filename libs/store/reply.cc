// Builders, comparison and a debug rendering for store::Reply.
#include "libs/store/reply.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace bridging::store {

Reply Reply::Integer(int64_t value) {
  Reply r;
  r.type = Type::kInteger;
  r.integer = value;
  return r;
}

Reply Reply::String(std::string value) {
  Reply r;
  r.type = Type::kString;
  r.str = std::move(value);
  return r;
}

Reply Reply::Status(std::string value) {
  Reply r;
  r.type = Type::kStatus;
  r.str = std::move(value);
  return r;
}

Reply Reply::Array(std::vector<Reply> elements) {
  Reply r;
  r.type = Type::kArray;
  r.elements = std::move(elements);
  return r;
}

std::string Reply::DebugString() const {
  switch (type) {
    case Type::kNil:
      return "nil";
    case Type::kInteger:
      return absl::StrCat("(integer) ", integer);
    case Type::kString:
      return absl::StrCat("\"", absl::CHexEscape(str), "\"");
    case Type::kStatus:
      return str;
    case Type::kArray:
      return absl::StrCat(
          "[",
          absl::StrJoin(elements, ", ",
                        [](std::string* out, const Reply& e) { out->append(e.DebugString()); }),
          "]");
  }
  return "?";
}

bool operator==(const Reply& a, const Reply& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case Reply::Type::kNil:
      return true;
    case Reply::Type::kInteger:
      return a.integer == b.integer;
    case Reply::Type::kString:
    case Reply::Type::kStatus:
      return a.str == b.str;
    case Reply::Type::kArray:
      return a.elements == b.elements;
  }
  return false;
}

absl::string_view TypeName(Reply::Type type) {
  switch (type) {
    case Reply::Type::kNil:
      return "nil";
    case Reply::Type::kInteger:
      return "integer";
    case Reply::Type::kString:
      return "string";
    case Reply::Type::kStatus:
      return "status";
    case Reply::Type::kArray:
      return "array";
  }
  return "unknown";
}

}  // namespace bridging::store
