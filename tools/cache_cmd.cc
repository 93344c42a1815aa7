// `kiln cache explain|list|prune` (see cache_cmd.h).
#include "tools/cache_cmd.h"

#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/runtime_config.h"
#include "compiler/base/sha256.h"
#include "runtime/cache/cache_key.h"
#include "runtime/cache/dir_cache.h"
#include "runtime/embedding/module_compiler.h"
#include "tools/load_module.h"

namespace kiln::tools {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

constexpr absl::string_view kCacheUsage =
    "usage:\n"
    "  kiln cache explain FILE [--interrupt-checks] [--opt-level N] [--module MODULE]\n"
    "      print an entry's manifest and how it differs from this kiln's configuration\n"
    "  kiln cache list DIR\n"
    "      one line per entry: file, size, module sha256, compiler version, validity\n"
    "  kiln cache prune DIR [--max-bytes N]\n"
    "      remove damaged and outdated entries, then the oldest until N bytes remain\n";

int Usage(std::ostream& err, absl::string_view problem) {
  err << "kiln cache: " << problem << "\n\n" << kCacheUsage;
  return kExitUsage;
}

int Fail(std::ostream& err, absl::string_view message) {
  err << "kiln cache: " << message << "\n";
  return kExitFailure;
}

absl::StatusOr<std::vector<uint8_t>> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in),
                              std::istreambuf_iterator<char>());
}

bool IsDirectory(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// -- explain --------------------------------------------------------------------------------------

int Explain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::optional<std::string> file;
  std::optional<std::string> module_path;
  bool interrupt_checks = false;
  int opt_level = 1;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--interrupt-checks" || arg == "--close-on-context-done") {
      interrupt_checks = true;
    } else if (arg == "--opt-level" || absl::StartsWith(arg, "--opt-level=")) {
      std::string value;
      if (arg == "--opt-level") {
        if (++i == args.size()) return Usage(err, "--opt-level needs a value");
        value = args[i];
      } else {
        value = arg.substr(12);
      }
      if (!absl::SimpleAtoi(value, &opt_level) || opt_level < 0 || opt_level > 1) {
        return Usage(err, absl::StrCat("--opt-level must be 0 or 1, got '", value, "'"));
      }
    } else if (arg == "--module") {
      if (++i == args.size()) return Usage(err, "--module needs a file");
      module_path = args[i];
    } else if (absl::StartsWith(arg, "--")) {
      return Usage(err, absl::StrCat("unknown option ", arg));
    } else if (file.has_value()) {
      return Usage(err, "explain takes one FILE");
    } else {
      file = arg;
    }
  }
  if (!file.has_value()) return Usage(err, "explain needs a FILE");
  file = ResolvePath(*file);

  absl::StatusOr<std::vector<uint8_t>> bytes = ReadFile(*file);
  if (!bytes.ok()) return Fail(err, bytes.status().message());
  absl::StatusOr<std::string> manifest = runtime::cache::ReadManifest(*bytes);
  if (!manifest.ok()) return Fail(err, absl::StrCat(*file, ": ", manifest.status().message()));
  absl::StatusOr<runtime::cache::CacheKey> entry_key =
      runtime::cache::CacheKey::ParseManifest(*manifest);

  out << *file << " (" << bytes->size() << " bytes)\n" << *manifest;
  absl::Status integrity = runtime::cache::ParseEntry(*bytes).status();
  out << "checksum and format: "
      << (integrity.ok() ? std::string("valid") : absl::StrCat("INVALID: ", integrity.message()))
      << "\n";
  if (!entry_key.ok()) {
    out << "manifest: INVALID: " << entry_key.status().message() << "\n";
    return kExitOk;
  }
  if (BaseName(*file) != entry_key->FileName()) {
    out << "file name: does not match the manifest (a cache looks for it as "
        << entry_key->FileName() << ")\n";
  }

  // The running configuration: this binary and host, default core features and memory
  // strategy, and the flags given, exactly as Runtime::CompileModule would form the key.
  RuntimeConfig config = NewRuntimeConfig()
                             .WithCloseOnContextDone(interrupt_checks)
                             .WithOptimizationLevel(opt_level);
  std::vector<uint8_t> module_bytes;
  if (module_path.has_value()) {
    // .wat modules are keyed by their binary encoding, as `kiln compile` caches them.
    absl::StatusOr<std::vector<uint8_t>> read = ReadModuleBytes(*module_path);
    if (!read.ok()) return Fail(err, read.status().message());
    module_bytes = *std::move(read);
  }
  absl::StatusOr<runtime::cache::CacheKey> running =
      embedding::CacheKeyFor(module_bytes, config);
  if (!running.ok()) return Fail(err, running.status().message());
  if (!module_path.has_value()) running->module_sha256 = entry_key->module_sha256;

  std::vector<std::string> differences = entry_key->Differences(*running);
  out << "against the running configuration (this kiln on this host, opt-level " << opt_level
      << ", interrupt checks " << (interrupt_checks ? "on" : "off")
      << (module_path.has_value() ? absl::StrCat(", module ", *module_path) : std::string())
      << "):\n";
  if (differences.empty()) {
    out << "  matches the running configuration\n";
  } else {
    out << "  " << differences.size() << (differences.size() == 1 ? " field differs" : " fields differ")
        << " (entry vs running):\n";
    for (const std::string& difference : differences) out << "    " << difference << "\n";
  }
  return kExitOk;
}

