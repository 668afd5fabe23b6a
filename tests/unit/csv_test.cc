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

}  // namespace
}  // namespace prep::formats
