// decode_validate_bench: throughput of Decode + Validate on one core, in MB of module bytes
// per second. It reads a .wasm file, or builds a synthetic module shaped like compiler output
// (thousands of functions with loops, branches, memory traffic, calls and float math) so that a
// number is available without external files:
//
//   bazel run -c opt //compiler/wasm/bench:decode_validate_bench -- path/to/module.wasm
//   bazel run -c opt //compiler/wasm/bench:decode_validate_bench -- --synthetic [functions]
//
// Rates are given per byte of the whole file and per byte of the code section (the function
// bodies), which is what decoding and validation spend their time on in real modules whose
// custom sections (debug info) dwarf the code. For instruction-count profiles under valgrind,
// `--repeat N` after the input runs decode + validate N times without timing.
//
// Each phase runs for about two seconds of this thread's CPU time (so other processes on a busy
// machine do not count against it): decode alone, validate alone (on one decoded module) and
// the two together, which is the number the decoder's target refers to. Decode validates the
// function bodies on its way, so the validate phase resets that answer to measure a full check.
#include <time.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"

namespace kiln::wasm {
namespace {

using Bytes = std::vector<uint8_t>;

// -- Synthetic module -----------------------------------------------------------------------

void AppendLeb(Bytes& out, uint64_t value) {
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out.push_back(byte);
  } while (value != 0);
}

void AppendSignedLeb(Bytes& out, int64_t value) {
  bool more = true;
  while (more) {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    more = !((value == 0 && (byte & 0x40) == 0) || (value == -1 && (byte & 0x40) != 0));
    if (more) byte |= 0x80;
    out.push_back(byte);
  }
}

void AppendSection(Bytes& out, uint8_t id, const Bytes& contents) {
  out.push_back(id);
  AppendLeb(out, contents.size());
  out.insert(out.end(), contents.begin(), contents.end());
}

// BodyWriter emits the instructions of one function body.
class BodyWriter {
 public:
  BodyWriter& Op(std::initializer_list<uint8_t> bytes) {
    code_.insert(code_.end(), bytes.begin(), bytes.end());
    return *this;
  }
  BodyWriter& Index(uint8_t opcode, uint32_t index) {
    code_.push_back(opcode);
    AppendLeb(code_, index);
    return *this;
  }
  BodyWriter& I32Const(int32_t value) {
    code_.push_back(0x41);
    AppendSignedLeb(code_, value);
    return *this;
  }
  BodyWriter& MemArg(uint8_t opcode, uint32_t align_log2, uint32_t offset) {
    code_.push_back(opcode);
    AppendLeb(code_, align_log2);
    AppendLeb(code_, offset);
    return *this;
  }
  const Bytes& code() const { return code_; }

