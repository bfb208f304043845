// A Lua script with its SHA-1 computed locally, so the store can EVALSHA it straight away.
//
//   static const Script kMove("redis.call('SET', KEYS[1], ARGV[1]) ...");
//   store.RunScript(kMove, {key_a, key_b}, {value});
//
// Redis names a loaded script by the SHA-1 of its source; knowing it in advance means the
// first call costs one round trip (plus one SCRIPT LOAD only if the server does not have it).
#pragma once

#include <string>

namespace bridging::store {

class Script {
 public:
  explicit Script(std::string source);

  const std::string& source() const { return source_; }
  // Lower-case hex SHA-1 of source(), as SCRIPT LOAD would return it.
  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

}  // namespace bridging::store
