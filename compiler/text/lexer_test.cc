// Tests of the text-format lexer: token kinds, maximal munch into reserved tokens, strings and
// their escapes, comments, line counting and the spec's error messages.
#include "compiler/text/lexer.h"

#include <string>
#include <vector>

#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln::text {
namespace {

using ::kiln::testing::StatusIs;

std::vector<Token> Lex(absl::string_view source) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(source);
  INFO(source);
  REQUIRE(tokens.ok());
  return *tokens;
}

std::vector<TokenKind> Kinds(absl::string_view source) {
  std::vector<TokenKind> kinds;
  for (const Token& token : Lex(source)) kinds.push_back(token.kind);
  return kinds;
}

TokenKind SingleKind(absl::string_view source) {
  std::vector<Token> tokens = Lex(source);
  INFO(source);
  REQUIRE(tokens.size() == 2);
  REQUIRE(tokens[0].text == source);
  return tokens[0].kind;
}

absl::Status LexError(absl::string_view source) { return Tokenize(source).status(); }

TEST_CASE("lexer splits a module into parentheses, keywords, ids, numbers and strings",
          "[text][lexer]") {
  std::vector<Token> tokens = Lex("(module $m (func (export \"f\") (i32.const -7)))");
  std::vector<std::string> texts;
  for (const Token& token : tokens) texts.emplace_back(token.text);
  CHECK(texts == std::vector<std::string>{"(", "module", "$m", "(", "func", "(", "export",
                                          "\"f\"", ")", "(", "i32.const", "-7", ")", ")",
                                          ")", ""});
  CHECK(tokens[1].kind == TokenKind::kKeyword);
  CHECK(tokens[2].kind == TokenKind::kId);
  CHECK(tokens[7].kind == TokenKind::kString);
  CHECK(tokens[7].value == "f");
  CHECK(tokens[11].kind == TokenKind::kNumber);
  CHECK(tokens.back().kind == TokenKind::kEof);
}

TEST_CASE("lexer classifies single tokens", "[text][lexer]") {
  auto [source, kind] = GENERATE(table<const char*, TokenKind>({
      {"module", TokenKind::kKeyword},
      {"i32.const", TokenKind::kKeyword},
      {"offset=4", TokenKind::kKeyword},
      {"nan:canonical", TokenKind::kKeyword},
      {"nan:arithmetic", TokenKind::kKeyword},
      {"nan:1", TokenKind::kKeyword},
      {"i32.const0", TokenKind::kKeyword},
      {"$x", TokenKind::kId},
      {"$l$l", TokenKind::kId},
      {"$0", TokenKind::kId},
      {"$\"quoted name\"", TokenKind::kId},
      {"0", TokenKind::kNumber},
      {"1_000", TokenKind::kNumber},
      {"-0x1p3", TokenKind::kNumber},
      {"+inf", TokenKind::kNumber},
      {"inf", TokenKind::kNumber},
      {"nan", TokenKind::kNumber},
      {"nan:0x200000", TokenKind::kNumber},
      {"-nan:0x1", TokenKind::kNumber},
      {"1.e5", TokenKind::kNumber},
      {"\"\"", TokenKind::kString},
      {"\"a\\\"b\"", TokenKind::kString},
      {"0drop", TokenKind::kReserved},
      {"1x", TokenKind::kReserved},
      {"0x", TokenKind::kReserved},
      {"_100", TokenKind::kReserved},
      {"1__000", TokenKind::kReserved},
      {"0$l", TokenKind::kReserved},
      {"$", TokenKind::kReserved},
      {"+", TokenKind::kReserved},
      {"Abc", TokenKind::kReserved},
      {"$l\"a\"", TokenKind::kReserved},
      {"\"a\"\"b\"", TokenKind::kReserved},
      {"\"a\"x", TokenKind::kReserved},
      {"0\"a\"", TokenKind::kReserved},
      {"a,b", TokenKind::kReserved},
      {"x;y", TokenKind::kReserved},
      {"caf\xc3\xa9", TokenKind::kReserved},
  }));
  CAPTURE(source);
  CHECK(SingleKind(source) == kind);
}

TEST_CASE("lexer splits tokens at parentheses and comments but nowhere else",
          "[text][lexer]") {
  CHECK(Kinds("(func(nop))") ==
        std::vector<TokenKind>{TokenKind::kLParen, TokenKind::kKeyword, TokenKind::kLParen,
                               TokenKind::kKeyword, TokenKind::kRParen, TokenKind::kRParen,
                               TokenKind::kEof});
  CHECK(Kinds("nop;;bla") == std::vector<TokenKind>{TokenKind::kKeyword, TokenKind::kEof});
  CHECK(Kinds("$f(;c;)0") ==
        std::vector<TokenKind>{TokenKind::kId, TokenKind::kNumber, TokenKind::kEof});
  CHECK(Kinds("(data \"a\";;x\n)") ==
        std::vector<TokenKind>{TokenKind::kLParen, TokenKind::kKeyword, TokenKind::kString,
                               TokenKind::kRParen, TokenKind::kEof});
}

TEST_CASE("lexer decodes string escapes", "[text][lexer]") {
  std::vector<Token> tokens = Lex(R"("\t\n\r\"\'\\\00\ff\u{41}\u{e9}\u{1F600}\u{10_FFFF}")");
  REQUIRE(tokens[0].kind == TokenKind::kString);
  CHECK(tokens[0].value == std::string("\t\n\r\"'\\\0\xff" "A\xc3\xa9\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", 19));
  CHECK(Lex("\"Heiße\"")[0].value == "Heiße");
}

