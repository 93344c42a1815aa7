// The lexer of the text format. It works by maximal munch as the spec asks: after whitespace,
// comments and parentheses are split off, the longest run of idchars and strings forms one
// token, which is then classified. A run that is not exactly one keyword, id, number or string
// ("0drop", "$l\"a\"", "1x") becomes a kReserved token, so the parser can reject it with the
// spec's "unknown operator". Raw source bytes must be valid UTF-8 wherever they may appear
// (strings, comments); escapes in strings may produce arbitrary bytes.
#include "compiler/text/lexer.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "compiler/base/check.h"
#include "compiler/base/utf8.h"
#include "compiler/text/numbers.h"

namespace kiln::text {
namespace {

// IsIdChar is the spec's idchar: printable ASCII except space, quotes, parens, comma,
// semicolon and brackets.
bool IsIdChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '/': case ':': case '<': case '=': case '>': case '?':
    case '@': case '\\': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

using base::IsValidUtf8;
using base::Utf8SequenceLength;

void AppendUtf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3f)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3f)));
  }
}

// Lexer holds the scanning position; one instance tokenizes one source.
class Lexer {
 public:
  explicit Lexer(absl::string_view source) : source_(source) {}

  absl::StatusOr<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    while (true) {
      absl::Status skipped = SkipBlanks();
      if (!skipped.ok()) return skipped;
      Token token = StartToken();
      if (pos_ >= source_.size()) {
        tokens.push_back(token);
        return tokens;
      }
      char c = source_[pos_];
      if (c == '(' || c == ')') {
        Advance(1);
        token.kind = c == '(' ? TokenKind::kLParen : TokenKind::kRParen;
        token.text = source_.substr(token.offset, 1);
      } else {
        absl::Status status = ScanRun(token);
        if (!status.ok()) return status;
      }
      tokens.push_back(std::move(token));
    }
  }

 private:
  Token StartToken() const {
    Token token;
    token.line = line_;
    token.column = column_;
    token.offset = static_cast<uint32_t>(pos_);
    return token;
  }

  absl::Status Error(absl::string_view message, uint32_t line, uint32_t column) const {
    return absl::InvalidArgumentError(absl::StrCat(message, " at ", line, ":", column));
  }
  absl::Status ErrorHere(absl::string_view message) const {
    return Error(message, line_, column_);
  }

  // Advance moves over `n` bytes that contain no line break.
  void Advance(size_t n) {
    pos_ += n;
    column_ += static_cast<uint32_t>(n);
  }

  // AdvanceAny moves over one byte, counting lines: "\n", "\r" and "\r\n" each end a line.
  void AdvanceAny() {
    char c = source_[pos_++];
    if (c == '\n' || (c == '\r' && (pos_ >= source_.size() || source_[pos_] != '\n'))) {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
  }

  bool LookingAt(absl::string_view s) const { return source_.substr(pos_, s.size()) == s; }

  // SkipBlanks skips whitespace and comments.
  absl::Status SkipBlanks() {
    while (pos_ < source_.size()) {
      char c = source_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        AdvanceAny();
      } else if (LookingAt(";;")) {
        absl::Status status = SkipLineComment();
        if (!status.ok()) return status;
      } else if (LookingAt("(;")) {
        absl::Status status = SkipBlockComment();
        if (!status.ok()) return status;
      } else {
        break;
      }
    }
    return absl::OkStatus();
  }

  // SkipCommentChar moves over one character of a comment, which may be any valid UTF-8
  // (control characters included).
  absl::Status SkipCommentChar() {
    size_t n = Utf8SequenceLength(source_, pos_);
    if (n == 0) return ErrorHere("malformed UTF-8 encoding");
    if (n == 1) {
      AdvanceAny();
    } else {
      Advance(n);
    }
    return absl::OkStatus();
  }

  absl::Status SkipLineComment() {
    while (pos_ < source_.size() && source_[pos_] != '\n' && source_[pos_] != '\r') {
      absl::Status status = SkipCommentChar();
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }

  absl::Status SkipBlockComment() {
    uint32_t line = line_, column = column_;
    int depth = 0;
    while (pos_ < source_.size()) {
      if (LookingAt("(;")) {
        ++depth;
        Advance(2);
      } else if (LookingAt(";)")) {
        Advance(2);
        if (--depth == 0) return absl::OkStatus();
      } else {
        absl::Status status = SkipCommentChar();
        if (!status.ok()) return status;
      }
    }
    return Error("unclosed comment", line, column);
  }

  // ScanString scans a string literal at the cursor (on its opening quote), appending the
  // decoded bytes to `value`.
  absl::Status ScanString(std::string& value) {
    uint32_t line = line_, column = column_;
    Advance(1);
    while (true) {
      if (pos_ >= source_.size() || source_[pos_] == '\n' || source_[pos_] == '\r') {
        return Error("unclosed string literal", line, column);
      }
      unsigned char c = static_cast<unsigned char>(source_[pos_]);
      if (c == '"') {
        Advance(1);
        return absl::OkStatus();
      }
      if (c < 0x20 || c == 0x7f) return ErrorHere("illegal control character");
      if (c == '\\') {
        absl::Status status = ScanEscape(value);
        if (!status.ok()) return status;
        continue;
      }
      size_t n = Utf8SequenceLength(source_, pos_);
      if (n == 0) return ErrorHere("malformed UTF-8 encoding");
      value.append(source_.data() + pos_, n);
      Advance(n);
    }
  }

  absl::Status ScanEscape(std::string& value) {
    uint32_t line = line_, column = column_;
    auto illegal = [&] { return Error("illegal escape", line, column); };
    Advance(1);
    if (pos_ >= source_.size()) return illegal();
    char c = source_[pos_];
    switch (c) {
      case 't': value.push_back('\t'); Advance(1); return absl::OkStatus();
      case 'n': value.push_back('\n'); Advance(1); return absl::OkStatus();
      case 'r': value.push_back('\r'); Advance(1); return absl::OkStatus();
      case '"': case '\'': case '\\':
        value.push_back(c);
        Advance(1);
        return absl::OkStatus();
      case 'u':
        return ScanUnicodeEscape(value, line, column);
      default:
        break;
    }
    if (pos_ + 1 < source_.size() && HexValue(c) >= 0 && HexValue(source_[pos_ + 1]) >= 0) {
      value.push_back(static_cast<char>(HexValue(c) * 16 + HexValue(source_[pos_ + 1])));
      Advance(2);
      return absl::OkStatus();
    }
    return illegal();
  }

  // ScanUnicodeEscape scans `u{hexnum}` (the backslash is behind the cursor).
  absl::Status ScanUnicodeEscape(std::string& value, uint32_t line, uint32_t column) {
    auto illegal = [&] { return Error("illegal escape", line, column); };
    Advance(1);
    if (!LookingAt("{")) return illegal();
    Advance(1);
    uint32_t code_point = 0;
    bool any_digit = false, last_was_digit = false;
    while (pos_ < source_.size() && source_[pos_] != '}') {
      char c = source_[pos_];
      if (c == '_' && last_was_digit) {
        last_was_digit = false;
      } else if (HexValue(c) >= 0) {
        code_point = code_point * 16 + HexValue(c);
        if (code_point >= 0x110000) return illegal();
        any_digit = last_was_digit = true;
      } else {
        return illegal();
      }
      Advance(1);
    }
    if (pos_ >= source_.size() || !any_digit || !last_was_digit) return illegal();
    Advance(1);
    if (code_point >= 0xd800 && code_point < 0xe000) return illegal();
    AppendUtf8(code_point, value);
    return absl::OkStatus();
  }

  // ScanRun scans the longest run of idchars, strings and other non-delimiters, then
  // classifies it.
  absl::Status ScanRun(Token& token) {
    RunShape shape;
    while (pos_ < source_.size()) {
      unsigned char c = static_cast<unsigned char>(source_[pos_]);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')') break;
      if (LookingAt(";;")) break;
      if (c == '"') {
        ++shape.string_count;
        shape.string_start = pos_ - token.offset;
        shape.string_value.clear();
        absl::Status status = ScanString(shape.string_value);
        if (!status.ok()) return status;
        shape.string_end = pos_ - token.offset;
        continue;
      }
      if (c < 0x20 || c == 0x7f) return ErrorHere("illegal character");
      if (c >= 0x80) {
        size_t n = Utf8SequenceLength(source_, pos_);
        if (n == 0) return ErrorHere("malformed UTF-8 encoding");
        shape.only_idchars = false;
        Advance(n);
        continue;
      }
      if (!IsIdChar(c)) shape.only_idchars = false;  // , ; [ ] { }
      Advance(1);
    }
    token.text = source_.substr(token.offset, pos_ - token.offset);
    Classify(token, std::move(shape));
    if (token.kind == TokenKind::kId && token.text.size() > 1 && token.text[1] == '"') {
      if (!IsValidUtf8(token.value)) {
        return Error("malformed UTF-8 encoding", token.line, token.column);
      }
      if (token.value.size() == 1) return Error("empty identifier", token.line, token.column);
    }
    return absl::OkStatus();
  }

  // RunShape summarises a run for Classify: its strings (offsets relative to the run) and
  // whether everything else in it was an idchar.
  struct RunShape {
    size_t string_count = 0;
    size_t string_start = 0;
    size_t string_end = 0;
    std::string string_value;  // of the last string
    bool only_idchars = true;
  };

  static void Classify(Token& token, RunShape shape) {
    absl::string_view text = token.text;
    KILN_CHECK(!text.empty());
    token.kind = TokenKind::kReserved;
    if (shape.string_count == 1 && shape.string_end == text.size() && shape.only_idchars) {
      if (shape.string_start == 0) {
        token.kind = TokenKind::kString;
        token.value = std::move(shape.string_value);
      } else if (shape.string_start == 1 && text[0] == '$') {
        // A quoted id: `value` is "$" plus the decoded name, so that $"abc" and $abc agree.
        token.kind = TokenKind::kId;
        token.value = absl::StrCat("$", shape.string_value);
      }
      return;
    }
    if (shape.string_count != 0 || !shape.only_idchars) return;
    if (text[0] == '$') {
      if (text.size() > 1) {
        token.kind = TokenKind::kId;
        token.value = std::string(text);
      }
      return;
    }
    if (IsNumberLiteral(text)) {
      token.kind = TokenKind::kNumber;
    } else if (text[0] >= 'a' && text[0] <= 'z') {
      token.kind = TokenKind::kKeyword;
    }
  }

  absl::string_view source_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t column_ = 1;
};

}  // namespace

absl::StatusOr<std::vector<Token>> Tokenize(absl::string_view source) {
  return Lexer(source).Run();
}

void TokenCursor::SkipList() {
  if (Peek().kind != TokenKind::kLParen) return;
  int depth = 0;
  do {
    const Token& token = Next();
    if (token.kind == TokenKind::kLParen) {
      ++depth;
    } else if (token.kind == TokenKind::kRParen) {
      --depth;
    } else if (token.kind == TokenKind::kEof) {
      return;
    }
  } while (depth > 0);
}

std::string Location(const Token& token) { return absl::StrCat(token.line, ":", token.column); }

}  // namespace kiln::text
