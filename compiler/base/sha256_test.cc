#include "compiler/base/sha256.h"

#include <string>
#include <vector>

#include "catch2/catch.hpp"

namespace kiln::base {
namespace {

std::string Hex(const std::string& message, Sha256::Implementation implementation) {
  Sha256 hasher(implementation);
  hasher.Update(message);
  return HexDigest(hasher.Finish());
}

TEST_CASE("sha256 matches the published test vectors", "[base][sha256]") {
  auto implementation = GENERATE(Sha256::Implementation::kPortable, Sha256::Implementation::kAuto);
  CAPTURE(static_cast<int>(implementation));
  // FIPS 180-2 appendix B and the NIST example values.
  CHECK(Hex("", implementation) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Hex("abc", implementation) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", implementation) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(Hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopq"
            "rlmnopqrsmnopqrstnopqrstu",
            implementation) ==
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  CHECK(Hex(std::string(1000000, 'a'), implementation) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 of a message fed in pieces equals the one-shot digest", "[base][sha256]") {
  std::string message;
  for (int i = 0; i < 1000; ++i) message.push_back(static_cast<char>(i * 7 + (i >> 3)));
  const std::string expected = Sha256Hex(message);
  for (size_t piece : {1, 3, 63, 64, 65, 127, 200}) {
    CAPTURE(piece);
    Sha256 hasher;
    for (size_t at = 0; at < message.size(); at += piece) {
      hasher.Update(absl::string_view(message).substr(at, piece));
    }
    CHECK(HexDigest(hasher.Finish()) == expected);
  }
}

TEST_CASE("sha256 hasher is reusable after Finish", "[base][sha256]") {
  Sha256 hasher;
  hasher.Update("something else");
  (void)hasher.Finish();
  hasher.Update("abc");
  CHECK(HexDigest(hasher.Finish()) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("sha256 with the SHA extensions agrees with the portable version on every length",
          "[base][sha256]") {
  if (!Sha256::ShaNiAvailable()) {
    WARN("this CPU has no SHA extensions: only the portable implementation is tested");
    return;
  }
  std::vector<uint8_t> bytes(4200);
  uint32_t seed = 12345;
  for (uint8_t& byte : bytes) {
    seed = seed * 1103515245 + 12345;
    byte = static_cast<uint8_t>(seed >> 16);
  }
  for (size_t length = 0; length <= bytes.size(); length += (length < 300 ? 1 : 37)) {
    CAPTURE(length);
    auto span = absl::MakeConstSpan(bytes.data(), length);
    Sha256 portable(Sha256::Implementation::kPortable);
    Sha256 sha_ni(Sha256::Implementation::kShaNi);
    portable.Update(span);
    sha_ni.Update(span);
    REQUIRE(portable.Finish() == sha_ni.Finish());
  }
}

}  // namespace
}  // namespace kiln::base
