#include "formats/csv.h"

#include <gtest/gtest.h>

namespace prep::formats {
namespace {

std::vector<std::vector<std::string>> All(std::string_view text, char d, Status* status = nullptr) {
  CsvTokenizer tok(text, d, "t.csv");
  CsvRecord rec;
  std::vector<std::vector<std::string>> out;
  while (tok.Next(&rec)) out.emplace_back(rec.fields.begin(), rec.fields.end());
  if (status != nullptr) *status = tok.status();
  return out;
}

using Rows = std::vector<std::vector<std::string>>;
using Views = std::vector<std::string_view>;

Views Fields(const CsvRecord& rec) { return Views(rec.fields.begin(), rec.fields.end()); }

TEST(Csv, LineEndsLfCrlfAndLoneCr) {
  const Rows want = {{"a", "b"}, {"c", "d"}};
  EXPECT_EQ(All("a|b\nc|d\n", '|'), want);
  EXPECT_EQ(All("a|b\r\nc|d\r\n", '|'), want);
  EXPECT_EQ(All("a|b\rc|d\r", '|'), want);
  EXPECT_EQ(All("a|b\rc|d", '|'), want);
}

TEST(Csv, LineNumbersCountEveryTerminatorKind) {
  CsvTokenizer tok("a\rb\r\nc\nd", ',', "t.csv");
  CsvRecord rec;
  std::vector<size_t> lines;
  while (tok.Next(&rec)) lines.push_back(rec.line);
  EXPECT_EQ(lines, (std::vector<size_t>{1, 2, 3, 4}));
}

TEST(Csv, QuotedFieldsKeepDelimitersAndEscapedQuotes) {
  EXPECT_EQ(All("\"7,672\",\"say \"\"hi\"\"\",x\n", ','), (Rows{{"7,672", "say \"hi\"", "x"}}));
}

TEST(Csv, ExcelProtectedKeysLoseTheirFormula) {
  EXPECT_EQ(All("=\"230085B0100\"|230085B010002\n", '|'), (Rows{{"230085B0100", "230085B010002"}}));
}

TEST(Csv, QuotedFieldMaySpanLines) {
  EXPECT_EQ(All("\"a\nb\",c\nd,e\n", ','), (Rows{{"a\nb", "c"}, {"d", "e"}}));
}

TEST(Csv, EmptyFieldsAndTrailingDelimiter) {
  EXPECT_EQ(All("a,,b,\n", ','), (Rows{{"a", "", "b", ""}}));
}

TEST(Csv, UnterminatedQuoteIsAnErrorWithItsLine) {
  Status st;
  All("a,b\nc,\"never closed\n", ',', &st);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message().rfind("t.csv:2:", 0), 0u) << st.message();
}

TEST(Csv, RecordLongerThanTheLimitIsRefused) {
  std::string big(kMaxRecordBytes + 10, 'x');
  Status st;
  All("a,b\n" + big + "\n", ',', &st);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("t.csv:2: record longer than 1 MiB"), std::string::npos)
      << st.message();
  Status st2;
  All("a,\"" + big + "\"\n", ',', &st2);
  EXPECT_FALSE(st2.ok());
}

TEST(Csv, MaxFieldsCountsTheRestWithoutSplittingIt) {
  CsvTokenizer tok("a|b|c|d\r\ne|f|g|h\rx|y\n", '|', "t.csv");
  CsvRecord rec;
  ASSERT_TRUE(tok.Next(&rec, 2));
  EXPECT_EQ(Fields(rec), (Views{"a", "b"}));
  EXPECT_EQ(rec.field_count, 4u);
  ASSERT_TRUE(tok.Next(&rec, 2));
  EXPECT_EQ(rec.line, 2u);
  EXPECT_EQ(rec.field_count, 4u);
  ASSERT_TRUE(tok.Next(&rec, 2));
  EXPECT_EQ(rec.line, 3u);
  EXPECT_EQ(Fields(rec), (Views{"x", "y"}));
  EXPECT_EQ(rec.field_count, 2u);
  EXPECT_FALSE(tok.Next(&rec, 2));
}

TEST(Csv, MaxFieldsFallsBackToFullCsvWhenTheRestHasQuotes) {
  CsvTokenizer tok("a,b,\"c,d\",e\nf,g,h\n", ',', "t.csv");
  CsvRecord rec;
  ASSERT_TRUE(tok.Next(&rec, 2));
  EXPECT_EQ(rec.field_count, 4u);  // the quoted comma is not a delimiter
  ASSERT_GE(rec.fields.size(), 3u);
  EXPECT_EQ(rec.fields[2], "c,d");
  ASSERT_TRUE(tok.Next(&rec, 2));
  EXPECT_EQ(rec.fields[0], "f");
  EXPECT_EQ(rec.field_count, 3u);
}

TEST(Csv, RetryRecordInFullReadsTheSameRecordAgain) {
  CsvTokenizer tok("a|b|c|\nd|e\n", '|', "t.csv");
  CsvRecord rec;
  ASSERT_TRUE(tok.Next(&rec, 1));
  EXPECT_EQ(rec.field_count, 4u);
  tok.RetryRecordInFull();
  ASSERT_TRUE(tok.Next(&rec));
  EXPECT_EQ(Fields(rec), (Views{"a", "b", "c", ""}));
  ASSERT_TRUE(tok.Next(&rec));
  EXPECT_EQ(rec.line, 2u);
}

TEST(Csv, FieldsAcrossTheSixtyFourByteWindow) {
  // Field ends are found through 64-byte masks: fields of every length around
  // the window edges, and a text that does not end in a terminator.
  std::string text;
  std::vector<std::string> want;
  for (size_t len = 0; len < 200; len += 7) {
    want.push_back(std::string(len, static_cast<char>('a' + len % 26)));
    text += want.back() + "|";
  }
  text.pop_back();
  for (const std::string& eol : {std::string("\n"), std::string("")}) {
    const std::string input = text + eol;  // the tokenizer keeps a view
    CsvTokenizer tok(input, '|', "t.csv");
    CsvRecord rec;
    ASSERT_TRUE(tok.Next(&rec));
    ASSERT_EQ(rec.fields.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(rec.fields[i], want[i]) << i;
    EXPECT_FALSE(tok.Next(&rec));
  }
}

TEST(Csv, ProtectedKeyAtEveryWindowOffset) {
  // A ="..." field may start on any byte of a 64-byte window, its quote on the next window.
  for (size_t pad = 0; pad < 70; ++pad) {
    const std::string input = std::string(pad, 'x') + "|=\"0101B0100\"|7\n";
    CsvTokenizer tok(input, '|', "t.csv");
    CsvRecord rec;
    ASSERT_TRUE(tok.Next(&rec));
    ASSERT_EQ(rec.fields.size(), 3u) << pad;
    EXPECT_EQ(rec.fields[1], "0101B0100") << pad;
    EXPECT_EQ(rec.fields[2], "7") << pad;
  }
}

TEST(Csv, QuotedFieldFollowedByTextIsKept) {
  EXPECT_EQ(All("\"ab\"cd|e\n", '|'), (Rows{{"abcd", "e"}}));
}

}  // namespace
}  // namespace prep::formats
