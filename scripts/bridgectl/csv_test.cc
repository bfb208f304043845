// Tests of the CSV reader and writer.
#include "scripts/bridgectl/csv.h"

#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bridging::bridgectl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CsvTest, ReadsQuotedFieldsWithCommasQuotesAndNewlines) {
  auto rows = ParseCsv("a,b,c\n\"x, y\",\"she said \"\"no\"\"\",\"two\nlines\"\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_THAT((*rows)[1], ElementsAre("x, y", "she said \"no\"", "two\nlines"));
}

TEST(CsvTest, HandlesCrlfBomBlankLinesAndEmptyFields) {
  auto rows = ParseCsv("\xEF\xBB\xBFref,alias\r\n\r\nSF-1,\r\n,Robin\r\n\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_THAT((*rows)[0], ElementsAre("ref", "alias"));
  EXPECT_THAT((*rows)[1], ElementsAre("SF-1", ""));
  EXPECT_THAT((*rows)[2], ElementsAre("", "Robin"));
}

TEST(CsvTest, LastLineWithoutNewlineIsRead) {
  auto rows = ParseCsv("a\nb");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 2u);
}

TEST(CsvTest, RefusesUnterminatedQuoteWithItsLine) {
  auto rows = ParseCsv("a\nb\n\"open,\nstill open");
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(std::string(rows.status().message()), HasSubstr("unterminated"));
  EXPECT_THAT(std::string(rows.status().message()), HasSubstr("line 4"));
}

TEST(CsvTest, RefusesTextAfterAClosingQuote) {
  auto rows = ParseCsv("\"a\"b,c\n");
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(std::string(rows.status().message()), HasSubstr("line 1"));
}

TEST(CsvTest, WriterQuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CsvLine({"plain", "a,b", "say \"hi\"", "two\nlines", ""}),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\n");
}

TEST(CsvTest, WriterDefusesSpreadsheetFormulasButNotNumbers) {
  EXPECT_EQ(CsvLine({"=HYPERLINK(\"x\")", "+1+2", "@SUM(A1)", "-5", "-2.5", "-"}),
            "\"'=HYPERLINK(\"\"x\"\")\",'+1+2,'@SUM(A1),-5,-2.5,'-\n");
}

TEST(CsvTest, WhatTheWriterWritesTheReaderReadsBack) {
  std::mt19937 random(7);
  const std::string alphabet = "ab ,\"\n\r;x\xC3\xA9";
  for (int round = 0; round < 500; ++round) {
    std::vector<std::string> fields(1 + random() % 5);
    for (auto& field : fields) {
      field = "k";  // never empty or formula-like, so the round trip is exact
      for (int i = random() % 8; i > 0; --i) field += alphabet[random() % alphabet.size()];
    }
    auto rows = ParseCsv(CsvLine(fields));
    ASSERT_TRUE(rows.ok()) << rows.status();
    ASSERT_EQ(rows->size(), 1u);
    // A lone \r inside quotes survives; the reader keeps quoted text verbatim.
    EXPECT_EQ((*rows)[0], fields);
  }
}

}  // namespace
}  // namespace bridging::bridgectl
