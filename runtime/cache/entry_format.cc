// Serialising and parsing cache entries (see entry_format.h for the layout).
#include "runtime/cache/entry_format.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "compiler/base/huge_pages.h"
#include "compiler/base/sha256.h"
#include "compiler/base/status_macros.h"

namespace kiln::runtime::cache {
namespace {

constexpr size_t kChecksumBytes = 32;
// The manifest is a few hundred bytes; a header much longer than that is not ours.
constexpr size_t kMaxHeaderBytes = 4096;

// -- Writing -------------------------------------------------------------------------------------

class Writer {
 public:
  explicit Writer(std::vector<uint8_t>& out) : out_(out) {}
  void U8(uint8_t v) { out_.push_back(v); }
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void Bytes(absl::Span<const uint8_t> bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }
  void Types(const std::vector<wasm::ValType>& types) {
    U32(static_cast<uint32_t>(types.size()));
    for (wasm::ValType type : types) U8(static_cast<uint8_t>(type));
  }
  void FuncType(const wasm::FuncType& type) {
    Types(type.params);
    Types(type.results);
  }

 private:
  std::vector<uint8_t>& out_;
};

// -- Reading -------------------------------------------------------------------------------------

// Reader reads the payload; every read is bounds-checked, and counts are checked against the
// bytes left before anything is allocated for them.
class Reader {
 public:
  explicit Reader(absl::Span<const uint8_t> bytes) : bytes_(bytes) {}

  size_t remaining() const { return bytes_.size() - at_; }
  size_t position() const { return at_; }

  absl::StatusOr<uint8_t> U8() {
    KILN_RETURN_IF_ERROR(Need(1, "a byte"));
    return bytes_[at_++];
  }
  absl::StatusOr<uint32_t> U32() {
    KILN_RETURN_IF_ERROR(Need(4, "a 32-bit field"));
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{bytes_[at_ + i]} << (8 * i);
    at_ += 4;
    return v;
  }
  absl::StatusOr<uint64_t> U64() {
    KILN_RETURN_IF_ERROR(Need(8, "a 64-bit field"));
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{bytes_[at_ + i]} << (8 * i);
    at_ += 8;
    return v;
  }
  // Count reads a u32 element count whose elements take at least `min_element_bytes` each.
  absl::StatusOr<uint32_t> Count(size_t min_element_bytes, absl::string_view what) {
    KILN_ASSIGN_OR_RETURN(uint32_t count, U32());
    if (uint64_t{count} * min_element_bytes > remaining()) {
      return absl::DataLossError(absl::StrCat("cache entry payload is inconsistent: ", count, " ",
                                              what, " do not fit in the ", remaining(),
                                              " bytes left"));
    }
    return count;
  }
  absl::Status Bytes(size_t n, std::vector<uint8_t>& out) {
    KILN_RETURN_IF_ERROR(Need(n, "the code bytes"));
    base::ReserveWithHugePages(out, n);
    out.assign(bytes_.begin() + at_, bytes_.begin() + at_ + n);
    at_ += n;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<wasm::ValType>> Types() {
    KILN_ASSIGN_OR_RETURN(uint32_t count, Count(1, "value types"));
    std::vector<wasm::ValType> types;
    types.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      KILN_ASSIGN_OR_RETURN(uint8_t byte, U8());
      if (!wasm::IsValType(byte)) {
        return absl::DataLossError(absl::StrCat(
            "cache entry payload is inconsistent: 0x", absl::Hex(byte), " is not a value type"));
      }
      types.push_back(static_cast<wasm::ValType>(byte));
    }
    return types;
  }
  absl::StatusOr<wasm::FuncType> FuncType() {
    wasm::FuncType type;
    KILN_ASSIGN_OR_RETURN(type.params, Types());
    KILN_ASSIGN_OR_RETURN(type.results, Types());
    return type;
  }

 private:
  absl::Status Need(size_t n, absl::string_view what) {
    if (n > remaining()) {
      return absl::DataLossError(
          absl::StrCat("cache entry payload is inconsistent: it ends before ", what));
    }
    return absl::OkStatus();
  }

