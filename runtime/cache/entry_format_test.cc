#include "runtime/cache/entry_format.h"

#include <algorithm>
#include <optional>

#include "absl/strings/match.h"
#include "catch2/catch.hpp"
#include "runtime/cache/testing/test_module.h"
#include "testing/status_matchers.h"

namespace kiln::runtime::cache {
namespace {

using ::kiln::testing::IsOk;
using ::kiln::testing::StatusIs;

bool SameCode(const backend::CompiledCode& a, const backend::CompiledCode& b) {
  auto same_functions = [](const auto& x, const auto& y) {
    return x.offset == y.offset && x.size == y.size;
  };
  auto same_sites = [](const auto& x, const auto& y) {
    return x.code_offset == y.code_offset && x.code == y.code;
  };
  auto same_stubs = [](const auto& x, const auto& y) {
    return x.type == y.type && x.offset == y.offset;
  };
  return a.isa == b.isa && a.cpu_features == b.cpu_features && a.code == b.code &&
         a.landing_pad_offset == b.landing_pad_offset &&
         std::equal(a.functions.begin(), a.functions.end(), b.functions.begin(),
                    b.functions.end(), same_functions) &&
         std::equal(a.trap_sites.begin(), a.trap_sites.end(), b.trap_sites.begin(),
                    b.trap_sites.end(), same_sites) &&
         std::equal(a.entry_trampolines.begin(), a.entry_trampolines.end(),
                    b.entry_trampolines.begin(), b.entry_trampolines.end(), same_stubs) &&
         std::equal(a.host_call_stubs.begin(), a.host_call_stubs.end(),
                    b.host_call_stubs.begin(), b.host_call_stubs.end(), same_stubs);
}

// A hand-made CompiledCode small enough to fuzz exhaustively, with every kind of table entry.
backend::CompiledCode SmallCode() {
  backend::CompiledCode code;
  code.cpu_features = backend::kCpuSse41 | backend::kCpuLzcnt;
  code.code = {0x55, 0x48, 0x89, 0xe5, 0x0f, 0x0b, 0x5d, 0xc3, 0x90, 0xc3, 0xcc, 0xc3};
  code.functions = {{0, 8}, {8, 2}};
  code.trap_sites = {{4, trap::TrapCode::kUnreachable}, {5, trap::TrapCode::kUnreachable}};
  code.entry_trampolines = {{wasm::FuncType{{wasm::ValType::kI32}, {wasm::ValType::kI64}}, 9}};
  code.host_call_stubs = {{wasm::FuncType{{}, {wasm::ValType::kF64, wasm::ValType::kV128}}, 10}};
  code.landing_pad_offset = 11;
  return code;
}

CacheKey SmallKey() {
  CacheKey key;
  key.module_sha256.fill(0xab);
  key.compiler_version = "0.1.0-dev build-id 00";
  key.cpu_features = backend::kCpuSse41 | backend::kCpuLzcnt | backend::kCpuPopcnt;
  key.core_features = 0x7f;
  return key;
}

TEST_CASE("cache entry starts with the magic line and the manifest, then an empty line",
          "[cache][entry]") {
  std::vector<uint8_t> bytes = SerializeEntry(SmallKey(), SmallCode());
  std::string text(bytes.begin(), bytes.end());
  CHECK(absl::StartsWith(text, absl::StrCat("kiln compilation cache entry, format 1\n",
                                            SmallKey().Manifest(), "\n")));
  absl::StatusOr<std::string> manifest = ReadManifest(bytes);
  REQUIRE_THAT(manifest.status(), IsOk());
  CHECK(*manifest == SmallKey().Manifest());
}

TEST_CASE("cache entry round-trips a hand-made CompiledCode", "[cache][entry]") {
  auto entry = ParseEntry(SerializeEntry(SmallKey(), SmallCode()));
  REQUIRE_THAT(entry.status(), IsOk());
  CHECK(entry->first == SmallKey());
  CHECK(SameCode(entry->second, SmallCode()));
}

TEST_CASE("cache entry round-trips a compiled module", "[cache][entry]") {
  std::vector<uint8_t> module = testing::WatBytes(testing::kTestModuleWat);
  backend::CompiledCode code = testing::CompileForHost(module);
  REQUIRE(code.functions.size() == 4);
  REQUIRE_FALSE(code.trap_sites.empty());
  CacheKey key = testing::HostKey(module);
  auto entry = ParseEntry(SerializeEntry(key, code));
  REQUIRE_THAT(entry.status(), IsOk());
  CHECK(entry->first == key);
  CHECK(SameCode(entry->second, code));
}

TEST_CASE("cache entry parsing rejects every truncation", "[cache][entry]") {
  const std::vector<uint8_t> bytes = SerializeEntry(SmallKey(), SmallCode());
  for (size_t length = 0; length < bytes.size(); ++length) {
    CAPTURE(length);
    auto entry = ParseEntry(absl::MakeConstSpan(bytes.data(), length));
    REQUIRE_THAT(entry.status(), StatusIs(absl::StatusCode::kDataLoss, ""));
    // Only a file cut inside its header is described by the header check.
    if (length > bytes.size() - 40) {
      CHECK_THAT(entry.status(), StatusIs(absl::StatusCode::kDataLoss, "truncated"));
    }
  }
}

TEST_CASE("cache entry parsing rejects every single-byte change", "[cache][entry]") {
  const std::vector<uint8_t> bytes = SerializeEntry(SmallKey(), SmallCode());
  for (size_t at = 0; at < bytes.size(); ++at) {
    for (uint8_t flip : {0x01, 0x80, 0xff}) {
      CAPTURE(at, flip);
      std::vector<uint8_t> damaged = bytes;
      damaged[at] ^= flip;
      REQUIRE_THAT(ParseEntry(damaged).status(), StatusIs(absl::StatusCode::kDataLoss, ""));
    }
  }
}

// ParseInParts reads `bytes` as the directory cache reads a file: LocateCode on its head, then
// ParseEntryParts on the three parts (nullopt when LocateCode refuses the head).
std::optional<absl::StatusOr<std::pair<CacheKey, backend::CompiledCode>>> ParseInParts(
    absl::Span<const uint8_t> bytes) {
  absl::StatusOr<EntryLayout> layout =
      LocateCode(bytes.first(std::min(bytes.size(), kEntryHeadBytes)), bytes.size());
  if (!layout.ok()) return std::nullopt;
  REQUIRE(layout->code_begin + layout->code_size <= bytes.size());
  const size_t code_end = layout->code_begin + layout->code_size;
  return ParseEntryParts(
      bytes.first(layout->code_begin),
      std::vector<uint8_t>(bytes.begin() + layout->code_begin, bytes.begin() + code_end),
      bytes.subspan(code_end));
}

TEST_CASE("cache entry parsed in parts gives what ParseEntry gives", "[cache][entry]") {
  const std::vector<uint8_t> bytes = SerializeEntry(SmallKey(), SmallCode());
  auto whole = ParseInParts(bytes);
  REQUIRE(whole.has_value());
  REQUIRE_THAT(whole->status(), IsOk());
  CHECK((*whole)->first == SmallKey());
  CHECK(SameCode((*whole)->second, SmallCode()));

  // Every truncation and single-byte change is refused by LocateCode, or rejected by
  // ParseEntryParts with ParseEntry's status.
  for (size_t length = 0; length < bytes.size(); ++length) {
    CAPTURE(length);
    auto cut = absl::MakeConstSpan(bytes.data(), length);
    auto parts = ParseInParts(cut);
    if (parts.has_value()) CHECK(parts->status() == ParseEntry(cut).status());
  }
  for (size_t at = 0; at < bytes.size(); ++at) {
    for (uint8_t flip : {0x01, 0x80, 0xff}) {
      CAPTURE(at, flip);
      std::vector<uint8_t> damaged = bytes;
      damaged[at] ^= flip;
      auto parts = ParseInParts(damaged);
      if (!parts.has_value()) continue;
      REQUIRE_THAT(parts->status(), StatusIs(absl::StatusCode::kDataLoss, ""));
      CHECK(parts->status() == ParseEntry(damaged).status());
    }
  }
}

TEST_CASE("cache entry parsing names what is wrong", "[cache][entry]") {
  std::vector<uint8_t> bytes = SerializeEntry(SmallKey(), SmallCode());
  SECTION("not an entry") {
    std::vector<uint8_t> other = {'\0', 'a', 's', 'm', 1, 0, 0, 0};
    CHECK_THAT(ParseEntry(other).status(),
               StatusIs(absl::StatusCode::kDataLoss, "not a kiln compilation cache entry"));
    CHECK_THAT(ReadManifest(other).status(),
               StatusIs(absl::StatusCode::kDataLoss, "not a kiln compilation cache entry"));
  }
  SECTION("another format") {
    bytes[kEntryMagicLine.size() - 1] = '2';
    CHECK_THAT(ParseEntry(bytes).status(),
               StatusIs(absl::StatusCode::kDataLoss, "format '2' is not supported"));
  }
  SECTION("trailing bytes") {
    bytes.push_back(0);
    CHECK_THAT(ParseEntry(bytes).status(),
               StatusIs(absl::StatusCode::kDataLoss, "1 trailing bytes after its checksum"));
  }
  SECTION("damaged code") {
    bytes[bytes.size() - 40] ^= 4;
    CHECK_THAT(ParseEntry(bytes).status(),
               StatusIs(absl::StatusCode::kDataLoss, "checksum mismatch"));
  }
  SECTION("empty file") {
    CHECK_THAT(ParseEntry({}).status(), StatusIs(absl::StatusCode::kDataLoss, "truncated"));
  }
}

}  // namespace
}  // namespace kiln::runtime::cache