TEST_CASE("lexer gives quoted ids their decoded name", "[text][lexer]") {
  std::vector<Token> tokens = Lex("$\"a\\u{62}c\" $abc");
  CHECK(tokens[0].kind == TokenKind::kId);
  CHECK(tokens[0].value == "$abc");
  CHECK(tokens[1].value == "$abc");
  CHECK(tokens[1].text == "$abc");
}

TEST_CASE("lexer skips nested block comments and line comments", "[text][lexer]") {
  CHECK(Kinds("(;a(;b;)c;)x") == std::vector<TokenKind>{TokenKind::kKeyword, TokenKind::kEof});
  CHECK(Kinds("(;;)(;comment\";)(;)));)") == std::vector<TokenKind>{TokenKind::kEof});
  CHECK(Kinds(";;;;;\n;; (;\nx") == std::vector<TokenKind>{TokenKind::kKeyword, TokenKind::kEof});
  CHECK(Kinds(std::string("(; \x01\x7f\0 ;)", 9)) == std::vector<TokenKind>{TokenKind::kEof});
  CHECK(Kinds(";; comment\rx") == std::vector<TokenKind>{TokenKind::kKeyword, TokenKind::kEof});
}

TEST_CASE("lexer counts lines and columns", "[text][lexer]") {
  std::vector<Token> tokens = Lex("a\n  b\r\nc\rd (;\n;) e");
  REQUIRE(tokens.size() == 6);
  CHECK(Location(tokens[0]) == "1:1");
  CHECK(Location(tokens[1]) == "2:3");
  CHECK(Location(tokens[2]) == "3:1");
  CHECK(Location(tokens[3]) == "4:1");
  CHECK(Location(tokens[4]) == "5:4");
  CHECK(tokens[4].offset == 17);
}

TEST_CASE("lexer reports the spec's messages for malformed input", "[text][lexer]") {
  CHECK_THAT(LexError("\"abc"), StatusIs(absl::StatusCode::kInvalidArgument,
                                         "unclosed string literal at 1:1"));
  CHECK_THAT(LexError("x \"ab\ncd\""),
             StatusIs(absl::StatusCode::kInvalidArgument, "unclosed string literal at 1:3"));
  CHECK_THAT(LexError("(; (; ;)"),
             StatusIs(absl::StatusCode::kInvalidArgument, "unclosed comment at 1:1"));
  CHECK_THAT(LexError("\"\\q\""), StatusIs(absl::StatusCode::kInvalidArgument, "illegal escape"));
  CHECK_THAT(LexError("\"\\0\""), StatusIs(absl::StatusCode::kInvalidArgument, "illegal escape"));
  CHECK_THAT(LexError("\"\\u{d800}\""),
             StatusIs(absl::StatusCode::kInvalidArgument, "illegal escape"));
  CHECK_THAT(LexError("\"\\u{110000}\""),
             StatusIs(absl::StatusCode::kInvalidArgument, "illegal escape"));
  CHECK_THAT(LexError("\"\\u{}\""), StatusIs(absl::StatusCode::kInvalidArgument, "illegal escape"));
  CHECK_THAT(LexError("\"a\tb\""),
             StatusIs(absl::StatusCode::kInvalidArgument, "illegal control character"));
  CHECK_THAT(LexError("\"\x80\""),
             StatusIs(absl::StatusCode::kInvalidArgument, "malformed UTF-8 encoding"));
  CHECK_THAT(LexError("\"\xc0\x80\""),
             StatusIs(absl::StatusCode::kInvalidArgument, "malformed UTF-8 encoding"));
  CHECK_THAT(LexError("\"\xed\xa0\x80\""),
             StatusIs(absl::StatusCode::kInvalidArgument, "malformed UTF-8 encoding"));
  CHECK_THAT(LexError(";; \xff"),
             StatusIs(absl::StatusCode::kInvalidArgument, "malformed UTF-8 encoding"));
  CHECK_THAT(LexError("(; \xe1\x80 ;)"),
             StatusIs(absl::StatusCode::kInvalidArgument, "malformed UTF-8 encoding"));
  CHECK_THAT(LexError("$\"\\ff\""),
             StatusIs(absl::StatusCode::kInvalidArgument, "malformed UTF-8 encoding"));
  CHECK_THAT(LexError("$\"\""), StatusIs(absl::StatusCode::kInvalidArgument, "empty identifier"));
}

TEST_CASE("escaped bytes in strings need not be UTF-8", "[text][lexer]") {
  CHECK(Lex("\"\\80\\c0\"")[0].value == "\x80\xc0");
}

TEST_CASE("token cursor skips balanced lists", "[text][lexer]") {
  std::vector<Token> tokens = Lex("(a (b (c)) d) e");
  TokenCursor cursor(tokens);
  cursor.SkipList();
  CHECK(cursor.Peek().text == "e");
  cursor.SkipList();  // not at a list: stays
  CHECK(cursor.Peek().text == "e");
  cursor.Next();
  CHECK(cursor.AtEof());
  cursor.Next();  // stays at the end
  CHECK(cursor.AtEof());

  std::vector<Token> unbalanced = Lex("(a (b)");
  TokenCursor open(unbalanced);
  open.SkipList();
  CHECK(open.AtEof());
}

TEST_CASE("token cursor recognises lists by their keyword", "[text][lexer]") {
  std::vector<Token> tokens = Lex("(module) (");
  TokenCursor cursor(tokens);
  CHECK(cursor.PeekIsListOf("module"));
  CHECK_FALSE(cursor.PeekIsListOf("func"));
  cursor.SkipList();
  CHECK_FALSE(cursor.PeekIsListOf("module"));
}

}  // namespace
}  // namespace kiln::text
