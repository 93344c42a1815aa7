// Sha256: the SHA-256 digest (FIPS 180-4). The compilation cache keys every entry by the
// SHA-256 of the module's bytes, and computes it on every cached load, so it is on the hot path
// of instantiating from the cache: on x86_64 hosts with the SHA extensions the compression
// function uses them (chosen once at run time), elsewhere a portable implementation.
//
//   Sha256 hasher;
//   hasher.Update(part1);
//   hasher.Update(part2);
//   std::array<uint8_t, 32> digest = hasher.Finish();
//   std::string hex = Sha256Hex(bytes);  // one-shot, lowercase hex
#ifndef KILN_COMPILER_BASE_SHA256_H_
#define KILN_COMPILER_BASE_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace kiln::base {

// Sha256Digest is the 32-byte digest.
using Sha256Digest = std::array<uint8_t, 32>;

// Sha256 hashes a message given in any number of pieces.
class Sha256 {
 public:
  // Implementation selects the compression function (tests compare them).
  enum class Implementation { kAuto, kPortable, kShaNi };

  explicit Sha256(Implementation implementation = Implementation::kAuto);

  void Update(absl::Span<const uint8_t> data);
  void Update(absl::string_view data) {
    Update(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  }
  // Finish pads the message and returns the digest; the hasher is then reset.
  Sha256Digest Finish();

  // ShaNiAvailable is true when this CPU has the x86 SHA extensions (and SSE4.1).
  static bool ShaNiAvailable();

  using BlockFn = void (*)(uint32_t state[8], const uint8_t* blocks, size_t num_blocks);

 private:
  void Reset();

  BlockFn compress_;
  uint32_t state_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// Sha256Of is the digest of `data`.
Sha256Digest Sha256Of(absl::Span<const uint8_t> data);
Sha256Digest Sha256Of(absl::string_view data);

// HexDigest renders bytes as lowercase hex.
std::string HexDigest(absl::Span<const uint8_t> bytes);

// Sha256Hex is HexDigest(Sha256Of(data)).
std::string Sha256Hex(absl::Span<const uint8_t> data);
std::string Sha256Hex(absl::string_view data);

}  // namespace kiln::base

#endif  // KILN_COMPILER_BASE_SHA256_H_