  absl::Span<const uint8_t> bytes_;
  size_t at_ = 0;
};

absl::Status Inconsistent(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("cache entry payload is inconsistent: ", what));
}

// ReadCodeFields reads the payload's fields before the code blob, and the blob's size.
absl::StatusOr<uint64_t> ReadCodeFields(Reader& reader, backend::CompiledCode& code) {
  KILN_ASSIGN_OR_RETURN(uint8_t isa, reader.U8());
  if (isa > static_cast<uint8_t>(backend::TargetIsa::kAarch64)) return Inconsistent("unknown isa");
  code.isa = static_cast<backend::TargetIsa>(isa);
  KILN_ASSIGN_OR_RETURN(code.cpu_features, reader.U64());
  KILN_ASSIGN_OR_RETURN(code.landing_pad_offset, reader.U32());
  return reader.U64();
}

absl::Status CheckLandingPad(const backend::CompiledCode& code) {
  if (!code.code.empty() && code.landing_pad_offset >= code.code.size()) {
    return Inconsistent("landing pad outside the code");
  }
  return absl::OkStatus();
}

// ReadTables reads the payload's tables after the code blob (already in `code`).
absl::Status ReadTables(Reader& reader, backend::CompiledCode& code) {
  KILN_ASSIGN_OR_RETURN(uint32_t num_functions, reader.Count(8, "functions"));
  base::ReserveWithHugePages(code.functions, num_functions);
  for (uint32_t i = 0; i < num_functions; ++i) {
    backend::FunctionCode function;
    KILN_ASSIGN_OR_RETURN(function.offset, reader.U32());
    KILN_ASSIGN_OR_RETURN(function.size, reader.U32());
    if (uint64_t{function.offset} + function.size > code.code.size()) {
      return Inconsistent("a function lies outside the code");
    }
    code.functions.push_back(function);
  }

  KILN_ASSIGN_OR_RETURN(uint32_t num_trap_sites, reader.Count(5, "trap sites"));
  base::ReserveWithHugePages(code.trap_sites, num_trap_sites);
  for (uint32_t i = 0; i < num_trap_sites; ++i) {
    backend::TrapSite site;
    KILN_ASSIGN_OR_RETURN(site.code_offset, reader.U32());
    KILN_ASSIGN_OR_RETURN(uint8_t trap_code, reader.U8());
    if (trap_code >= trap::kNumTrapCodes) return Inconsistent("unknown trap code");
    site.code = static_cast<trap::TrapCode>(trap_code);
    if (site.code_offset >= code.code.size()) return Inconsistent("a trap site lies outside the code");
    // FindTrapSite binary-searches: the table must stay sorted with unique offsets.
    if (i > 0 && site.code_offset <= code.trap_sites.back().code_offset) {
      return Inconsistent("trap sites are not sorted");
    }
    code.trap_sites.push_back(site);
  }

  // A function type takes at least 8 bytes (two counts), plus the 4-byte offset.
  KILN_ASSIGN_OR_RETURN(uint32_t num_trampolines, reader.Count(12, "entry trampolines"));
  for (uint32_t i = 0; i < num_trampolines; ++i) {
    backend::EntryTrampoline trampoline;
    KILN_ASSIGN_OR_RETURN(trampoline.type, reader.FuncType());
    KILN_ASSIGN_OR_RETURN(trampoline.offset, reader.U32());
    if (trampoline.offset >= code.code.size()) return Inconsistent("a trampoline lies outside the code");
    code.entry_trampolines.push_back(std::move(trampoline));
  }
  KILN_ASSIGN_OR_RETURN(uint32_t num_stubs, reader.Count(12, "host-call stubs"));
  for (uint32_t i = 0; i < num_stubs; ++i) {
    backend::HostCallStub stub;
    KILN_ASSIGN_OR_RETURN(stub.type, reader.FuncType());
    KILN_ASSIGN_OR_RETURN(stub.offset, reader.U32());
    if (stub.offset >= code.code.size()) return Inconsistent("a host-call stub lies outside the code");
    code.host_call_stubs.push_back(std::move(stub));
  }
  if (reader.remaining() != 0) {
    return Inconsistent(absl::StrCat(reader.remaining(), " unread bytes at the end"));
  }
  return absl::OkStatus();
}

absl::StatusOr<backend::CompiledCode> ReadCompiledCode(Reader& reader) {
  backend::CompiledCode code;
  KILN_ASSIGN_OR_RETURN(uint64_t code_size, ReadCodeFields(reader, code));
  if (code_size > reader.remaining()) return Inconsistent("the code does not fit in the entry");
  KILN_RETURN_IF_ERROR(reader.Bytes(code_size, code.code));
  KILN_RETURN_IF_ERROR(CheckLandingPad(code));
  KILN_RETURN_IF_ERROR(ReadTables(reader, code));
  return code;
}

// ParseManifestOf parses the manifest of an entry whose header ends at `header_end`.
absl::StatusOr<CacheKey> ParseManifestOf(absl::Span<const uint8_t> bytes, size_t header_end) {
  const size_t manifest_begin = kEntryMagicLine.size() + 1;
  absl::string_view manifest(reinterpret_cast<const char*>(bytes.data()) + manifest_begin,
                             header_end - 1 - manifest_begin);
  absl::StatusOr<CacheKey> key = CacheKey::ParseManifest(manifest);
  if (!key.ok()) {
    return absl::DataLossError(absl::StrCat("cache entry manifest: ", key.status().message()));
  }
  return key;
}

// HeaderEnd returns the offset just past the header's empty line, checking the magic line.
absl::StatusOr<size_t> HeaderEnd(absl::Span<const uint8_t> bytes) {
  absl::string_view text(reinterpret_cast<const char*>(bytes.data()),
                         std::min(bytes.size(), kMaxHeaderBytes));
  size_t first_newline = text.find('\n');
  absl::string_view first_line = text.substr(0, first_newline);
  if (first_newline == absl::string_view::npos ||
      !absl::StartsWith(first_line, "kiln compilation cache entry, format ")) {
    if (absl::StartsWith(kEntryMagicLine, first_line.substr(0, 64)) &&
        first_newline == absl::string_view::npos) {
      return absl::DataLossError("cache entry is truncated inside its header");
    }
    return absl::DataLossError("not a kiln compilation cache entry (bad magic line)");
  }
  if (first_line != kEntryMagicLine) {
    return absl::DataLossError(absl::StrCat(
        "cache entry format '", absl::CHexEscape(first_line.substr(first_line.rfind(' ') + 1)),
        "' is not supported (this kiln reads format 1)"));
  }
  size_t empty_line = text.find("\n\n", first_newline);
  if (empty_line == absl::string_view::npos) {
    if (bytes.size() < kMaxHeaderBytes) {
      return absl::DataLossError("cache entry is truncated inside its header");
    }
    return absl::DataLossError("cache entry header has no end (no empty line)");
  }
  return empty_line + 2;
}

}  // namespace