// -- list -----------------------------------------------------------------------------------------

int List(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() != 2) return Usage(err, "list takes one DIR");
  const std::string dir = ResolvePath(args[1]);
  if (!IsDirectory(dir)) return Fail(err, absl::StrCat(dir, " is not a directory"));
  auto cache = runtime::cache::DirCache::Open(dir, /*read_only=*/true);
  if (!cache.ok()) return Fail(err, cache.status().message());
  auto entries = (*cache)->List();
  if (!entries.ok()) return Fail(err, entries.status().message());
  uint64_t total = 0;
  for (const runtime::cache::EntryInfo& entry : *entries) {
    total += entry.size_bytes;
    std::string module = "?";
    std::string version = "?";
    if (entry.key.ok()) {
      module = base::HexDigest(entry.key->module_sha256).substr(0, 12);
      version = entry.key->compiler_version;
    }
    std::string state;
    if (!entry.integrity.ok()) {
      state = absl::StrCat("invalid: ", entry.integrity.message());
    } else if (version != runtime::cache::CompilerVersion()) {
      state = "valid (another compiler version)";
    } else {
      state = "valid";
    }
    out << BaseName(entry.path) << "  " << entry.size_bytes << " bytes  module " << module
        << "  " << version << "  " << state << "\n";
  }
  out << entries->size() << (entries->size() == 1 ? " entry, " : " entries, ") << total
      << " bytes\n";
  return kExitOk;
}

// -- prune ----------------------------------------------------------------------------------------

int Prune(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::optional<std::string> dir;
  std::optional<uint64_t> max_bytes;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--max-bytes" || absl::StartsWith(arg, "--max-bytes=")) {
      std::string value;
      if (arg == "--max-bytes") {
        if (++i == args.size()) return Usage(err, "--max-bytes needs a value");
        value = args[i];
      } else {
        value = arg.substr(12);
      }
      uint64_t parsed = 0;
      if (!absl::SimpleAtoi(value, &parsed)) {
        return Usage(err, absl::StrCat("--max-bytes must be a number of bytes, got '", value, "'"));
      }
      max_bytes = parsed;
    } else if (absl::StartsWith(arg, "--")) {
      return Usage(err, absl::StrCat("unknown option ", arg));
    } else if (dir.has_value()) {
      return Usage(err, "prune takes one DIR");
    } else {
      dir = arg;
    }
  }
  if (!dir.has_value()) return Usage(err, "prune needs a DIR");
  dir = ResolvePath(*dir);
  // Checked first: opening a writable cache would create a missing directory.
  if (!IsDirectory(*dir)) return Fail(err, absl::StrCat(*dir, " is not a directory"));
  auto cache = runtime::cache::DirCache::Open(*dir);
  if (!cache.ok()) return Fail(err, cache.status().message());
  auto removed = (*cache)->Prune(max_bytes);
  if (!removed.ok()) return Fail(err, removed.status().message());
  for (const std::string& path : *removed) out << "removed " << path << "\n";
  auto left = (*cache)->List();
  if (!left.ok()) return Fail(err, left.status().message());
  uint64_t total = 0;
  for (const runtime::cache::EntryInfo& entry : *left) total += entry.size_bytes;
  out << removed->size() << (removed->size() == 1 ? " file" : " files") << " removed, "
      << left->size() << (left->size() == 1 ? " entry" : " entries") << " (" << total
      << " bytes) kept\n";
  return kExitOk;
}

}  // namespace

int RunCacheCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) return Usage(err, "cache needs a subcommand");
  if (args[0] == "explain") return Explain(args, out, err);
  if (args[0] == "list") return List(args, out, err);
  if (args[0] == "prune") return Prune(args, out, err);
  if (args[0] == "help" || args[0] == "--help") {
    out << kCacheUsage;
    return kExitOk;
  }
  return Usage(err, absl::StrCat("unknown cache subcommand '", args[0], "'"));
}

int RunCacheCommand(const std::vector<std::string>& args) {
  return RunCacheCommand(args, std::cout, std::cerr);
}

}  // namespace kiln::tools
