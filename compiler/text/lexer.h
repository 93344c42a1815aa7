// Lexer for the WebAssembly text format and the spec's script format: turns source text into
// tokens (parentheses, keywords, $ids, strings, numbers), skipping whitespace, line comments
// (;; ...) and nested block comments ((; ... ;)). Shared by the module parser (wat_parser.h) and
// the script parser (script.h).
#ifndef KILN_COMPILER_TEXT_LEXER_H_
#define KILN_COMPILER_TEXT_LEXER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiln::text {

// TokenKind classifies a token.
enum class TokenKind : uint8_t {
  kLParen,
  kRParen,
  kKeyword,   // starts with a lowercase letter: module, i32.add, offset=4, nan:canonical
  kId,        // $name; text includes the '$' (and for $"quoted" ids, `value` holds the name)
              // `value` is "$" + the name for both forms, so $abc and $"abc" compare equal
  kString,    // "..."; `value` holds the decoded bytes
  kNumber,    // starts with a digit or a sign: 1, -0x1p3, +inf, nan:0x200000, 1_000
  kReserved,  // anything else the lexer could split off (always an error where it is used)
              // e.g. 0drop, 1x, $l"a" and "a""b": tokens not separated by space or parens
  kEof,
};

// Token is one token of the source; `text` views the source as written.
struct Token {
  TokenKind kind = TokenKind::kEof;
  absl::string_view text;
  std::string value;  // decoded contents of kString (and of quoted kId)
  uint32_t line = 1;  // 1-based
  uint32_t column = 1;
  uint32_t offset = 0;  // byte offset in the source
};

// Tokenize splits `source` into tokens, ending with one kEof token. The returned tokens view
// `source`, which must outlive them. Errors (unterminated string or comment, bad escape,
// malformed UTF-8 in a string or comment) are kInvalidArgument with "line:column" in the message.
absl::StatusOr<std::vector<Token>> Tokenize(absl::string_view source);

// TokenCursor walks a token vector; parsers take it by reference and advance it.
class TokenCursor {
 public:
  explicit TokenCursor(const std::vector<Token>& tokens) : tokens_(&tokens) {}

  const Token& Peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < tokens_->size() ? (*tokens_)[i] : tokens_->back();
  }
  const Token& Next() {
    const Token& t = Peek();
    if (pos_ < tokens_->size() - 1) ++pos_;
    return t;
  }
  size_t Position() const { return pos_; }
  void Reset(size_t pos) { pos_ = pos; }
  bool AtEof() const { return Peek().kind == TokenKind::kEof; }

  // PeekIsListOf is true when the next tokens are "(" followed by keyword `keyword`.
  bool PeekIsListOf(absl::string_view keyword) const {
    return Peek().kind == TokenKind::kLParen && Peek(1).kind == TokenKind::kKeyword &&
           Peek(1).text == keyword;
  }

  // SkipList moves past a balanced parenthesised list that starts at the cursor.
  void SkipList();

 private:
  const std::vector<Token>* tokens_;
  size_t pos_ = 0;
};

// Location formats a token's position as "line:column".
std::string Location(const Token& token);

}  // namespace kiln::text

#endif  // KILN_COMPILER_TEXT_LEXER_H_