std::vector<uint8_t> SerializeEntry(const CacheKey& key, const backend::CompiledCode& code) {
  std::vector<uint8_t> out;
  const std::string header = absl::StrCat(kEntryMagicLine, "\n", key.Manifest(), "\n");
  out.reserve(header.size() + code.code.size() + 16 * code.functions.size() +
              5 * code.trap_sites.size() + 256);
  out.insert(out.end(), header.begin(), header.end());
  Writer writer(out);
  const size_t length_at = out.size();
  writer.U64(0);  // payload length, patched below
  writer.U8(static_cast<uint8_t>(code.isa));
  writer.U64(code.cpu_features);
  writer.U32(code.landing_pad_offset);
  writer.U64(code.code.size());
  writer.Bytes(code.code);
  writer.U32(static_cast<uint32_t>(code.functions.size()));
  for (const backend::FunctionCode& function : code.functions) {
    writer.U32(function.offset);
    writer.U32(function.size);
  }
  writer.U32(static_cast<uint32_t>(code.trap_sites.size()));
  for (const backend::TrapSite& site : code.trap_sites) {
    writer.U32(site.code_offset);
    writer.U8(static_cast<uint8_t>(site.code));
  }
  writer.U32(static_cast<uint32_t>(code.entry_trampolines.size()));
  for (const backend::EntryTrampoline& trampoline : code.entry_trampolines) {
    writer.FuncType(trampoline.type);
    writer.U32(trampoline.offset);
  }
  writer.U32(static_cast<uint32_t>(code.host_call_stubs.size()));
  for (const backend::HostCallStub& stub : code.host_call_stubs) {
    writer.FuncType(stub.type);
    writer.U32(stub.offset);
  }
  const uint64_t payload_length = out.size() - length_at - 8;
  for (int i = 0; i < 8; ++i) out[length_at + i] = static_cast<uint8_t>(payload_length >> (8 * i));
  const base::Sha256Digest checksum = base::Sha256Of(absl::MakeConstSpan(out));
  out.insert(out.end(), checksum.begin(), checksum.end());
  return out;
}

absl::StatusOr<std::string> ReadManifest(absl::Span<const uint8_t> bytes) {
  KILN_ASSIGN_OR_RETURN(size_t header_end, HeaderEnd(bytes));
  const size_t manifest_begin = kEntryMagicLine.size() + 1;
  return std::string(reinterpret_cast<const char*>(bytes.data()) + manifest_begin,
                     header_end - 1 - manifest_begin);
}

