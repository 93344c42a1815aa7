#include "compiler/base/utf8.h"

#include <string>

#include "catch2/catch.hpp"

namespace kiln::base {
namespace {

TEST_CASE("utf8 accepts well-formed sequences of every length", "[base][utf8]") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain ascii longer than eight bytes"));
  CHECK(IsValidUtf8("\xc2\x80"));              // U+0080, smallest two-byte
  CHECK(IsValidUtf8("\xe0\xa0\x80"));          // U+0800, smallest three-byte
  CHECK(IsValidUtf8("\xed\x9f\xbf"));          // U+D7FF, just below the surrogates
  CHECK(IsValidUtf8("\xf0\x90\x80\x80"));      // U+10000, smallest four-byte
  CHECK(IsValidUtf8("\xf4\x8f\xbf\xbf"));      // U+10FFFF, the largest code point
  CHECK(IsValidUtf8("abcdefgh\xe2\x82\xac"));  // ASCII run then the euro sign
}

TEST_CASE("utf8 rejects overlong forms, surrogates, large code points and truncation",
          "[base][utf8]") {
  auto [text, why] = GENERATE(table<std::string, std::string>({
      {"\xc0\x80", "overlong two-byte NUL"},
      {"\xc1\xbf", "overlong two-byte"},
      {"\xe0\x9f\xbf", "overlong three-byte"},
      {"\xed\xa0\x80", "surrogate U+D800"},
      {"\xf0\x8f\xbf\xbf", "overlong four-byte"},
      {"\xf4\x90\x80\x80", "above U+10FFFF"},
      {"\xf5\x80\x80\x80", "invalid lead byte"},
      {"\x80", "lone continuation byte"},
      {"\xe2\x82", "truncated three-byte"},
      {"abcdefgh\xc2", "truncated after an ASCII run"},
      {"\xc2\x41", "second byte not a continuation"},
  }));
  CAPTURE(why);
  CHECK_FALSE(IsValidUtf8(text));
}

TEST_CASE("utf8 sequence length reads one sequence at a position", "[base][utf8]") {
  const std::string text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xff";
  CHECK(Utf8SequenceLength(text, 0) == 1);
  CHECK(Utf8SequenceLength(text, 1) == 2);
  CHECK(Utf8SequenceLength(text, 3) == 3);
  CHECK(Utf8SequenceLength(text, 6) == 4);
  CHECK(Utf8SequenceLength(text, 10) == 0);
  CHECK(Utf8SequenceLength(text, 2) == 0);  // a continuation byte starts nothing
}

}  // namespace
}  // namespace kiln::base