 private:
  Bytes code_;
};

// Opcodes used by the synthetic bodies.
enum : uint8_t {
  kBlock = 0x02, kLoop = 0x03, kIf = 0x04, kElse = 0x05, kEnd = 0x0b, kBrIf = 0x0d,
  kBrTable = 0x0e, kCall = 0x10, kCallIndirect = 0x11, kDrop = 0x1a, kSelect = 0x1b,
  kLocalGet = 0x20, kLocalSet = 0x21, kLocalTee = 0x22, kGlobalGet = 0x23, kGlobalSet = 0x24,
  kI32Load = 0x28, kF64Load = 0x2b, kI32Store = 0x36, kF64Store = 0x39, kI32Eqz = 0x45,
  kI32LtU = 0x49, kI32Add = 0x6a, kI32Sub = 0x6b, kI32Mul = 0x6c, kI32And = 0x71,
  kI32Xor = 0x73, kI32Shl = 0x74, kI32ShrU = 0x76, kF64Add = 0xa0, kF64Mul = 0xa2,
  kF64Div = 0xa3, kF64Sqrt = 0x9f, kF64ConvertI32S = 0xb7, kVoid = 0x40,
};

// Type 0: (i32 i32) -> i32, an integer loop over memory that calls its predecessor.
Bytes IntegerLoopBody(uint32_t index, uint32_t function_count) {
  BodyWriter w;
  w.Op({kBlock, kVoid, kLoop, kVoid});
  for (int unroll = 0; unroll < 3; ++unroll) {
    w.Index(kLocalGet, 0).Index(kLocalGet, 1).Op({kI32Add}).Index(kLocalSet, 2);
    w.Index(kLocalGet, 2).I32Const(static_cast<int32_t>(index * 2654435761u)).Op({kI32Mul});
    w.I32Const(3).Op({kI32ShrU}).I32Const(0xffff).Op({kI32And}).Index(kLocalSet, 3);
    w.Index(kLocalGet, 3).MemArg(kI32Load, 2, 16).Index(kLocalGet, 2).Op({kI32Xor});
    w.Index(kLocalSet, 2);
    w.Index(kLocalGet, 3).Index(kLocalGet, 2).MemArg(kI32Store, 2, 64 + unroll * 4);
  }
  w.Index(kLocalGet, 0).I32Const(1).Op({kI32Sub}).Index(kLocalTee, 0).Index(kBrIf, 0);
  w.Op({kEnd, kEnd});
  // A call to an earlier function of the same type (the first calls itself).
  const uint32_t callee = index >= 3 ? index - 3 : index;
  w.Index(kLocalGet, 2).Index(kLocalGet, 1).Index(kCall, callee % function_count);
  w.Index(kLocalGet, 3).Op({kI32Add, kEnd});
  Bytes body = {0x01, 0x02, 0x7f};  // locals: 2 x i32
  body.insert(body.end(), w.code().begin(), w.code().end());
  return body;
}

// Type 1: (i32) -> (), control flow: if/else, br_table, globals and an indirect call.
Bytes BranchyBody(uint32_t index) {
  BodyWriter w;
  w.Index(kLocalGet, 0).Op({kIf, kVoid});
  w.Op({kBlock, kVoid, kBlock, kVoid, kBlock, kVoid});
  w.Index(kLocalGet, 0).Op({kBrTable, 0x03, 0x00, 0x01, 0x02, 0x00});
  w.Op({kEnd}).Index(kGlobalGet, 0).I32Const(1).Op({kI32Add}).Index(kGlobalSet, 0);
  w.Op({kEnd}).Index(kGlobalGet, 0).I32Const(static_cast<int32_t>(index)).Op({kI32Shl});
  w.Index(kGlobalSet, 0);
  w.Op({kEnd}).Index(kLocalGet, 0).I32Const(100).Op({kI32LtU, kIf, kVoid});
  w.Index(kLocalGet, 0).I32Const(1).Op({kI32Sub}).Index(kLocalGet, 0);
  w.Op({kCallIndirect, 0x01, 0x00});  // (type 1, table 0): recursion through the table
  w.Op({kEnd});
  w.Op({kElse}).I32Const(0).Index(kGlobalGet, 0).Index(kLocalGet, 0).Op({kI32Eqz, kSelect});
  w.Index(kGlobalSet, 0).Op({kEnd, kEnd});
  Bytes body = {0x00};
  body.insert(body.end(), w.code().begin(), w.code().end());
  return body;
}

// Type 2: (f64 f64) -> f64, straight-line float math with loads and stores.
Bytes FloatBody(uint32_t index) {
  BodyWriter w;
  for (int unroll = 0; unroll < 4; ++unroll) {
    w.Index(kLocalGet, 0).Index(kLocalGet, 1).Op({kF64Mul, kF64Sqrt});
    w.I32Const(static_cast<int32_t>(index % 1000) * 8).MemArg(kF64Load, 3, 0);
    w.Op({kF64Add}).Index(kLocalGet, 0).Op({kF64Div}).Index(kLocalSet, 2);
    w.I32Const(static_cast<int32_t>(unroll * 8)).Index(kLocalGet, 2);
    w.MemArg(kF64Store, 3, 1024);
    w.Index(kLocalGet, 2).I32Const(static_cast<int32_t>(index)).Op({kF64ConvertI32S, kF64Add});
    w.Index(kLocalSet, 0);
  }
  w.Index(kLocalGet, 0).Index(kLocalGet, 2).Op({kF64Add, kEnd});
  Bytes body = {0x01, 0x01, 0x7c};  // locals: 1 x f64
  body.insert(body.end(), w.code().begin(), w.code().end());
  return body;
}

// SyntheticModule builds a valid module of `function_count` functions, a third of each kind.
Bytes SyntheticModule(uint32_t function_count) {
  Bytes module = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  AppendSection(module, 1, {0x03,
                            0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,    // (i32 i32) -> i32
                            0x60, 0x01, 0x7f, 0x00,                // (i32) -> ()
                            0x60, 0x02, 0x7c, 0x7c, 0x01, 0x7c});  // (f64 f64) -> f64
  Bytes functions;
  AppendLeb(functions, function_count);
  for (uint32_t i = 0; i < function_count; ++i) functions.push_back(i % 3);
  AppendSection(module, 3, functions);
  Bytes table = {0x01, 0x70, 0x00};
  AppendLeb(table, function_count);
  AppendSection(module, 4, table);
  AppendSection(module, 5, {0x01, 0x00, 0x01});                    // memory 1
  AppendSection(module, 6, {0x01, 0x7f, 0x01, 0x41, 0x00, 0x0b});  // mut i32 global
  Bytes elements = {0x01, 0x00, 0x41, 0x00, 0x0b};  // active at 0: every function
  AppendLeb(elements, function_count);
  for (uint32_t i = 0; i < function_count; ++i) AppendLeb(elements, i);
  AppendSection(module, 9, elements);
  Bytes code;
  AppendLeb(code, function_count);
  for (uint32_t i = 0; i < function_count; ++i) {
    Bytes body = i % 3 == 0   ? IntegerLoopBody(i, function_count)
                 : i % 3 == 1 ? BranchyBody(i)
                              : FloatBody(i);
    AppendLeb(code, body.size());
    code.insert(code.end(), body.begin(), body.end());
  }
  AppendSection(module, 10, code);
  return module;
}

// -- Measurement ----------------------------------------------------------------------------

constexpr double kSecondsPerPhase = 2.0;

double ThreadCpuSeconds() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// MeasureMegabytesPerSecond runs `step` for about kSecondsPerPhase of CPU time and converts the
// rate to MB/s of `bytes` module bytes per run.
double MeasureMegabytesPerSecond(size_t bytes, absl::FunctionRef<void()> step) {
  const double start = ThreadCpuSeconds();
  uint64_t runs = 0;
  double elapsed = 0;
  do {
    step();
    ++runs;
    elapsed = ThreadCpuSeconds() - start;
  } while (elapsed < kSecondsPerPhase);
  return static_cast<double>(bytes) * static_cast<double>(runs) / elapsed / 1e6;
}

// CodeBytes is the span of the code section from the first body to the end of the last.
size_t CodeBytes(const Module& module) {
  if (module.codes.empty()) return 0;
  const ByteRange& first = module.codes.front().whole;
  const ByteRange& last = module.codes.back().whole;
  return last.offset + last.size - first.offset;
}

// Repeat runs decode + validate `times` times, for profilers that count instructions.
int Repeat(const Bytes& bytes, uint32_t times) {
  bool ok = true;
  for (uint32_t i = 0; i < times; ++i) {
    absl::StatusOr<Module> decoded = Decode(bytes);
    ok &= decoded.ok() && Validate(*decoded).ok();
  }
  return ok ? 0 : 1;
}

void PrintRate(const char* phase, double file_rate, double code_fraction) {
  std::printf("%-18s %8.1f MB/s of file, %8.1f MB/s of code\n", phase, file_rate,
              file_rate * code_fraction);
}

int Run(const Bytes& bytes, const std::string& label) {
  absl::StatusOr<Module> module = Decode(bytes);
  if (!module.ok()) {
    std::fprintf(stderr, "%s does not decode: %s\n", label.c_str(),
                 module.status().ToString().c_str());
    return 1;
  }
  if (absl::Status valid = Validate(*module); !valid.ok()) {
    std::fprintf(stderr, "%s does not validate: %s\n", label.c_str(), valid.ToString().c_str());
    return 1;
  }
  const size_t code_bytes = CodeBytes(*module);
  std::printf("%s: %zu bytes, %zu functions, %zu code bytes\n", label.c_str(), bytes.size(),
              module->codes.size(), code_bytes);
  // Code MB/s = file MB/s * (code bytes / file bytes): the same runs, a different numerator.
  const double code_fraction =
      static_cast<double>(code_bytes) / static_cast<double>(bytes.size());
  bool ok = true;
  const double decode = MeasureMegabytesPerSecond(bytes.size(), [&] {
    ok &= Decode(bytes).ok();
  });
  // Decode already validates the bodies on its way (Module::code_validation), so Validate on
  // its result checks only the rest; validating afresh shows what the body checks cost alone.
  Module fresh = *module;
  fresh.code_validation.reset();
  const double validate = MeasureMegabytesPerSecond(bytes.size(), [&] {
    ok &= Validate(fresh).ok();
  });
  const double both = MeasureMegabytesPerSecond(bytes.size(), [&] {
    absl::StatusOr<Module> decoded = Decode(bytes);
    ok &= decoded.ok() && Validate(*decoded).ok();
  });
  if (!ok) {
    std::fprintf(stderr, "a repeated run failed\n");
    return 1;
  }
  PrintRate("decode:", decode, code_fraction);
  PrintRate("validate afresh:", validate, code_fraction);
  PrintRate("decode + validate:", both, code_fraction);
  return 0;
}

int Measure(const Bytes& bytes, const std::string& label, std::optional<uint32_t> repeat) {
  return repeat.has_value() ? Repeat(bytes, *repeat) : Run(bytes, label);
}

int Main(int argc, char** argv) {
  const std::string usage =
      "usage: decode_validate_bench (<module.wasm> | --synthetic [function count]) "
      "[--repeat N]\n";
  if (argc < 2) {
    std::fputs(usage.c_str(), stderr);
    return 2;
  }
  const std::string argument = argv[1];
  // A trailing "--repeat N" switches from timing to a fixed number of runs.
  std::optional<uint32_t> repeat;
  if (argc >= 4 && std::string(argv[argc - 2]) == "--repeat") {
    uint32_t times = 0;
    if (!absl::SimpleAtoi(argv[argc - 1], &times)) {
      std::fputs(usage.c_str(), stderr);
      return 2;
    }
    repeat = times;
    argc -= 2;
  }
  if (argument == "--synthetic") {
    uint32_t functions = 6000;
    if (argc > 2 && !absl::SimpleAtoi(argv[2], &functions)) {
      std::fputs(usage.c_str(), stderr);
      return 2;
    }
    return Measure(SyntheticModule(functions), "synthetic module", repeat);
  }
  std::ifstream file(argument, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "cannot read %s\n", argument.c_str());
    return 1;
  }
  const Bytes bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return Measure(bytes, argument, repeat);
}

}  // namespace
}  // namespace kiln::wasm

int main(int argc, char** argv) { return kiln::wasm::Main(argc, argv); }
