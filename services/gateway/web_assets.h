// The built web UI (web/dist), read into memory once at start and served by the gateway's
// HTTP server: nothing on disk is looked up per request, so no request path can reach a file
// outside the folder, and a UI deployment is swapped by restarting the gateway.
//
//   ASSIGN_OR_RETURN(WebAssets assets, WebAssets::Load("web/dist"));
//   if (const WebAsset* asset = assets.Find(request.path)) { ... }
#pragma once

#include <cstddef>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bridging::gateway {

struct WebAsset {
  std::string content_type;
  std::string body;
  // A strong validator: "\"<first 32 hex digits of the body's SHA-256>\"".
  std::string etag;
  // True for files whose name carries a content hash (Vite's assets/ folder): cacheable for
  // a year. Everything else (index.html) is revalidated on every use.
  bool immutable = false;
};

class WebAssets {
 public:
  // Reads every regular file under `root` whose relative path is made of [A-Za-z0-9._-/]
  // segments not starting with a dot; symbolic links are not followed. FAILED_PRECONDITION
  // when root is not a folder, has no index.html, or holds more than `max_total_bytes`.
  static absl::StatusOr<WebAssets> Load(const std::string& root,
                                        size_t max_total_bytes = 64 * 1024 * 1024);

  // The asset for a request path ("/" and "/index.html" are the index page); nullptr when
  // there is none. The path is compared as given: no decoding, no normalisation.
  const WebAsset* Find(absl::string_view path) const;

  size_t file_count() const { return assets_.size(); }

 private:
  absl::flat_hash_map<std::string, WebAsset> assets_;  // keyed by "/relative/path"
};

// The Content-Type for a file name's extension (text types with charset=utf-8);
// application/octet-stream for anything unknown.
absl::string_view ContentTypeForFile(absl::string_view file_name);

}  // namespace bridging::gateway
