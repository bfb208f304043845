// Measures RedactText on the labelled synthetic corpus and prints precision and recall per
// identifier type. Fails if recall drops below 0.99 for any structured identifier or 0.9
// for names.
//
// A label counts as found when findings of its type cover every non-space byte of it (a
// half-redacted phone number is a leak). A finding counts as correct when it overlaps a
// label of its type.
#include <cstdio>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "libs/privacy/redact.h"
#include "libs/privacy/testing/synthetic_corpus.h"

namespace bridging::privacy {
namespace {

using testing::LabelledDocument;

struct Counts {
  int labels = 0;
  int found = 0;
  int findings = 0;
  int correct = 0;
  std::vector<std::string> misses;
  std::vector<std::string> false_positives;
};

bool Covered(const LabelledDocument& doc, const testing::Label& label,
             const std::vector<Finding>& findings) {
  for (size_t i = label.begin; i < label.end; ++i) {
    if (doc.text[i] == ' ') continue;
    bool in = false;
    for (const Finding& f : findings) {
      if (f.type == label.type && f.original_begin <= i && i < f.original_end) in = true;
    }
    if (!in) return false;
  }
  return true;
}

std::string Context(const std::string& text, size_t begin, size_t end) {
  const size_t from = begin > 30 ? begin - 30 : 0;
  std::string s = absl::StrCat(text.substr(from, begin - from), "<<",
                               text.substr(begin, end - begin), ">>", text.substr(end, 30));
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s;
}

TEST(RedactQualityTest, PrecisionAndRecallPerTypeOnTheSyntheticCorpus) {
  const auto corpus = testing::GenerateCorpus(1500, /*seed=*/20240601);
  std::map<IdentifierType, Counts> counts;
  size_t bytes = 0;
  for (const LabelledDocument& doc : corpus) {
    bytes += doc.text.size();
    auto redaction = RedactText(doc.text);
    ASSERT_TRUE(redaction.ok()) << redaction.status();
    for (const auto& label : doc.labels) {
      Counts& c = counts[label.type];
      ++c.labels;
      if (Covered(doc, label, redaction->findings)) {
        ++c.found;
      } else if (c.misses.size() < 8) {
        c.misses.push_back(Context(doc.text, label.begin, label.end));
      }
    }
    for (const Finding& f : redaction->findings) {
      Counts& c = counts[f.type];
      ++c.findings;
      bool ok = false;
      for (const auto& label : doc.labels) {
        if (label.type == f.type && label.begin < f.original_end && f.original_begin < label.end) {
          ok = true;
        }
      }
      if (ok) {
        ++c.correct;
      } else if (c.false_positives.size() < 8) {
        c.false_positives.push_back(absl::StrCat(
            Context(doc.text, f.original_begin, f.original_end), "  [", f.detector, "]"));
      }
    }
  }

  std::printf("\nRedactText on %zu synthetic documents (%zu bytes)\n", corpus.size(), bytes);
  std::printf("%-12s %8s %8s %10s %8s %10s\n", "type", "labels", "found", "findings", "recall",
              "precision");
  for (IdentifierType type : kAllIdentifierTypes) {
    const Counts& c = counts[type];
    const double recall = c.labels ? static_cast<double>(c.found) / c.labels : 1.0;
    const double precision = c.findings ? static_cast<double>(c.correct) / c.findings : 1.0;
    std::printf("%-12s %8d %8d %10d %8.4f %10.4f\n", std::string(TypeName(type)).c_str(), c.labels,
                c.found, c.findings, recall, precision);
    EXPECT_GT(c.labels, 50) << TypeName(type) << ": the corpus must plant enough of each type";
    EXPECT_GE(recall, IsStructured(type) ? 0.99 : 0.9) << TypeName(type);
    for (const auto& m : c.misses) std::printf("    missed: %s\n", m.c_str());
    for (const auto& m : c.false_positives) std::printf("    extra:  %s\n", m.c_str());
  }
  std::fflush(stdout);
}

}  // namespace
}  // namespace bridging::privacy
