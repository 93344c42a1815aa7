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

#include <cstddef>
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

// Reading an entry from a file without a buffer of the whole file: the code blob is most of
// an entry (tens of megabytes for a large module), so a reader takes the first
// kEntryHeadBytes, asks LocateCode where the blob lies, reads the blob straight into the
// vector the CompiledCode keeps and the rest into a small buffer, and hands the three parts
// to ParseEntryParts.

// kEntryHeadBytes is enough of an entry's start for LocateCode (the longest header, the
// payload length and the fields before the code).
inline constexpr size_t kEntryHeadBytes = 4096 + 29;

// EntryLayout is where the code blob of an entry lies.
struct EntryLayout {
  size_t code_begin = 0;   // offset of the first code byte in the file
  uint64_t code_size = 0;  // the blob's length
};

// LocateCode reads from `head` (the first min(kEntryHeadBytes, file_size) bytes of an entry
// file of `file_size` bytes) where its code blob lies, checking nothing beyond that it fits.
// kDataLoss when `head` does not show a consistent entry of that size (ParseEntry of the whole
// file then says exactly what is wrong).
absl::StatusOr<EntryLayout> LocateCode(absl::Span<const uint8_t> head, uint64_t file_size);

// ParseEntryParts is ParseEntry of the entry whose bytes are `before_code`, `code` and
// `after_code` (split where LocateCode said), taking the code blob over without copying it.
// Everything is checked as ParseEntry checks it, the checksum first.
absl::StatusOr<std::pair<CacheKey, backend::CompiledCode>> ParseEntryParts(
    absl::Span<const uint8_t> before_code, std::vector<uint8_t> code,
    absl::Span<const uint8_t> after_code);

// ReadManifest returns only the readable manifest at the start of an entry (without the magic
// line and the empty line), checking neither the payload nor the checksum; kDataLoss when the
// file does not start like an entry.
absl::StatusOr<std::string> ReadManifest(absl::Span<const uint8_t> bytes);

}  // namespace kiln::runtime::cache

#endif  // KILN_RUNTIME_CACHE_ENTRY_FORMAT_H_
