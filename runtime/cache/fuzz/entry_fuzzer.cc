// entry_fuzzer: a libFuzzer target for the cache entry parser. The first input byte picks
// what the rest is:
//   - even: a whole entry file, given to ParseEntry and ReadManifest as is (the checksum
//     stops almost everything: this exercises the header and length checks);
//   - odd: a payload, wrapped in a valid header and a correct checksum, so the payload
//     parser itself is fuzzed.
// Besides the sanitizers' checks it asserts that failures are kDataLoss, that an accepted
// CompiledCode keeps every offset inside its code with sorted trap sites, and that it
// serialises back to exactly the bytes it was parsed from (the format has one spelling).
//
// Built and run by runtime/cache/fuzz/run_fuzzer.sh (clang++ -fsanitize=fuzzer,address); the
// Bazel target is tagged manual because Bazel here uses gcc.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/base/check.h"
#include "compiler/base/sha256.h"
#include "runtime/cache/entry_format.h"

namespace kiln::runtime::cache {
namespace {

void CheckCode(const backend::CompiledCode& code) {
  const uint64_t size = code.code.size();
  for (const backend::FunctionCode& function : code.functions) {
    KILN_CHECK(uint64_t{function.offset} + function.size <= size);
  }
  for (size_t i = 0; i < code.trap_sites.size(); ++i) {
    KILN_CHECK(code.trap_sites[i].code_offset < size);
    KILN_CHECK(i == 0 || code.trap_sites[i - 1].code_offset < code.trap_sites[i].code_offset);
  }
  for (const backend::EntryTrampoline& trampoline : code.entry_trampolines) {
    KILN_CHECK(trampoline.offset < size);
  }
  for (const backend::HostCallStub& stub : code.host_call_stubs) KILN_CHECK(stub.offset < size);
}

void Check(const std::vector<uint8_t>& bytes) {
  auto entry = ParseEntry(bytes);
  auto manifest = ReadManifest(bytes);
  if (!manifest.ok()) KILN_CHECK(manifest.status().code() == absl::StatusCode::kDataLoss);
  if (!entry.ok()) {
    KILN_CHECK(entry.status().code() == absl::StatusCode::kDataLoss);
    KILN_CHECK(!entry.status().message().empty());
    return;
  }
  KILN_CHECK(manifest.ok());
  CheckCode(entry->second);
  KILN_CHECK(SerializeEntry(entry->first, entry->second) == bytes);
}

}  // namespace
}  // namespace kiln::runtime::cache

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kiln;
  if (size == 0) return 0;
  std::vector<uint8_t> bytes;
  if (data[0] % 2 == 0) {
    bytes.assign(data + 1, data + size);
  } else {
    runtime::cache::CacheKey key;
    key.compiler_version = "0.1.0-dev build-id 00";
    std::string header =
        absl::StrCat(runtime::cache::kEntryMagicLine, "\n", key.Manifest(), "\n");
    bytes.assign(header.begin(), header.end());
    const uint64_t payload_size = size - 1;
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(payload_size >> (8 * i)));
    bytes.insert(bytes.end(), data + 1, data + size);
    base::Sha256Digest checksum = base::Sha256Of(absl::MakeConstSpan(bytes));
    bytes.insert(bytes.end(), checksum.begin(), checksum.end());
  }
  runtime::cache::Check(bytes);
  return 0;
}
