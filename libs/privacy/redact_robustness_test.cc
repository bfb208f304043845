// Randomized robustness of RedactText: a bounded, seeded stream of random bytes, random
// UTF-8 and hostile inputs goes through the fuzzer's invariant check (fuzz/
// redact_invariants.h). Nothing may crash, every invariant must hold, and hostile inputs at
// the size limit (20,000 characters, up to 64 KiB) must finish in well under a second each:
// a backtracking detector would not.
#include <chrono>
#include <random>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/privacy/fuzz/redact_invariants.h"
#include "libs/privacy/testing/synthetic_corpus.h"

namespace bridging::privacy {
namespace {

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

TEST(RedactRobustnessTest, RandomBytesNeverCrash) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 3000; ++i) {
    std::string input(rng() % 300, '\0');
    for (char& c : input) c = static_cast<char>(rng());
    EXPECT_EQ(CheckRedactInvariants(input), "") << i;
  }
}

TEST(RedactRobustnessTest, RandomUtf8KeepsEveryInvariant) {
  std::mt19937_64 rng(2);
  // Pieces that steer detectors: digits, separators, @ and dots, capitals, titles, months.
  const std::vector<std::string> pieces = {
      "0",      "7",     " ",      "-",    "(",        ")",     "+44",   "@",   ".",
      "/",      "'",     "’",      "Mr",   "Dr.",      "Sarah", "Grace", "LS6", "2AB",
      "Road",   "March", "3rd",    "www.", "https://", "\n",    "Flat",  "ë",   "\u200B",
      "\u202E", "😀",     "\u0301", ",",    "and",      "called"};
  for (int i = 0; i < 3000; ++i) {
    std::string input;
    const int length = static_cast<int>(rng() % 80);
    for (int k = 0; k < length; ++k) {
      const uint64_t roll = rng() % 4;
      if (roll == 0) {
        uint32_t cp = 1 + static_cast<uint32_t>(rng() % 0x10FFFF);
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 'x';
        AppendUtf8(cp, &input);
      } else {
        input += pieces[rng() % pieces.size()];
      }
    }
    ASSERT_EQ(CheckRedactInvariants(input), "") << absl::CEscape(input);
  }
}

TEST(RedactRobustnessTest, CorpusDocumentsMangledKeepEveryInvariant) {
  std::mt19937_64 rng(3);
  for (auto& doc : testing::GenerateCorpus(300, 11)) {
    std::string text = doc.text;
    // Cut anywhere (possibly mid-character) and flip a few bytes.
    text.resize(rng() % (text.size() + 1));
    for (int k = 0; k < 3 && !text.empty(); ++k) text[rng() % text.size()] ^= 1 << (rng() % 8);
    EXPECT_EQ(CheckRedactInvariants(text), "");
  }
}

TEST(RedactRobustnessTest, HostileInputsRunInLinearTime) {
  const std::vector<std::string> hostile = {
      std::string(19990, '0'),
      [] {
        std::string s;
        while (s.size() < 19900) s += "1 ";
        return s;
      }(),
      [] {
        std::string s;
        while (s.size() < 19900) s += "a@";
        return s;
      }(),
      [] {
        std::string s;
        while (s.size() < 19900) s += "a.";
        return s;
      }(),
      [] {
        std::string s;
        while (s.size() < 19900) s += "Mr ";
        return s;
      }(),
      [] {
        std::string s;
        while (s.size() < 19900) s += "Sarah ";
        return s;
      }(),
      [] {
        std::string s;
        while (s.size() < 19900) s += "12/12/";
        return s;
      }(),
      [] {
        std::string s;
        while (s.size() < 19900) s += "+44 (0)";
        return s;
      }(),
      [] {
        std::string s;
        while (s.size() < 19900) s += "Flat 1, 2 A ";
        return s;
      }(),
      [] {
        std::string s;
        while (s.size() < 19900) s += "LS6 ";
        return s;
      }(),
      "http://" + std::string(19900, 'a'),
      [] {
        std::string s;
        while (s.size() < 19000) s += "€";
        return s;
      }(),
  };
  for (const std::string& input : hostile) {
    ASSERT_TRUE(RedactText(input).ok()) << "hostile inputs must be inside the limits";
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(CheckRedactInvariants(input), "") << input.substr(0, 20);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 1.5) << input.substr(0, 20);
  }
}

}  // namespace
}  // namespace bridging::privacy
