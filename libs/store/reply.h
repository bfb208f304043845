// A Redis reply as a plain value, so code above libs/store never sees a hiredis type.
//
//   absl::StatusOr<Reply> r = store.Command({"GET", key});
//   if (!r.ok()) return r.status();
//   if (r->is_nil()) return absl::NotFoundError(...);
//   use(r->str);
//
// Error replies never appear here: the store turns them into an absl::Status.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace bridging::store {

struct Reply {
  enum class Type { kNil, kInteger, kString, kStatus, kArray };

  Type type = Type::kNil;
  int64_t integer = 0;          // kInteger
  std::string str;              // kString (binary-safe) and kStatus (e.g. "OK")
  std::vector<Reply> elements;  // kArray

  static Reply Nil() { return Reply(); }
  static Reply Integer(int64_t value);
  static Reply String(std::string value);
  static Reply Status(std::string value);
  static Reply Array(std::vector<Reply> elements);

  bool is_nil() const { return type == Type::kNil; }
  bool is_integer() const { return type == Type::kInteger; }
  bool is_string() const { return type == Type::kString; }
  bool is_status() const { return type == Type::kStatus; }
  bool is_array() const { return type == Type::kArray; }
  // The "+OK" status reply of SET, HSET ... and friends.
  bool is_ok() const { return type == Type::kStatus && str == "OK"; }

  // A short readable rendering for logs and test failures; binary bytes are escaped.
  std::string DebugString() const;

  friend bool operator==(const Reply& a, const Reply& b);
  friend bool operator!=(const Reply& a, const Reply& b) { return !(a == b); }
};

// "nil", "integer", "string", "status" or "array".
absl::string_view TypeName(Reply::Type type);

}  // namespace bridging::store
