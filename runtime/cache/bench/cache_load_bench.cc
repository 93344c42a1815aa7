// cache_load_bench: what a compilation cache hit costs on a large module, step by step, next
// to a cold compile. Not a test:
//   bazel run -c opt //runtime/cache/bench:cache_load_bench [-- MODULE.wasm]
// Without a file it generates a module of several MB of code (thousands of functions with
// loops, memory, float and integer arithmetic and calls).
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/base/sha256.h"
#include "compiler/text/wat_parser.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#include "runtime/cache/dir_cache.h"
#include "runtime/code/code_memory.h"
#include "runtime/definitions/definitions.h"
#include "runtime/engine/compiled_module.h"

namespace kiln::runtime::cache {
namespace {

// Timing is the first run of a step (cold caches and fresh pages, as in a process that loads
// one module) and the best of several.
struct Timing {
  double first = 0;
  double best = 0;
};

Timing Measure(const std::function<void()>& step, int repeat) {
  Timing timing{0, 1e9};
  for (int i = 0; i < repeat; ++i) {
    auto start = std::chrono::steady_clock::now();
    step();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (i == 0) timing.first = seconds;
    timing.best = std::min(timing.best, seconds);
  }
  return timing;
}

double Seconds(const std::function<void()>& step, int repeat) { return Measure(step, repeat).best; }

// GeneratedModuleText: `n` functions, each `statements` rounds of a loop body over memory.
std::string GeneratedModuleText(int n, int statements) {
  std::string wat = "(module (memory 1)\n";
  for (int i = 0; i < n; ++i) {
    absl::StrAppend(&wat, "(func $f", i, " (export \"f", i,
                    "\") (param i32 i32) (result i32) (local i32 i64 f64)\n",
                    "  (block $done (loop $next\n",
                    "    (br_if $done (i32.ge_u (local.get 2) (local.get 1)))\n");
    for (int s = 0; s < statements; ++s) {
      absl::StrAppend(
          &wat,
          "    (local.set 3 (i64.add (local.get 3) (i64.load offset=", 8 * s,
          " (i32.and (i32.add (local.get 0) (local.get 2)) (i32.const 0xf000)))))\n",
          "    (local.set 4 (f64.add (local.get 4) (f64.mul (f64.convert_i32_s (local.get 2)) "
          "(f64.const 1.5))))\n",
          "    (i32.store offset=", 4 * s,
          " (i32.and (local.get 2) (i32.const 0xf000)) (i32.xor (local.get 2) "
          "(i32.wrap_i64 (local.get 3))))\n");
    }
    absl::StrAppend(&wat, "    (local.set 2 (i32.add (local.get 2) (i32.const 1)))\n",
                    "    (br $next)))\n", "  (i32.add (i32.wrap_i64 (local.get 3))\n",
                    "    (i32.add (i32.trunc_sat_f64_s (local.get 4))\n",
                    i > 0 ? absl::StrCat("      (call $f", i - 1, " (local.get 1) (i32.const 3)))))\n")
                          : std::string("      (i32.const 0))))\n"));
  }
  absl::StrAppend(&wat, ")\n");
  return wat;
}

std::string CacheDir() {
  return absl::StrCat(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp",
                      "/kiln_cache_load_bench");
}

absl::StatusOr<std::vector<uint8_t>> ModuleBytes(const char* path) {
  if (path != nullptr) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>());
  }
  return text::ParseWat(GeneratedModuleText(3000, 32));
}

CacheKey KeyFor(const std::vector<uint8_t>& bytes) {
  absl::StatusOr<const backend::Isa*> isa = backend::HostIsa();
  CacheKey key;
  key.module_sha256 = base::Sha256Of(absl::MakeConstSpan(bytes));
  key.compiler_version = CompilerVersion();
  key.isa = (*isa)->target();
  key.cpu_features = (*isa)->cpu_features();
  return key;
}

struct HitSteps {
  Timing sha, decode, validate, dir_load, load;
  Timing full_decode;  // for comparison: decode + body validation
  double total_first() const {
    return sha.first + decode.first + validate.first + dir_load.first + load.first;
  }
  double total_best() const {
    return sha.best + decode.best + validate.best + dir_load.best + load.best;
  }
};

// MeasureHit times each step of a cache hit: the first run (as a process loading one module
// sees it: fresh pages, cold caches) and the best of five.
HitSteps MeasureHit(const std::vector<uint8_t>& bytes, DirCache& cache) {
  HitSteps steps;
  CacheKey key;
  absl::StatusOr<wasm::Module> module;
  absl::StatusOr<backend::CompiledCode> code;
  steps.sha = Measure([&] { key = KeyFor(bytes); }, 5);
  // A hit may trust the bodies: the key's SHA-256 proves these bytes were validated when the
  // entry was written (compiler/wasm/decoder.h).
  wasm::DecodeOptions trusted;
  trusted.trust_code_bodies = true;
  steps.full_decode = Measure([&] { module = wasm::Decode(bytes); }, 5);
  steps.decode = Measure([&] { module = wasm::Decode(bytes, trusted); }, 5);
  steps.validate = Measure([&] { (void)wasm::Validate(*module); }, 5);
  steps.dir_load = Measure([&] { code = cache.Load(key); }, 5);
  if (!code.ok()) {
    std::fprintf(stderr, "%s\n", code.status().ToString().c_str());
    std::exit(1);
  }
  // The caller moves the decoded module and the loaded code in; copies are made outside the
  // timed step.
  std::vector<wasm::Module> modules(5, *module);
  std::vector<backend::CompiledCode> codes(5, *code);
  std::vector<std::shared_ptr<const CompiledModule>> placed;
  int run = 0;
  steps.load = Measure(
      [&] {
        auto loaded = LoadCompiledModule(std::move(modules[run]), std::move(codes[run]));
        ++run;
        if (!loaded.ok()) std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
        placed.push_back(*std::move(loaded));  // unmapped after the measurement
      },
      5);
  return steps;
}

