// Typed reads of protobuf records kept as Redis strings and sequence-stamped list elements.
// Header-only templates: any message type T with ParseFromString/ParseFromArray.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "libs/store/atomic_write.h"
#include "libs/store/store.h"

namespace bridging::store {

// Parses stored bytes (a record, or the response of a replayed request) as T.
template <typename T>
absl::StatusOr<T> ParseStored(const std::string& bytes) {
  T message;
  if (!message.ParseFromString(bytes)) return absl::DataLossError("stored record is corrupt");
  return message;
}

// MGETs `keys` and parses each present value as T; missing keys are skipped.
template <typename T>
absl::StatusOr<std::vector<T>> GetProtos(Store& store, const std::vector<std::string>& keys) {
  std::vector<T> out;
  if (keys.empty()) return out;
  std::vector<std::string> command = {"MGET"};
  command.insert(command.end(), keys.begin(), keys.end());
  absl::StatusOr<Reply> reply = store.Command(command);
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != keys.size()) return absl::InternalError("MGET: unexpected reply");
  out.reserve(keys.size());
  for (const Reply& element : reply->elements) {
    if (element.is_nil()) continue;
    absl::StatusOr<T> message = ParseStored<T>(element.str);
    if (!message.ok()) return message.status();
    out.push_back(std::move(*message));
  }
  return out;
}

// GETs one record; NOT_FOUND "<resource> not found" if missing.
template <typename T>
absl::StatusOr<T> GetProto(Store& store, const std::string& key, const std::string& resource) {
  absl::StatusOr<Reply> reply = store.Command({"GET", key});
  if (!reply.ok()) return reply.status();
  if (reply->is_nil()) return absl::NotFoundError(absl::StrCat(resource, " not found"));
  return ParseStored<T>(reply->str);
}

// An element of a list written with AtomicWrite::AppendWithSequence.
template <typename T>
struct Sequenced {
  int64_t sequence = 0;
  std::optional<T> value;  // nullopt when the element does not parse (left for verifiers)
};

// Elements [start, start + count) of a sequence-stamped list (count < 0: to the end).
template <typename T>
absl::StatusOr<std::vector<Sequenced<T>>> ListSequenced(Store& store, const std::string& key,
                                                        int64_t start, int64_t count) {
  const int64_t stop = count < 0 ? -1 : start + count - 1;
  absl::StatusOr<Reply> reply =
      store.Command({"LRANGE", key, absl::StrCat(start), absl::StrCat(stop)});
  if (!reply.ok()) return reply.status();
  std::vector<Sequenced<T>> out;
  out.reserve(reply->elements.size());
  for (const Reply& element : reply->elements) {
    Sequenced<T> item;
    absl::string_view bytes;
    T message;
    if (SplitSequenced(element.str, &item.sequence, &bytes) &&
        message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      item.value = std::move(message);
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace bridging::store
