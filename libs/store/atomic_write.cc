// Implements AtomicWrite with one Lua script, loaded once and run by SHA. Every
// precondition is checked before the first write, so a failed check writes nothing.
#include "libs/store/atomic_write.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/store/script.h"

namespace bridging::store {
namespace {

// ARGV: [1] idempotency key index (0 = none), [2] fingerprint, [3] response, [4] ttl,
// [5] sequence key index (0 = none), then ops: name, key index, arguments (fixed arity).
constexpr char kCommitLua[] = R"lua(
local arity = {EQ=1, ABSENT=0, SET=1, DEL=0, ZADD=2, ZREM=1, RPUSHSEQ=1, XADDSEQ=3}
local idem = tonumber(ARGV[1])
if idem > 0 then
  local prior = redis.call('HMGET', KEYS[idem], 'fp', 'resp', 'seq')
  if prior[1] then
    if prior[1] == ARGV[2] then return {'REPLAYED', prior[3] or '0', prior[2] or ''} end
    return {'MISMATCH', '0', ''}
  end
end
local i = 6
while i <= #ARGV do
  local op, key = ARGV[i], KEYS[tonumber(ARGV[i + 1])]
  if op == 'EQ' then
    if (redis.call('GET', key) or '') ~= ARGV[i + 2] then return {'CONFLICT', '0', key} end
  elseif op == 'ABSENT' then
    if redis.call('EXISTS', key) == 1 then return {'CONFLICT', '0', key} end
  end
  i = i + 2 + arity[op]
end
local seq = 0
if tonumber(ARGV[5]) > 0 then seq = redis.call('INCR', KEYS[tonumber(ARGV[5])]) end
i = 6
while i <= #ARGV do
  local op, key = ARGV[i], KEYS[tonumber(ARGV[i + 1])]
  if op == 'SET' then
    redis.call('SET', key, ARGV[i + 2])
  elseif op == 'DEL' then
    redis.call('DEL', key)
  elseif op == 'ZADD' then
    redis.call('ZADD', key, ARGV[i + 2], ARGV[i + 3])
  elseif op == 'ZREM' then
    redis.call('ZREM', key, ARGV[i + 2])
  elseif op == 'RPUSHSEQ' then
    redis.call('RPUSH', key, seq .. ':' .. ARGV[i + 2])
  elseif op == 'XADDSEQ' then
    redis.call('XADD', key, '*', 'seq', seq, 'kind', ARGV[i + 2], 'subject', ARGV[i + 3],
               'payload', ARGV[i + 4])
  end
  i = i + 2 + arity[op]
end
if idem > 0 then
  redis.call('HSET', KEYS[idem], 'fp', ARGV[2], 'resp', ARGV[3], 'seq', seq)
  redis.call('EXPIRE', KEYS[idem], ARGV[4])
end
return {'APPLIED', tostring(seq), ''}
)lua";

const Script& CommitScript() {
  static const Script* script = new Script(kCommitLua);
  return *script;
}

}  // namespace

int AtomicWrite::KeyIndex(const std::string& key) {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return static_cast<int>(i) + 1;
  }
  keys_.push_back(key);
  return static_cast<int>(keys_.size());
}

AtomicWrite& AtomicWrite::ExpectValue(const std::string& key, std::string value) {
  ops_.insert(ops_.end(), {"EQ", absl::StrCat(KeyIndex(key)), std::move(value)});
  return *this;
}

AtomicWrite& AtomicWrite::ExpectAbsent(const std::string& key) {
  ops_.insert(ops_.end(), {"ABSENT", absl::StrCat(KeyIndex(key))});
  return *this;
}

AtomicWrite& AtomicWrite::Set(const std::string& key, std::string value) {
  ops_.insert(ops_.end(), {"SET", absl::StrCat(KeyIndex(key)), std::move(value)});
  return *this;
}

AtomicWrite& AtomicWrite::Delete(const std::string& key) {
  ops_.insert(ops_.end(), {"DEL", absl::StrCat(KeyIndex(key))});
  return *this;
}

AtomicWrite& AtomicWrite::ZAdd(const std::string& key, double score, std::string member) {
  ops_.insert(ops_.end(),
              {"ZADD", absl::StrCat(KeyIndex(key)), absl::StrCat(score), std::move(member)});
  return *this;
}

AtomicWrite& AtomicWrite::ZRem(const std::string& key, std::string member) {
  ops_.insert(ops_.end(), {"ZREM", absl::StrCat(KeyIndex(key)), std::move(member)});
  return *this;
}

AtomicWrite& AtomicWrite::AppendWithSequence(const std::string& key, std::string value) {
  ops_.insert(ops_.end(), {"RPUSHSEQ", absl::StrCat(KeyIndex(key)), std::move(value)});
  return *this;
}

AtomicWrite& AtomicWrite::Outbox(const std::string& stream, std::string kind, std::string subject,
                                 std::string payload) {
  ops_.insert(ops_.end(), {"XADDSEQ", absl::StrCat(KeyIndex(stream)), std::move(kind),
                           std::move(subject), std::move(payload)});
  return *this;
}

AtomicWrite& AtomicWrite::Idempotent(const std::string& key, std::string fingerprint,
                                     std::string response, int64_t ttl_seconds) {
  idempotency_key_ = KeyIndex(key);
  fingerprint_ = std::move(fingerprint);
  response_ = std::move(response);
  ttl_seconds_ = ttl_seconds;
  return *this;
}

absl::StatusOr<AtomicWriteResult> Commit(Store& store, const std::string& sequence_key,
                                         const AtomicWrite& write) {
  AtomicWrite w = write;  // KeyIndex may add the sequence key
  const int sequence_index = sequence_key.empty() ? 0 : w.KeyIndex(sequence_key);
  std::vector<std::string> args = {absl::StrCat(w.idempotency_key_), w.fingerprint_, w.response_,
                                   absl::StrCat(w.ttl_seconds_), absl::StrCat(sequence_index)};
  args.insert(args.end(), w.ops_.begin(), w.ops_.end());
  auto reply = store.RunScript(CommitScript(), w.keys_, args);
  if (!reply.ok()) return reply.status();
  if (reply->type != Reply::Type::kArray || reply->elements.size() != 3) {
    return absl::InternalError("atomic write: unexpected script reply");
  }
  AtomicWriteResult result;
  const std::string& outcome = reply->elements[0].str;
  if (!absl::SimpleAtoi(reply->elements[1].str, &result.sequence)) result.sequence = 0;
  if (outcome == "APPLIED") {
    result.outcome = AtomicWriteResult::Outcome::kApplied;
  } else if (outcome == "REPLAYED") {
    result.outcome = AtomicWriteResult::Outcome::kReplayed;
    result.response = reply->elements[2].str;
  } else if (outcome == "CONFLICT") {
    result.outcome = AtomicWriteResult::Outcome::kConflict;
    result.conflict_key = reply->elements[2].str;
  } else if (outcome == "MISMATCH") {
    result.outcome = AtomicWriteResult::Outcome::kMismatch;
  } else {
    return absl::InternalError(absl::StrCat("atomic write: unknown outcome ", outcome));
  }
  return result;
}

bool SplitSequenced(absl::string_view element, int64_t* sequence, absl::string_view* value) {
  const size_t colon = element.find(':');
  if (colon == absl::string_view::npos) return false;
  if (!absl::SimpleAtoi(element.substr(0, colon), sequence)) return false;
  *value = element.substr(colon + 1);
  return true;
}

}  // namespace bridging::store