void PrintHit(const HitSteps& steps, size_t module_bytes) {
  auto line = [](const char* name, const Timing& t) {
    std::printf("  %-28s %8.2f ms %8.2f ms\n", name, t.first * 1e3, t.best * 1e3);
  };
  std::printf("cache hit steps:                  first     best of 5\n");
  line("sha256 of the module", steps.sha);
  line("decode (trusted bodies)", steps.decode);
  line("validate (the rest)", steps.validate);
  line("DirCache::Load (read+parse)", steps.dir_load);
  line("LoadCompiledModule", steps.load);
  std::printf("  %-28s %8.2f ms %8.2f ms\n", "total", steps.total_first() * 1e3,
              steps.total_best() * 1e3);
  std::printf("  (sha256: %.0f MB/s; a full decode with body validation instead: %.2f ms, "
              "%.2f ms)\n",
              module_bytes / 1e6 / steps.sha.best, steps.full_decode.first * 1e3,
              steps.full_decode.best * 1e3);
}

int Run(int argc, char** argv) {
  // --hit: only the cache hit, in a process that has done nothing else (run by the full bench).
  const bool hit_only = argc > 1 && std::string(argv[1]) == "--hit";
  const char* path = argc > (hit_only ? 2 : 1) ? argv[hit_only ? 2 : 1] : nullptr;
  absl::StatusOr<std::vector<uint8_t>> bytes = ModuleBytes(path);
  if (!bytes.ok()) {
    std::fprintf(stderr, "%s\n", bytes.status().ToString().c_str());
    return 1;
  }
  auto cache = DirCache::Open(CacheDir());
  if (!cache.ok()) {
    std::fprintf(stderr, "%s\n", cache.status().ToString().c_str());
    return 1;
  }
  if (hit_only) {
    HitSteps steps = MeasureHit(*bytes, **cache);
    std::printf("in a fresh process:\n");
    PrintHit(steps, bytes->size());
    return 0;
  }

  absl::StatusOr<wasm::Module> module = wasm::Decode(*bytes);
  if (!module.ok() || !wasm::Validate(*module).ok()) {
    std::fprintf(stderr, "module does not decode and validate\n");
    return 1;
  }
  size_t code_section = 0;
  for (const wasm::Code& code : module->codes) code_section += code.body.size;
  std::printf("module: %zu bytes, %zu functions, code section %.2f MB\n", bytes->size(),
              module->functions.size(), code_section / 1e6);

  // Cold: what a miss costs (decode + validate + compile + place).
  std::shared_ptr<const CompiledModule> compiled;
  const double compile = Seconds(
      [&] {
        absl::StatusOr<wasm::Module> m = wasm::Decode(*bytes);
        auto c = CompileModule(*std::move(m));
        if (!c.ok()) std::fprintf(stderr, "%s\n", c.status().ToString().c_str());
        compiled = *c;
      },
      1);
  const backend::CompiledCode& code = compiled->code().compiled();
  std::printf("native code: %.2f MB, %zu trap sites\n", code.code.size() / 1e6,
              code.trap_sites.size());
  std::printf("cold compile (decode + validate + compile + place, 1 thread): %.1f ms\n",
              compile * 1e3);

  const CacheKey key = KeyFor(*bytes);
  std::vector<uint8_t> entry;
  const double serialize = Seconds([&] { entry = SerializeEntry(key, code); }, 5);
  const double parse = Seconds([&] { (void)ParseEntry(entry); }, 5);
  if (!(*cache)->Store(key, code).ok()) {
    std::fprintf(stderr, "cannot store into %s\n", CacheDir().c_str());
    return 1;
  }
  const double copy_code = Seconds([&] { backend::CompiledCode copy = code; }, 5);
  const double definitions = Seconds([&] { (void)BuildDefinitions(*module); }, 5);
  const double place = Seconds([&] { (void)CodeMemory::Place(code); }, 5);
  std::printf("entry %.2f MB; SerializeEntry %.2f ms, ParseEntry %.2f ms\n", entry.size() / 1e6,
              serialize * 1e3, parse * 1e3);
  std::printf("inside LoadCompiledModule: CodeMemory::Place %.2f ms (with a %.2f ms copy), "
              "definitions %.2f ms\n",
              place * 1e3, copy_code * 1e3, definitions * 1e3);

  HitSteps steps = MeasureHit(*bytes, **cache);
  std::printf("in this process (after compiling):\n");
  PrintHit(steps, bytes->size());
  std::fflush(stdout);
  // The first run of each step in a process that only loads from the cache.
  std::string command = absl::StrCat("/proc/", getpid(), "/exe --hit", path ? " " : "",
                                     path ? path : "");
  if (std::system(command.c_str()) != 0) return 1;
  std::printf("cold compile / cache hit (fresh process, first runs): see above; ratio uses "
              "the fresh-process total\n");
  return 0;
}

}  // namespace
}  // namespace kiln::runtime::cache

int main(int argc, char** argv) { return kiln::runtime::cache::Run(argc, argv); }
