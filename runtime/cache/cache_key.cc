// The cache key's manifest (render, parse, compare) and the compiler identity.
#include "runtime/cache/cache_key.h"

#include <elf.h>
#include <link.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "api/core_features.h"
#include "compiler/base/sha256.h"

namespace kiln::runtime::cache {
namespace {

// The manifest's field names, in the order Manifest writes them.
constexpr const char* kFieldNames[] = {
    "module-sha256",  "compiler-version", "isa",              "cpu-features",
    "core-features",  "memory-strategy",  "interrupt-checks", "optimization-level",
};
constexpr size_t kNumFields = sizeof(kFieldNames) / sizeof(kFieldNames[0]);

// Names of backend::CpuFeature bits as the manifest spells them (cpuinfo's spelling).
struct CpuFeatureName {
  uint64_t bit;
  const char* name;
};
constexpr CpuFeatureName kCpuFeatureNames[] = {
    {backend::kCpuSse41, "sse4.1"}, {backend::kCpuPopcnt, "popcnt"},
    {backend::kCpuLzcnt, "lzcnt"},  {backend::kCpuBmi1, "bmi1"},
    {backend::kCpuAvx, "avx"},
};

std::string IsaName(backend::TargetIsa isa) {
  switch (isa) {
    case backend::TargetIsa::kX86_64: return "x86_64";
    case backend::TargetIsa::kAarch64: return "aarch64";
  }
  return "unknown";
}

std::string CpuFeaturesText(uint64_t bits) {
  std::vector<std::string> names;
  for (const CpuFeatureName& feature : kCpuFeatureNames) {
    if (bits & feature.bit) {
      names.push_back(feature.name);
      bits &= ~feature.bit;
    }
  }
  // Bits this build has no name for stay visible (and round-trip) as hex.
  if (bits != 0) names.push_back(absl::StrCat("0x", absl::Hex(bits)));
  return names.empty() ? "none" : absl::StrJoin(names, " ");
}

absl::StatusOr<uint64_t> ParseCpuFeatures(absl::string_view text) {
  if (text == "none") return 0;
  uint64_t bits = 0;
  for (absl::string_view name : absl::StrSplit(text, ' ')) {
    bool known = false;
    for (const CpuFeatureName& feature : kCpuFeatureNames) {
      if (name == feature.name) {
        bits |= feature.bit;
        known = true;
      }
    }
    uint64_t raw = 0;
    if (!known && absl::ConsumePrefix(&name, "0x") && absl::SimpleHexAtoi(name, &raw)) {
      bits |= raw;
      known = true;
    }
    if (!known) return absl::InvalidArgumentError(absl::StrCat("unknown cpu feature '", name, "'"));
  }
  return bits;
}

// CoreFeaturesText is the bits in hex, then their names, e.g. "0x7f (bulk-memory-operations|...)":
// the bits are what compares, the names are for whoever reads the manifest.
std::string CoreFeaturesText(uint64_t bits) {
  std::string names = api::CoreFeatures(bits).String();
  return absl::StrCat("0x", absl::Hex(bits), " (", names.empty() ? "none" : names, ")");
}

std::vector<std::string> FieldValues(const CacheKey& key) {
  return {
      base::HexDigest(key.module_sha256),
      key.compiler_version,
      IsaName(key.isa),
      CpuFeaturesText(key.cpu_features),
      CoreFeaturesText(key.core_features),
      key.memory_strategy,
      key.interrupt_checks ? "on" : "off",
      absl::StrCat(key.optimization_level),
  };
}

// A value must stay on its line and keep its leading/trailing spaces out, or the manifest
// would not read back as the same key.
bool IsPrintableValue(absl::string_view value) {
  if (value.empty() || value.front() == ' ' || value.back() == ' ') return false;
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
  }
  return true;
}

// -- Compiler identity ---------------------------------------------------------------------------

struct BuildIdSearch {
  uintptr_t code_address;  // an address inside kiln's compiler code
  std::string executable_id;
  std::string library_id;  // set when that code lives in a shared object
};

std::string BuildIdOf(const dl_phdr_info* info) {
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info->dlpi_phdr[i];
    if (segment.p_type != PT_NOTE) continue;
    const uint8_t* p = reinterpret_cast<const uint8_t*>(info->dlpi_addr + segment.p_vaddr);
    const uint8_t* end = p + segment.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      ElfW(Nhdr) note;
      std::memcpy(&note, p, sizeof(note));
      const uint8_t* name = p + sizeof(note);
      const uint8_t* desc = name + ((note.n_namesz + 3) & ~3u);
      const uint8_t* next = desc + ((note.n_descsz + 3) & ~3u);
      if (next > end) break;
      if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
          std::memcmp(name, "GNU", 4) == 0) {
        return base::HexDigest(absl::MakeConstSpan(desc, note.n_descsz));
      }
      p = next;
    }
  }
  return "";
}

int VisitLoadedObject(dl_phdr_info* info, size_t, void* data) {
  auto* search = static_cast<BuildIdSearch*>(data);
  const bool is_executable = info->dlpi_name == nullptr || info->dlpi_name[0] == '\0';
  bool holds_code = false;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info->dlpi_phdr[i];
    if (segment.p_type != PT_LOAD) continue;
    uintptr_t begin = info->dlpi_addr + segment.p_vaddr;
    if (search->code_address >= begin && search->code_address < begin + segment.p_memsz) {
      holds_code = true;
    }
  }
  if (is_executable && search->executable_id.empty()) search->executable_id = BuildIdOf(info);
  if (holds_code && !is_executable) search->library_id = BuildIdOf(info);
  return 0;
}

