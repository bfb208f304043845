// Hashing and randomness the services share (OpenSSL): SHA-256, HMAC-SHA256, random ids.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace bridging {

// Lower-case hex of SHA-256(data).
std::string Sha256Hex(absl::string_view data);

// Lower-case hex of HMAC-SHA256(key, data).
std::string HmacSha256Hex(absl::string_view key, absl::string_view data);

// Compares two strings in time independent of where they differ.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

// True for 64 lowercase hex digits: the shape of HmacSha256Hex output, and so of every
// pseudonym the anonymizer makes.
bool IsPseudonym(absl::string_view value);

// A random identifier of `length` characters from [a-z0-9] drawn from a CSPRNG; used for
// resource ids so names never carry personal data.
std::string RandomId(int length = 16);

}  // namespace bridging
