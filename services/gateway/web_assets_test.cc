// WebAssets: what is loaded from a UI build folder and what is refused (hidden files, links,
// odd names, a folder without index.html or too large), content types, ETags and lookups.
#include "services/gateway/web_assets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"

namespace bridging::gateway {
namespace {

namespace fs = std::filesystem;

class WebAssetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            absl::StrCat("web-assets-", ::testing::UnitTest::GetInstance()->random_seed(), "-",
                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "assets");
  }
  void TearDown() override { fs::remove_all(root_); }

  void Write(const std::string& relative, const std::string& body) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative, std::ios::binary) << body;
  }

  fs::path root_;
};

TEST_F(WebAssetsTest, ServesTheBuildWithContentTypesAndCaching) {
  Write("index.html", "<!doctype html><title>Bridging</title>");
  Write("assets/index-Ab12_c.js", "console.log(1)");
  Write("assets/index-Ab12_c.css", "body{}");
  Write("nhsuk/images/favicon.svg", "<svg/>");
  absl::StatusOr<WebAssets> assets = WebAssets::Load(root_.string());
  ASSERT_TRUE(assets.ok()) << assets.status();
  EXPECT_EQ(assets->file_count(), 4u);

  const WebAsset* index = assets->Find("/");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index, assets->Find("/index.html"));
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index->body, "<!doctype html><title>Bridging</title>");
  EXPECT_FALSE(index->immutable);
  EXPECT_EQ(index->etag.size(), 34u);
  EXPECT_EQ(index->etag.front(), '"');

  const WebAsset* script = assets->Find("/assets/index-Ab12_c.js");
  ASSERT_NE(script, nullptr);
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  EXPECT_TRUE(script->immutable);
  EXPECT_NE(script->etag, index->etag);
  EXPECT_EQ(assets->Find("/assets/index-Ab12_c.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(assets->Find("/nhsuk/images/favicon.svg")->content_type, "image/svg+xml");
  EXPECT_FALSE(assets->Find("/nhsuk/images/favicon.svg")->immutable);
}

TEST_F(WebAssetsTest, PathsAreMatchedExactlyWithoutDecodingOrNormalising) {
  Write("index.html", "x");
  Write("assets/a.js", "y");
  absl::StatusOr<WebAssets> assets = WebAssets::Load(root_.string());
  ASSERT_TRUE(assets.ok()) << assets.status();
  for (const char* path : {"", "index.html", "/assets/../index.html", "/assets/./a.js",
                           "//assets/a.js", "/assets/a.js/", "/assets%2Fa.js", "/ASSETS/a.js",
                           "/assets/a.js?x=1", "/../index.html", "/assets", "/assets/"}) {
    EXPECT_EQ(assets->Find(path), nullptr) << path;
  }
  EXPECT_NE(assets->Find("/assets/a.js"), nullptr);
}

TEST_F(WebAssetsTest, HiddenFilesLinksAndOddNamesAreNotServed) {
  Write("index.html", "x");
  Write(".env", "SECRET=1");
  Write(".git/config", "secret");
  Write("assets/.hidden.js", "secret");
  Write("assets/space name.js", "odd");
  Write("assets/quote'.js", "odd");
  const fs::path outside = root_.parent_path() / absl::StrCat(root_.filename().string(), "-out");
  fs::create_directories(outside);
  std::ofstream(outside / "secret.txt") << "outside";
  fs::create_symlink(outside / "secret.txt", root_ / "link.txt");
  fs::create_directory_symlink(outside, root_ / "linked");
  absl::StatusOr<WebAssets> assets = WebAssets::Load(root_.string());
  fs::remove_all(outside);
  ASSERT_TRUE(assets.ok()) << assets.status();
  EXPECT_EQ(assets->file_count(), 1u);
  for (const char* path : {"/.env", "/.git/config", "/assets/.hidden.js", "/assets/space name.js",
                           "/assets/quote'.js", "/link.txt", "/linked/secret.txt"}) {
    EXPECT_EQ(assets->Find(path), nullptr) << path;
  }
}

TEST_F(WebAssetsTest, RefusesAFolderThatIsNotAUiBuild) {
  EXPECT_EQ(WebAssets::Load((root_ / "missing").string()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  Write("assets/a.js", "y");
  absl::Status no_index = WebAssets::Load(root_.string()).status();
  EXPECT_EQ(no_index.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(no_index.message().find("index.html"), std::string::npos) << no_index;
  Write("index.html", std::string(600, 'x'));
  EXPECT_EQ(WebAssets::Load(root_.string(), /*max_total_bytes=*/500).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(WebAssets::Load(root_.string(), /*max_total_bytes=*/700).ok());
}

TEST(ContentTypeForFileTest, KnownAndUnknownExtensions) {
  EXPECT_EQ(ContentTypeForFile("a.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeForFile("a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeForFile("a.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeForFile("a.png"), "image/png");
  EXPECT_EQ(ContentTypeForFile("a.exe"), "application/octet-stream");
  EXPECT_EQ(ContentTypeForFile("js"), "application/octet-stream");
}

}  // namespace
}  // namespace bridging::gateway