std::string ComputeCompilerVersion() {
  constexpr absl::string_view kVersion = "0.1.0-dev";
  BuildIdSearch search{reinterpret_cast<uintptr_t>(&ComputeCompilerVersion), "", ""};
  dl_iterate_phdr(VisitLoadedObject, &search);
  if (!search.executable_id.empty()) {
    // When the compiler is linked as a shared library, its own build id changes with it too.
    return search.library_id.empty()
               ? absl::StrCat(kVersion, " build-id ", search.executable_id)
               : absl::StrCat(kVersion, " build-id ", search.executable_id, "+",
                              search.library_id);
  }
  // A binary linked without --build-id: the digest of the executable file still changes with
  // every rebuild (computed once per process; a few milliseconds for a large binary).
  std::ifstream exe("/proc/self/exe", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(exe)), std::istreambuf_iterator<char>());
  return absl::StrCat(kVersion, " exe-sha256 ", base::Sha256Hex(bytes));
}

}  // namespace

std::string CacheKey::Manifest() const {
  std::vector<std::string> values = FieldValues(*this);
  std::string manifest;
  for (size_t i = 0; i < kNumFields; ++i) absl::StrAppend(&manifest, kFieldNames[i], ": ", values[i], "\n");
  return manifest;
}

absl::StatusOr<CacheKey> CacheKey::ParseManifest(absl::string_view manifest) {
  if (!absl::ConsumeSuffix(&manifest, "\n")) {
    return absl::InvalidArgumentError("manifest does not end with a newline");
  }
  std::vector<absl::string_view> lines = absl::StrSplit(manifest, '\n');
  if (lines.size() != kNumFields) {
    return absl::InvalidArgumentError(
        absl::StrCat("manifest has ", lines.size(), " lines, expected ", kNumFields));
  }
  std::vector<absl::string_view> values;
  for (size_t i = 0; i < kNumFields; ++i) {
    absl::string_view line = lines[i];
    if (!absl::ConsumePrefix(&line, kFieldNames[i]) || !absl::ConsumePrefix(&line, ": ")) {
      return absl::InvalidArgumentError(absl::StrCat("manifest line ", i + 1, " should be '",
                                                     kFieldNames[i], ": <value>', got '",
                                                     absl::CHexEscape(lines[i]), "'"));
    }
    if (!IsPrintableValue(line)) {
      return absl::InvalidArgumentError(absl::StrCat("manifest field ", kFieldNames[i],
                                                     " has a malformed value '",
                                                     absl::CHexEscape(line), "'"));
    }
    values.push_back(line);
  }
  auto bad = [&](size_t field) {
    return absl::InvalidArgumentError(absl::StrCat("manifest field ", kFieldNames[field],
                                                   " has a malformed value '", values[field], "'"));
  };
  CacheKey key;
  if (values[0].size() != 64) return bad(0);
  for (size_t i = 0; i < 32; ++i) {
    uint32_t byte = 0;
    if (!absl::SimpleHexAtoi(values[0].substr(2 * i, 2), &byte) ||
        absl::ascii_isupper(values[0][2 * i]) || absl::ascii_isupper(values[0][2 * i + 1])) {
      return bad(0);
    }
    key.module_sha256[i] = static_cast<uint8_t>(byte);
  }
  key.compiler_version = std::string(values[1]);
  if (values[2] == "x86_64") {
    key.isa = backend::TargetIsa::kX86_64;
  } else if (values[2] == "aarch64") {
    key.isa = backend::TargetIsa::kAarch64;
  } else {
    return bad(2);
  }
  absl::StatusOr<uint64_t> cpu_features = ParseCpuFeatures(values[3]);
  if (!cpu_features.ok()) return bad(3);
  key.cpu_features = *cpu_features;
  // The names in parentheses are for readers; the hex bits before them are the value.
  absl::string_view core = values[4].substr(0, values[4].find(' '));
  if (!absl::ConsumePrefix(&core, "0x") || !absl::SimpleHexAtoi(core, &key.core_features)) {
    return bad(4);
  }
  key.memory_strategy = std::string(values[5]);
  if (values[6] == "on") {
    key.interrupt_checks = true;
  } else if (values[6] != "off") {
    return bad(6);
  }
  if (!absl::SimpleAtoi(values[7], &key.optimization_level)) return bad(7);
  // Only the canonical spelling is accepted, so that equal keys have equal manifests (and the
  // same file name).
  if (key.Manifest() != absl::StrCat(manifest, "\n")) {
    return absl::InvalidArgumentError("manifest is not in canonical form");
  }
  return key;
}

std::string CacheKey::FileName() const {
  return absl::StrCat(base::Sha256Hex(Manifest()), ".kiln");
}

std::vector<std::string> CacheKey::Differences(const CacheKey& other) const {
  std::vector<std::string> mine = FieldValues(*this);
  std::vector<std::string> theirs = FieldValues(other);
  std::vector<std::string> differences;
  for (size_t i = 0; i < kNumFields; ++i) {
    if (mine[i] != theirs[i]) {
      differences.push_back(absl::StrCat(kFieldNames[i], ": ", mine[i], " vs ", theirs[i]));
    }
  }
  return differences;
}

const std::string& CompilerVersion() {
  static const std::string* version = new std::string(ComputeCompilerVersion());
  return *version;
}

}  // namespace kiln::runtime::cache