absl::StatusOr<std::pair<CacheKey, backend::CompiledCode>> ParseEntry(
    absl::Span<const uint8_t> bytes) {
  KILN_ASSIGN_OR_RETURN(size_t header_end, HeaderEnd(bytes));
  Reader length_reader(bytes.subspan(header_end));
  absl::StatusOr<uint64_t> payload_length = length_reader.U64();
  if (!payload_length.ok()) return absl::DataLossError("cache entry is truncated after its header");
  const uint64_t available = bytes.size() - header_end - 8;
  if (*payload_length > available || available - *payload_length < kChecksumBytes) {
    return absl::DataLossError(absl::StrCat(
        "cache entry is truncated: ", bytes.size(), " bytes, expected ",
        header_end + 8 + std::min<uint64_t>(*payload_length, uint64_t{1} << 40) + kChecksumBytes));
  }
  const size_t checksum_at = header_end + 8 + *payload_length;
  if (bytes.size() > checksum_at + kChecksumBytes) {
    return absl::DataLossError(absl::StrCat("cache entry has ",
                                            bytes.size() - checksum_at - kChecksumBytes,
                                            " trailing bytes after its checksum"));
  }
  const base::Sha256Digest checksum = base::Sha256Of(bytes.subspan(0, checksum_at));
  if (std::memcmp(checksum.data(), bytes.data() + checksum_at, kChecksumBytes) != 0) {
    return absl::DataLossError("cache entry checksum mismatch: the file is damaged");
  }

  KILN_ASSIGN_OR_RETURN(CacheKey key, ParseManifestOf(bytes, header_end));
  Reader reader(bytes.subspan(header_end + 8, *payload_length));
  KILN_ASSIGN_OR_RETURN(backend::CompiledCode code, ReadCompiledCode(reader));
  return std::make_pair(std::move(key), std::move(code));
}

absl::StatusOr<EntryLayout> LocateCode(absl::Span<const uint8_t> head, uint64_t file_size) {
  KILN_ASSIGN_OR_RETURN(size_t header_end, HeaderEnd(head));
  // The payload length, then isa (1), cpu features (8), landing pad (4) and code size (8).
  constexpr size_t kFieldsBeforeCode = 8 + 1 + 8 + 4 + 8;
  if (head.size() < header_end + kFieldsBeforeCode) {
    return absl::DataLossError("cache entry is truncated after its header");
  }
  Reader reader(head.subspan(header_end));
  KILN_ASSIGN_OR_RETURN(uint64_t payload_length, reader.U64());
  if (file_size < header_end + 8 + kChecksumBytes ||
      payload_length != file_size - header_end - 8 - kChecksumBytes) {
    return absl::DataLossError("cache entry length does not match its file");
  }
  backend::CompiledCode unused;
  KILN_ASSIGN_OR_RETURN(uint64_t code_size, ReadCodeFields(reader, unused));
  if (code_size > payload_length - (kFieldsBeforeCode - 8)) {
    return Inconsistent("the code does not fit in the entry");
  }
  EntryLayout layout;
  layout.code_begin = header_end + kFieldsBeforeCode;
  layout.code_size = code_size;
  return layout;
}

absl::StatusOr<std::pair<CacheKey, backend::CompiledCode>> ParseEntryParts(
    absl::Span<const uint8_t> before_code, std::vector<uint8_t> code_bytes,
    absl::Span<const uint8_t> after_code) {
  if (after_code.size() < kChecksumBytes) {
    return absl::DataLossError("cache entry is truncated inside its checksum");
  }
  base::Sha256 hasher;
  hasher.Update(before_code);
  hasher.Update(absl::MakeConstSpan(code_bytes));
  hasher.Update(after_code.first(after_code.size() - kChecksumBytes));
  const base::Sha256Digest checksum = hasher.Finish();
  if (std::memcmp(checksum.data(), after_code.data() + after_code.size() - kChecksumBytes,
                  kChecksumBytes) != 0) {
    return absl::DataLossError("cache entry checksum mismatch: the file is damaged");
  }
  // The bytes hash to their checksum; now check that they are the entry LocateCode saw.
  KILN_ASSIGN_OR_RETURN(EntryLayout layout,
                        LocateCode(before_code, before_code.size() + code_bytes.size() +
                                                    after_code.size()));
  if (layout.code_begin != before_code.size() || layout.code_size != code_bytes.size()) {
    return Inconsistent("the code is not where the entry says");
  }
  KILN_ASSIGN_OR_RETURN(size_t header_end, HeaderEnd(before_code));
  KILN_ASSIGN_OR_RETURN(CacheKey key, ParseManifestOf(before_code, header_end));
  backend::CompiledCode code;
  Reader fields(before_code.subspan(header_end + 8));
  KILN_RETURN_IF_ERROR(ReadCodeFields(fields, code).status());
  code.code = std::move(code_bytes);
  KILN_RETURN_IF_ERROR(CheckLandingPad(code));
  Reader tables(after_code.first(after_code.size() - kChecksumBytes));
  KILN_RETURN_IF_ERROR(ReadTables(tables, code));
  return std::make_pair(std::move(key), std::move(code));
}

}  // namespace kiln::runtime::cache
