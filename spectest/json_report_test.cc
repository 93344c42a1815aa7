// Tests of the runner's JSON report: the exact shape, null errors, and string escaping that
// keeps the output valid JSON whatever bytes a message holds.
#include "spectest/json_report.h"

#include <string>
#include <vector>

#include "catch2/catch.hpp"

namespace kiln::spectest {
namespace {

TEST_CASE("json strings escape quotes, backslashes and control characters",
          "[spectest][json]") {
  CHECK(JsonString("plain") == "\"plain\"");
  CHECK(JsonString("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(JsonString("\n\r\t") == "\"\\n\\r\\t\"");
  CHECK(JsonString(std::string("\x01\x1f\x7f\0", 4)) == "\"\\u0001\\u001f\\u007f\\u0000\"");
}

TEST_CASE("json strings keep valid UTF-8 and replace invalid bytes", "[spectest][json]") {
  CHECK(JsonString("Heiße Würstchen") == "\"Heiße Würstchen\"");
  CHECK(JsonString("\xf0\x9f\x98\x80") == "\"\xf0\x9f\x98\x80\"");
  CHECK(JsonString("a\x80z") == "\"a\\ufffdz\"");
  CHECK(JsonString("\xc0\x80") == "\"\\ufffd\\ufffd\"");
  CHECK(JsonString("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");
  CHECK(JsonString("\xe1\x80") == "\"\\ufffd\\ufffd\"");
}

TEST_CASE("json report has the documented shape", "[spectest][json]") {
  std::vector<FileReport> files(2);
  files[0].file = "core-2.0/a.wast";
  files[0].commands.push_back({3, "module", Result::kPass, "", false});
  files[0].commands.push_back(
      {7, "assert_invalid", Result::kFail, "expected \"type mismatch\"", false});
  files[0].commands.push_back({9, "assert_return", Result::kSkip, "needs execution", false});
  files[1].file = "core-2.0/b.wast";
  files[1].error = "cannot read b.wast";
  CHECK(JsonReport(files) ==
        "{\"files\":[\n"
        "{\"file\":\"core-2.0/a.wast\",\"error\":null,\"commands\":[\n"
        " {\"line\":3,\"type\":\"module\",\"result\":\"pass\",\"detail\":\"\"},\n"
        " {\"line\":7,\"type\":\"assert_invalid\",\"result\":\"fail\","
        "\"detail\":\"expected \\\"type mismatch\\\"\"},\n"
        " {\"line\":9,\"type\":\"assert_return\",\"result\":\"skip\","
        "\"detail\":\"needs execution\"}]},\n"
        "{\"file\":\"core-2.0/b.wast\",\"error\":\"cannot read b.wast\",\"commands\":[]}\n"
        "]}\n");
  CHECK(JsonReport({}) == "{\"files\":[\n]}\n");
}

}  // namespace
}  // namespace kiln::spectest
