// `kiln compile --cache-dir`: one Runtime with the directory cache, CompileModule per module,
// and a report of what each cost, read from the module and from the entry it wrote.
#include "tools/precompile.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "api/kiln.h"
#include "compiler/wasm/decoder.h"
#include "runtime/cache/entry_format.h"
#include "tools/load_module.h"

namespace kiln::tools {
namespace {

// kProgressThreshold is the code-section size above which compiling takes long enough to
// announce it before it starts.
constexpr uint64_t kProgressThreshold = uint64_t{1} << 20;

// kProgressDelay is how long CompileModule may take on such a module before the progress line
// is printed: longer than a cache hit, much shorter than compiling a megabyte.
constexpr absl::Duration kProgressDelay = absl::Milliseconds(100);

void PrintLine(std::FILE* stream, const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stream);
  std::fputc('\n', stream);
  std::fflush(stream);  // progress must show while the next module compiles
}

// CodeShape is what the module itself says about its size.
struct CodeShape {
  size_t functions = 0;
  uint64_t code_bytes = 0;  // the function bodies, as in the code section
};

CodeShape ShapeOf(absl::Span<const uint8_t> bytes) {
  CodeShape shape;
  absl::StatusOr<wasm::Module> module = wasm::Decode(bytes);
  if (!module.ok()) return shape;  // CompileModule reports the error properly
  shape.functions = module->codes.size();
  for (const wasm::Code& code : module->codes) shape.code_bytes += code.whole.size;
  return shape;
}

// EntryFiles lists the names of the cache entries in `dir`.
std::set<std::string> EntryFiles(const std::string& dir) {
  std::set<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".kiln") names.insert(entry.path().filename().string());
  }
  return names;
}

// NativeCodeBytes reads the entries written since `before` and returns the size of the native
// code they hold, or nullopt when no new entry can be read (another process may have written
// the entry first).
std::optional<uint64_t> NativeCodeBytes(const std::string& dir,
                                        const std::set<std::string>& before) {
  std::optional<uint64_t> total;
  for (const std::string& name : EntryFiles(dir)) {
    if (before.count(name) != 0) continue;
    std::ifstream file(dir + "/" + name, std::ios::binary);
    const std::vector<uint8_t> bytes(std::istreambuf_iterator<char>(file), {});
    auto entry = runtime::cache::ParseEntry(bytes);
    if (!entry.ok()) continue;
    total = total.value_or(0) + entry->second.code.size();
  }
  return total;
}

std::string Functions(size_t count) {
  return absl::StrCat(count, count == 1 ? " function" : " functions");
}

std::string Kib(uint64_t bytes) { return absl::StrCat((bytes + 1023) / 1024, " KiB"); }

}  // namespace

bool IsPrecompileCommand(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    if (arg == "--cache-dir" || absl::StartsWith(arg, "--cache-dir=")) return true;
  }
  return false;
}

absl::Status ParsePrecompileArgs(const std::vector<std::string>& args, PrecompileOptions* options) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--cache-dir") {
      if (i + 1 >= args.size()) return absl::InvalidArgumentError("--cache-dir needs a directory");
      options->cache_dir = args[++i];
    } else if (absl::StartsWith(arg, "--cache-dir=")) {
      options->cache_dir = arg.substr(std::string("--cache-dir=").size());
    } else if (arg == "--close-on-context-done" || arg == "--interrupt-checks") {
      // The second spelling is the cache key's (and `kiln cache explain`'s) name for it.
      options->close_on_context_done = true;
    } else if (arg == "--opt-level" || absl::StartsWith(arg, "--opt-level=")) {
      std::string value;
      if (arg == "--opt-level") {
        if (i + 1 >= args.size()) return absl::InvalidArgumentError("--opt-level needs 0 or 1");
        value = args[++i];
      } else {
        value = arg.substr(std::string("--opt-level=").size());
      }
      int level = 0;
      if (!absl::SimpleAtoi(value, &level) || level < 0 || level > 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("--opt-level ", value, ": the level is 0 or 1"));
      }
      options->optimization_level = level;
    } else if (absl::StartsWith(arg, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("unknown option ", arg));
    } else {
      options->modules.push_back(arg);
    }
  }
  if (options->cache_dir.empty())
    return absl::InvalidArgumentError("--cache-dir needs a directory");
  if (options->modules.empty())
    return absl::InvalidArgumentError("compile needs at least one MODULE");
  return absl::OkStatus();
}

int Precompile(const PrecompileOptions& options) {
  const Context ctx = Context::Background();
  const std::string dir = ResolvePath(options.cache_dir);
  absl::StatusOr<std::shared_ptr<CompilationCache>> cache = NewCompilationCacheWithDir(dir);
  if (!cache.ok()) {
    PrintLine(stderr, absl::StrCat("kiln: ", options.cache_dir, ": ", cache.status().message()));
    return 1;
  }
  std::unique_ptr<Runtime> runtime =
      NewRuntimeWithConfig(ctx, NewRuntimeConfig()
                                    .WithCompilationCache(*cache)
                                    .WithCloseOnContextDone(options.close_on_context_done)
                                    .WithOptimizationLevel(options.optimization_level));

  int exit_code = 0;
  for (const std::string& path : options.modules) {
    absl::StatusOr<std::vector<uint8_t>> bytes = ReadModuleBytes(path);
    if (!bytes.ok()) {
      PrintLine(stderr, absl::StrCat("kiln: ", path, ": ", bytes.status().message()));
      exit_code = 1;
      continue;
    }
    const CodeShape shape = ShapeOf(*bytes);
    const std::set<std::string> entries_before = EntryFiles(dir);
    const uint64_t compiles_before = (*cache)->Stats().compiles;
    const absl::Time start = absl::Now();
    absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled;
    {
      // A large module announces itself once it is clear that it is being compiled rather
      // than loaded from the cache (a load takes milliseconds), so the user sees progress.
      absl::Notification done;
      std::thread announcer;
      if (shape.code_bytes > kProgressThreshold) {
        announcer = std::thread([&done, &path, &shape] {
          if (done.WaitForNotificationWithTimeout(kProgressDelay)) return;
          PrintLine(stdout, absl::StrFormat("compiling %s: %s, %.1f MiB of Wasm code...", path,
                                            Functions(shape.functions),
                                            static_cast<double>(shape.code_bytes) / (1 << 20)));
        });
      }
      compiled = runtime->CompileModule(ctx, *bytes);
      done.Notify();
      if (announcer.joinable()) announcer.join();
    }
    const absl::Duration took = absl::Now() - start;
    if (!compiled.ok()) {
      PrintLine(stderr, absl::StrCat("kiln: ", path, ": ", compiled.status().message()));
      exit_code = 1;
      continue;
    }
    if ((*cache)->Stats().compiles == compiles_before) {
      PrintLine(stdout, absl::StrCat(path, ": already cached"));
      continue;
    }
    const std::optional<uint64_t> native = NativeCodeBytes(dir, entries_before);
    PrintLine(stdout, absl::StrFormat("compiled %s: %s, %s code in %.2f s", path,
                                      Functions(shape.functions),
                                      native ? Kib(*native) : std::string("(entry not read)"),
                                      absl::ToDoubleSeconds(took)));
  }
  absl::Status closed = runtime->Close(ctx);
  if (!closed.ok()) {
    PrintLine(stderr, absl::StrCat("kiln: ", closed.message()));
    exit_code = 1;
  }
  return exit_code;
}

}  // namespace kiln::tools
