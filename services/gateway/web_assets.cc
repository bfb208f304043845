// Loads web/dist into memory with content types and ETags, refusing odd names and links.
#include "services/gateway/web_assets.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/common/crypto.h"

namespace bridging::gateway {
namespace {

namespace fs = std::filesystem;

struct Extension {
  const char* suffix;
  const char* content_type;
};
constexpr Extension kExtensions[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".txt", "text/plain; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".webp", "image/webp"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
};

// Each segment non-empty, not hidden (no "." or ".." either), of URL-safe characters.
bool IsServablePath(absl::string_view relative) {
  for (absl::string_view segment : absl::StrSplit(relative, '/')) {
    if (segment.empty() || segment.front() == '.') return false;
    for (char c : segment) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

absl::string_view ContentTypeForFile(absl::string_view file_name) {
  for (const Extension& extension : kExtensions) {
    if (absl::EndsWithIgnoreCase(file_name, extension.suffix)) return extension.content_type;
  }
  return "application/octet-stream";
}

absl::StatusOr<WebAssets> WebAssets::Load(const std::string& root, size_t max_total_bytes) {
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    return absl::FailedPreconditionError(absl::StrCat("web root ", root, " is not a folder"));
  }
  WebAssets assets;
  size_t total = 0;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const fs::directory_entry& entry = *it;
    const std::string relative = fs::relative(entry.path(), root, error).generic_string();
    if (error) break;
    // Hidden folders are not descended into; links are neither followed nor served.
    if (entry.is_symlink(error) || !IsServablePath(relative)) {
      if (entry.is_directory(error)) it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file(error)) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      return absl::FailedPreconditionError(absl::StrCat("cannot read ", entry.path().string()));
    }
    total += body.size();
    if (total > max_total_bytes) {
      return absl::FailedPreconditionError(absl::StrCat(
          "web root ", root, " holds more than ", max_total_bytes, " bytes; is it the build?"));
    }
    WebAsset asset;
    asset.content_type = std::string(ContentTypeForFile(relative));
    asset.etag = absl::StrCat("\"", Sha256Hex(body).substr(0, 32), "\"");
    asset.immutable = absl::StartsWith(relative, "assets/");
    asset.body = std::move(body);
    assets.assets_.emplace(absl::StrCat("/", relative), std::move(asset));
  }
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read web root ", root, ": ", error.message()));
  }
  if (!assets.assets_.contains("/index.html")) {
    return absl::FailedPreconditionError(
        absl::StrCat("web root ", root, " has no index.html; build the UI with scripts/build.sh"));
  }
  return assets;
}

const WebAsset* WebAssets::Find(absl::string_view path) const {
  if (path == "/") path = "/index.html";
  auto it = assets_.find(path);
  return it == assets_.end() ? nullptr : &it->second;
}

}  // namespace bridging::gateway
