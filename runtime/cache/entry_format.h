// The file format of one compilation cache entry (docs/cache.md, "Entry format"):
//
//   kiln compilation cache entry, format 1\n      magic line: what the file is, which format
//   module-sha256: 9f86d0...\n                      the key's manifest (CacheKey::Manifest)
//   ...\n
//   \n                                              an empty line ends the readable header
//   <payload>                                       backend::CompiledCode, little-endian
//   <32 bytes>                                      SHA-256 of every byte before it
//
// `head -9 entry.kiln` shows what an entry is for. The payload starts with its own length, so
// a truncated file is told apart from a damaged one.
#ifndef KILN_RUNTIME_CACHE_ENTRY_FORMAT_H_
#define KILN_RUNTIME_CACHE_ENTRY_FORMAT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "backend/common/compiled_code.h"
#include "runtime/cache/cache_key.h"

namespace kiln::runtime::cache {

// kEntryMagicLine is the first line of every entry, without its newline.
inline constexpr absl::string_view kEntryMagicLine = "kiln compilation cache entry, format 1";

// SerializeEntry renders `code` compiled for `key` as an entry file's bytes.
std::vector<uint8_t> SerializeEntry(const CacheKey& key, const backend::CompiledCode& code);

// ParseEntry reads an entry back. kDataLoss, with a message saying what is wrong, when the
// magic or format is not this one, the file is truncated or has trailing bytes, the checksum
// does not match, or the payload is inconsistent. Never reads outside `bytes`.
absl::StatusOr<std::pair<CacheKey, backend::CompiledCode>> ParseEntry(
    absl::Span<const uint8_t> bytes);

// ReadManifest returns only the readable manifest at the start of an entry (without the magic
// line and the empty line), checking neither the payload nor the checksum; kDataLoss when the
// file does not start like an entry.
absl::StatusOr<std::string> ReadManifest(absl::Span<const uint8_t> bytes);

}  // namespace kiln::runtime::cache

#endif  // KILN_RUNTIME_CACHE_ENTRY_FORMAT_H_
