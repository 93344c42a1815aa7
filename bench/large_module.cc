// The large-module generator: see large_module.h for what the module holds and guarantees.
//
// Functions are written straight into the binary format (no text round trip: a 5 MB module
// would be 20 MB of text). Every function is generated in index order and may only call
// functions generated before it, which keeps the call graph acyclic; each function's estimated
// instruction count ("cost") is known when a later one considers calling it.
#include "bench/large_module.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "compiler/text/binary_writer.h"
#include "compiler/wasm/opcode.h"

namespace kiln::bench {
namespace {

using text::BinaryWriter;
using wasm::Opcode;

// -- Module layout ------------------------------------------------------------------------

// Kind is a value type, also the index of its leaf type and mutable global.
enum Kind : int { kI32 = 0, kI64 = 1, kF32 = 2, kF64 = 3 };
constexpr uint8_t kValType[4] = {0x7f, 0x7e, 0x7d, 0x7c};
constexpr uint8_t kEmptyBlockType = 0x40;

// Types: 0..3 are the leaf types (k k) -> k; then the worker and `run` types.
constexpr uint32_t kWorkerType = 4;  // (i32 i32) -> i64
constexpr uint32_t kRunType = 5;     // () -> i64

// Globals: 0..3 are mutable globals of each kind; 4 is an immutable i32.
constexpr uint32_t kConstGlobal = 4;

// The table holds the first i32 leaves, repeated; call_indirect masks its index to the size.
constexpr uint32_t kTableSize = 256;
constexpr uint32_t kTableLeaves = 32;
constexpr uint32_t kInitialLeavesPerKind = 32;

// Memory: integer accesses stay in [0, 0x8000), float accesses in [0x8000, 0x10000), so no
// float bit pattern (NaN payloads may differ between correct compilations) reaches an integer
// and through it the checksum. Addresses are masked to kAddressMask; offsets add at most 8 and
// accesses are at most 8 bytes wide.
constexpr int32_t kAddressMask = 0x7ff0;
constexpr uint32_t kFloatRegion = 0x8000;
constexpr uint32_t kMemoryPages = 2;
constexpr uint32_t kDataBytes = 0x2000;

// Worker locals: params 0-1 and locals 2-4 are writable i32s; 5-7 are loop counters (read
// anywhere, written only by their loop); then i64 8-10, f32 11-12, f64 13-14.
constexpr uint32_t kWritableI32[] = {0, 1, 2, 3, 4};
constexpr uint32_t kReadableI32[] = {0, 1, 2, 3, 4, 5, 6, 7};
constexpr uint32_t kFirstCounter = 5;
constexpr uint32_t kI64Locals[] = {8, 9, 10};
constexpr uint32_t kF32Locals[] = {11, 12};
constexpr uint32_t kF64Locals[] = {13, 14};

// Limits that keep `run` short: loop nests multiply a body at most kMaxMultiplier times, and
// a worker calls only workers of a lower level, so chains are at most kMaxLevel deep.
constexpr int kMaxLoopDepth = 3;
constexpr uint64_t kMaxMultiplier = 128;
constexpr int kMaxLevel = 6;
constexpr int kMaxNesting = 4;
constexpr uint64_t kWorkerBudget = 20'000;
constexpr uint64_t kLargeWorkerBudget = 400'000;
constexpr size_t kLargeMinBytes = 10'000;
constexpr size_t kLargeMaxBytes = 49'000;  // a body ends with the statement crossing its target
constexpr size_t kBytesPerLargeFunction = 400'000;

// Rng is splitmix64: small, fast and the same on every platform (unlike <random>'s
// distributions), so a seed always gives the same module.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(Next() % n); }
  int Range(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<uint32_t>(hi - lo + 1)));
  }
  bool Percent(int percent) { return Below(100) < static_cast<uint32_t>(percent); }
  template <typename T, size_t N>
  T Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

 private:
  uint64_t state_;
};

// FunctionInfo is what callers need to know about a generated function.
struct FunctionInfo {
  uint32_t type = 0;
  bool worker = false;
  uint64_t cost = 0;  // estimated instructions one call executes, callees included
  int level = 0;      // 0 for leaves, 1 + the deepest callee's level for workers
  size_t body_bytes = 0;
};

// Load and store operators by kind, with their natural alignment (log2).
struct MemOp {
  Opcode op;
  uint32_t align;
};
constexpr MemOp kI32Loads[] = {{Opcode::kI32Load, 2},
                               {Opcode::kI32Load8S, 0},
                               {Opcode::kI32Load8U, 0},
                               {Opcode::kI32Load16S, 1},
                               {Opcode::kI32Load16U, 1}};
constexpr MemOp kI64Loads[] = {{Opcode::kI64Load, 3},    {Opcode::kI64Load8S, 0},
                               {Opcode::kI64Load8U, 0},  {Opcode::kI64Load16S, 1},
                               {Opcode::kI64Load16U, 1}, {Opcode::kI64Load32S, 2},
                               {Opcode::kI64Load32U, 2}};
constexpr MemOp kI32Stores[] = {
    {Opcode::kI32Store, 2}, {Opcode::kI32Store8, 0}, {Opcode::kI32Store16, 1}};
constexpr MemOp kI64Stores[] = {{Opcode::kI64Store, 3},
                                {Opcode::kI64Store8, 0},
                                {Opcode::kI64Store16, 1},
                                {Opcode::kI64Store32, 2}};

constexpr Opcode kI32Binary[] = {Opcode::kI32Add,  Opcode::kI32Sub,  Opcode::kI32Mul,
                                 Opcode::kI32And,  Opcode::kI32Or,   Opcode::kI32Xor,
                                 Opcode::kI32Shl,  Opcode::kI32ShrS, Opcode::kI32ShrU,
                                 Opcode::kI32Rotl, Opcode::kI32Rotr};
constexpr Opcode kI64Binary[] = {Opcode::kI64Add,  Opcode::kI64Sub,  Opcode::kI64Mul,
                                 Opcode::kI64And,  Opcode::kI64Or,   Opcode::kI64Xor,
                                 Opcode::kI64Shl,  Opcode::kI64ShrS, Opcode::kI64ShrU,
                                 Opcode::kI64Rotl, Opcode::kI64Rotr};
constexpr Opcode kF32Binary[] = {Opcode::kF32Add,     Opcode::kF32Sub, Opcode::kF32Mul,
                                 Opcode::kF32Div,     Opcode::kF32Min, Opcode::kF32Max,
                                 Opcode::kF32Copysign};
constexpr Opcode kF64Binary[] = {Opcode::kF64Add,     Opcode::kF64Sub, Opcode::kF64Mul,
                                 Opcode::kF64Div,     Opcode::kF64Min, Opcode::kF64Max,
                                 Opcode::kF64Copysign};
constexpr Opcode kI32Division[] = {Opcode::kI32DivS, Opcode::kI32DivU, Opcode::kI32RemS,
                                   Opcode::kI32RemU};
constexpr Opcode kI64Division[] = {Opcode::kI64DivS, Opcode::kI64DivU, Opcode::kI64RemS,
                                   Opcode::kI64RemU};
constexpr Opcode kI32Unary[] = {Opcode::kI32Clz, Opcode::kI32Ctz,      Opcode::kI32Popcnt,
                                Opcode::kI32Eqz, Opcode::kI32Extend8S, Opcode::kI32Extend16S};
constexpr Opcode kI64Unary[] = {Opcode::kI64Clz,      Opcode::kI64Ctz,       Opcode::kI64Popcnt,
                                Opcode::kI64Extend8S, Opcode::kI64Extend16S, Opcode::kI64Extend32S};
constexpr Opcode kF32Unary[] = {Opcode::kF32Abs,   Opcode::kF32Neg,   Opcode::kF32Ceil,
                                Opcode::kF32Floor, Opcode::kF32Trunc, Opcode::kF32Nearest,
                                Opcode::kF32Sqrt};
constexpr Opcode kF64Unary[] = {Opcode::kF64Abs,   Opcode::kF64Neg,   Opcode::kF64Ceil,
                                Opcode::kF64Floor, Opcode::kF64Trunc, Opcode::kF64Nearest,
                                Opcode::kF64Sqrt};
// Comparisons by operand kind; all produce an i32.
constexpr Opcode kCompare[4][6] = {{Opcode::kI32Eq, Opcode::kI32Ne, Opcode::kI32LtS,
                                    Opcode::kI32LtU, Opcode::kI32GeS, Opcode::kI32GtU},
                                   {Opcode::kI64Eq, Opcode::kI64Ne, Opcode::kI64LtS,
                                    Opcode::kI64LeU, Opcode::kI64GtS, Opcode::kI64GeU},
                                   {Opcode::kF32Eq, Opcode::kF32Ne, Opcode::kF32Lt, Opcode::kF32Gt,
                                    Opcode::kF32Le, Opcode::kF32Ge},
                                   {Opcode::kF64Eq, Opcode::kF64Ne, Opcode::kF64Lt, Opcode::kF64Gt,
                                    Opcode::kF64Le, Opcode::kF64Ge}};

// Conversion is one operator from `from` to the kind being generated.
struct Conversion {
  Kind from;
  Opcode op;
};
// No float-to-integer reinterpretation: NaN payloads must not reach the checksum.
constexpr Conversion kToI32[] = {{kI64, Opcode::kI32WrapI64},
                                 {kF32, Opcode::kI32TruncSatF32S},
                                 {kF32, Opcode::kI32TruncSatF32U},
                                 {kF64, Opcode::kI32TruncSatF64S},
                                 {kF64, Opcode::kI32TruncSatF64U}};
constexpr Conversion kToI64[] = {{kI32, Opcode::kI64ExtendI32S},
                                 {kI32, Opcode::kI64ExtendI32U},
                                 {kF32, Opcode::kI64TruncSatF32S},
                                 {kF64, Opcode::kI64TruncSatF64S},
                                 {kF64, Opcode::kI64TruncSatF64U}};
constexpr Conversion kToF32[] = {{kI32, Opcode::kF32ConvertI32S},
                                 {kI32, Opcode::kF32ConvertI32U},
                                 {kI64, Opcode::kF32ConvertI64S},
                                 {kF64, Opcode::kF32DemoteF64},
                                 {kI32, Opcode::kF32ReinterpretI32}};
constexpr Conversion kToF64[] = {{kI32, Opcode::kF64ConvertI32S},
                                 {kI64, Opcode::kF64ConvertI64S},
                                 {kI64, Opcode::kF64ConvertI64U},
                                 {kF32, Opcode::kF64PromoteF32},
                                 {kI64, Opcode::kF64ReinterpretI64}};

// -- Generator ----------------------------------------------------------------------------

class Generator {
 public:
  explicit Generator(const LargeModuleOptions& options) : options_(options), rng_(options.seed) {}

  LargeModule Generate();

 private:
  // Body is the state of the function being generated.
  struct Body {
    bool worker = false;
    Kind leaf_kind = kI32;
    uint64_t cost = 0;        // instructions so far, weighted by the loop multiplier
    uint64_t multiplier = 1;  // how often the code being written runs per call
    uint64_t budget = 0;
    int loop_depth = 0;
    int level = 0;
  };

  // Functions.
  FunctionInfo Leaf(Kind kind, size_t target_bytes);
  FunctionInfo Worker(size_t target_bytes, uint64_t budget);
  FunctionInfo Run(LargeModule& summary);
  void AddFunction(const FunctionInfo& info, const BinaryWriter& body);

  // Instructions.
  void Op(Opcode op);
  void I32Const(int32_t value);
  void Const(Kind kind);
  void LocalGet(uint32_t index);
  void LocalSet(uint32_t index);
  void Call(uint32_t function);

  // Expressions push one value of `kind`; `depth` bounds the tree's height.
  void Expr(Kind kind, int depth);
  void Term(Kind kind);
  void Address(int depth);
  void Load(Kind kind, int depth);
  bool LocalOf(Kind kind, bool writable, uint32_t* index);
  bool CallLeaf(Kind kind, int depth);
  void CallIndirect(int depth);
  void SafeDivisor(Kind kind, int depth);

  // Statements leave the stack as they found it.
  void Statements(int nesting, size_t bytes);
  void Statement(int nesting);
  void SetLocal();
  void Store();
  void IfElse(int nesting);
  void BlockWithBrIf(int nesting);
  bool Loop(int nesting);
  void Switch(int nesting);
  bool CallWorker();

  const LargeModuleOptions& options_;
  Rng rng_;
  BinaryWriter* out_ = nullptr;  // the body being written
  Body body_;
  std::vector<FunctionInfo> functions_;
  std::vector<uint32_t> leaves_[4];  // leaf function indices by kind
  std::vector<uint32_t> workers_;
  uint64_t table_cost_ = 0;  // the costliest leaf in the table
  BinaryWriter code_entries_;
};

void Generator::Op(Opcode op) {
  const wasm::OpcodeInfo& info = wasm::Info(op);
  if (info.prefix != 0) {
    out_->U8(info.prefix);
    out_->U32(info.code);
  } else {
    out_->U8(static_cast<uint8_t>(info.code));
  }
  body_.cost += body_.multiplier;
}

void Generator::I32Const(int32_t value) {
  Op(Opcode::kI32Const);
  out_->S32(value);
}

void Generator::Const(Kind kind) {
  // Mostly small values, as compilers see them; sometimes any bits.
  bool small = rng_.Percent(75);
  switch (kind) {
    case kI32: I32Const(small ? rng_.Range(-64, 1000) : static_cast<int32_t>(rng_.Next())); return;
    case kI64:
      Op(Opcode::kI64Const);
      out_->S64(small ? rng_.Range(-64, 100000) : static_cast<int64_t>(rng_.Next()));
      return;
    case kF32: {
      float value = static_cast<float>(rng_.Range(-10000, 10000)) / 64.0f;
      uint32_t bits;
      std::memcpy(&bits, &value, sizeof bits);
      Op(Opcode::kF32Const);
      out_->Fixed32(bits);
      return;
    }
    case kF64: {
      double value = static_cast<double>(rng_.Range(-1000000, 1000000)) / 1024.0;
      uint64_t bits;
      std::memcpy(&bits, &value, sizeof bits);
      Op(Opcode::kF64Const);
      out_->Fixed64(bits);
      return;
    }
  }
}

void Generator::LocalGet(uint32_t index) {
  Op(Opcode::kLocalGet);
  out_->U32(index);
}

void Generator::LocalSet(uint32_t index) {
  Op(Opcode::kLocalSet);
  out_->U32(index);
}

void Generator::Call(uint32_t function) {
  Op(Opcode::kCall);
  out_->U32(function);
  body_.cost += body_.multiplier * functions_[function].cost;
}

// LocalOf picks a local of `kind` the current function has (loop counters are never
// writable).
bool Generator::LocalOf(Kind kind, bool writable, uint32_t* index) {
  if (!body_.worker) {
    if (kind != body_.leaf_kind) return false;
    *index = rng_.Below(2);
    return true;
  }
  switch (kind) {
    case kI32: *index = writable ? rng_.Pick(kWritableI32) : rng_.Pick(kReadableI32); return true;
    case kI64: *index = rng_.Pick(kI64Locals); return true;
    case kF32: *index = rng_.Pick(kF32Locals); return true;
    case kF64: *index = rng_.Pick(kF64Locals); return true;
  }
  return false;
}

void Generator::Term(Kind kind) {
  uint32_t r = rng_.Below(100);
  uint32_t local;
  if (r < 50 && LocalOf(kind, false, &local)) {
    LocalGet(local);
  } else if (r < 75) {
    Const(kind);
  } else if (r < 88) {
    Op(Opcode::kGlobalGet);
    out_->U32(kind == kI32 && rng_.Percent(30) ? kConstGlobal : static_cast<uint32_t>(kind));
  } else {
    Load(kind, 0);
  }
}

void Generator::Address(int depth) {
  if (depth <= 0) {
    uint32_t local;
    if (LocalOf(kI32, false, &local)) {
      LocalGet(local);
    } else {
      Op(Opcode::kGlobalGet);
      out_->U32(kI32);
    }
  } else {
    Expr(kI32, depth);
  }
  I32Const(kAddressMask);
  Op(Opcode::kI32And);
}

void Generator::Load(Kind kind, int depth) {
  Address(depth - 1);
  MemOp load;
  uint32_t region = 0;
  switch (kind) {
    case kI32: load = rng_.Pick(kI32Loads); break;
    case kI64: load = rng_.Pick(kI64Loads); break;
    case kF32:
      load = {Opcode::kF32Load, 2};
      region = kFloatRegion;
      break;
    case kF64:
      load = {Opcode::kF64Load, 3};
      region = kFloatRegion;
      break;
  }
  Op(load.op);
  out_->U32(load.align);
  out_->U32(region + 4 * rng_.Below(3));
}

bool Generator::CallLeaf(Kind kind, int depth) {
  if (!body_.worker || leaves_[kind].empty()) return false;
  uint32_t leaf = leaves_[kind][rng_.Below(static_cast<uint32_t>(leaves_[kind].size()))];
  Expr(kind, depth - 1);
  Expr(kind, depth - 1);
  Call(leaf);
  return true;
}

void Generator::CallIndirect(int depth) {
  Expr(kI32, depth - 1);
  Expr(kI32, depth - 1);
  Expr(kI32, depth - 1);
  I32Const(kTableSize - 1);
  Op(Opcode::kI32And);
  Op(Opcode::kCallIndirect);
  out_->U32(kI32);  // the i32 leaf type
  out_->U32(0);     // table 0
  body_.cost += body_.multiplier * table_cost_;
}

// SafeDivisor pushes a divisor in [1, 0x7fff]: never zero, and never -1 (INT_MIN / -1 traps).
void Generator::SafeDivisor(Kind kind, int depth) {
  Expr(kind, depth - 1);
  if (kind == kI32) {
    I32Const(0x7fff);
    Op(Opcode::kI32And);
    I32Const(1);
    Op(Opcode::kI32Or);
  } else {
    Op(Opcode::kI64Const);
    out_->S64(0x7fff);
    Op(Opcode::kI64And);
    Op(Opcode::kI64Const);
    out_->S64(1);
    Op(Opcode::kI64Or);
  }
}

void Generator::Expr(Kind kind, int depth) {
  if (depth <= 0 || rng_.Percent(20)) {
    Term(kind);
    return;
  }
  bool integer = kind == kI32 || kind == kI64;
  uint32_t r = rng_.Below(100);
  uint32_t local;
  if (r < 30) {
    Expr(kind, depth - 1);
    Expr(kind, depth - 1);
    switch (kind) {
      case kI32: Op(rng_.Pick(kI32Binary)); break;
      case kI64: Op(rng_.Pick(kI64Binary)); break;
      case kF32: Op(rng_.Pick(kF32Binary)); break;
      case kF64: Op(rng_.Pick(kF64Binary)); break;
    }
  } else if (r < 40 && kind == kI32) {
    Kind operands = static_cast<Kind>(rng_.Below(4));
    Expr(operands, depth - 1);
    Expr(operands, depth - 1);
    Op(kCompare[operands][rng_.Below(6)]);
  } else if (r < 48) {
    Expr(kind, depth - 1);
    switch (kind) {
      case kI32: Op(rng_.Pick(kI32Unary)); break;
      case kI64: Op(rng_.Pick(kI64Unary)); break;
      case kF32: Op(rng_.Pick(kF32Unary)); break;
      case kF64: Op(rng_.Pick(kF64Unary)); break;
    }
  } else if (r < 54 && integer) {
    Expr(kind, depth - 1);
    SafeDivisor(kind, depth);
    Op(kind == kI32 ? rng_.Pick(kI32Division) : rng_.Pick(kI64Division));
  } else if (r < 62) {
    Conversion conversion{};
    switch (kind) {
      case kI32: conversion = rng_.Pick(kToI32); break;
      case kI64: conversion = rng_.Pick(kToI64); break;
      case kF32: conversion = rng_.Pick(kToF32); break;
      case kF64: conversion = rng_.Pick(kToF64); break;
    }
    Expr(conversion.from, depth - 1);
    Op(conversion.op);
  } else if (r < 68) {
    Expr(kind, depth - 1);
    Expr(kind, depth - 1);
    Expr(kI32, depth - 1);
    Op(Opcode::kSelect);
  } else if (r < 78) {
    Load(kind, depth);
  } else if (r < 84 && LocalOf(kind, true, &local)) {
    Expr(kind, depth - 1);
    Op(Opcode::kLocalTee);
    out_->U32(local);
  } else if (r < 94 && CallLeaf(kind, depth)) {
    // CallLeaf wrote the call.
  } else if (kind == kI32 && body_.worker) {
    CallIndirect(depth);
  } else {
    Expr(kind, depth - 1);
    Expr(kind, depth - 1);
    switch (kind) {
      case kI32: Op(Opcode::kI32Xor); break;
      case kI64: Op(Opcode::kI64Add); break;
      case kF32: Op(Opcode::kF32Mul); break;
      case kF64: Op(Opcode::kF64Add); break;
    }
  }
}

// -- Statements ---------------------------------------------------------------------------

// Statements writes statements until `bytes` were written. Deeper bodies get proportionally
// less, as in real code, which also keeps a function's last statement from overshooting its
// target by much.
void Generator::Statements(int nesting, size_t bytes) {
  size_t end = out_->size() + bytes / static_cast<size_t>(nesting);
  do {
    Statement(nesting);
  } while (out_->size() < end);
}

void Generator::Statement(int nesting) {
  uint32_t r = rng_.Below(100);
  bool nest = nesting < kMaxNesting;
  if (r < 34) {
    SetLocal();
  } else if (r < 44) {
    Store();
  } else if (r < 49) {
    Kind kind = static_cast<Kind>(rng_.Below(4));
    Expr(kind, rng_.Range(1, 3));
    Op(Opcode::kGlobalSet);
    out_->U32(kind);
  } else if (r < 59 && nest) {
    IfElse(nesting);
  } else if (r < 67 && nest) {
    BlockWithBrIf(nesting);
  } else if (r < 79 && nest) {
    if (!Loop(nesting)) SetLocal();
  } else if (r < 86 && nest) {
    Switch(nesting);
  } else if (r < 95) {
    if (!CallWorker()) SetLocal();
  } else {
    SetLocal();
  }
}

void Generator::SetLocal() {
  Kind kind = static_cast<Kind>(rng_.Below(4));
  uint32_t local = 0;
  LocalOf(kind, true, &local);
  Expr(kind, rng_.Range(1, 4));
  LocalSet(local);
}

void Generator::Store() {
  Kind kind = static_cast<Kind>(rng_.Below(4));
  Address(rng_.Range(0, 2));
  Expr(kind, rng_.Range(0, 3));
  MemOp store;
  uint32_t region = 0;
  switch (kind) {
    case kI32: store = rng_.Pick(kI32Stores); break;
    case kI64: store = rng_.Pick(kI64Stores); break;
    case kF32:
      store = {Opcode::kF32Store, 2};
      region = kFloatRegion;
      break;
    case kF64:
      store = {Opcode::kF64Store, 3};
      region = kFloatRegion;
      break;
  }
  Op(store.op);
  out_->U32(store.align);
  out_->U32(region + 4 * rng_.Below(3));
}

void Generator::IfElse(int nesting) {
  Expr(kI32, rng_.Range(1, 3));
  Op(Opcode::kIf);
  out_->U8(kEmptyBlockType);
  Statements(nesting + 1, rng_.Range(10, 250));
  if (rng_.Percent(60)) {
    Op(Opcode::kElse);
    Statements(nesting + 1, rng_.Range(10, 250));
  }
  Op(Opcode::kEnd);
}

void Generator::BlockWithBrIf(int nesting) {
  Op(Opcode::kBlock);
  out_->U8(kEmptyBlockType);
  Statements(nesting + 1, rng_.Range(10, 200));
  Expr(kI32, rng_.Range(1, 3));
  Op(Opcode::kBrIf);
  out_->U32(0);
  Statements(nesting + 1, rng_.Range(10, 200));
  Op(Opcode::kEnd);
}

// Loop writes a counted loop (do-while or while shaped) whose counter is the loop depth's own
// local, so nothing inside can change the trip count. False when the nest is too deep or the
// function's budget is half spent.
bool Generator::Loop(int nesting) {
  if (body_.loop_depth >= kMaxLoopDepth || body_.cost > body_.budget / 2) return false;
  uint64_t trips = static_cast<uint64_t>(rng_.Range(2, 12));
  trips = std::min(trips, kMaxMultiplier / body_.multiplier);
  if (trips < 2) return false;
  uint32_t counter = kFirstCounter + static_cast<uint32_t>(body_.loop_depth);
  bool while_shaped = rng_.Percent(40);
  size_t body_bytes = static_cast<size_t>(rng_.Range(20, 400));

  I32Const(0);
  LocalSet(counter);
  if (while_shaped) {
    Op(Opcode::kBlock);
    out_->U8(kEmptyBlockType);
  }
  Op(Opcode::kLoop);
  out_->U8(kEmptyBlockType);
  uint64_t outer_multiplier = body_.multiplier;
  body_.multiplier *= trips;
  ++body_.loop_depth;
  if (while_shaped) {
    LocalGet(counter);
    I32Const(static_cast<int32_t>(trips));
    Op(Opcode::kI32GeU);
    Op(Opcode::kBrIf);
    out_->U32(1);
  }
  Statements(nesting + 1, body_bytes);
  LocalGet(counter);
  I32Const(1);
  Op(Opcode::kI32Add);
  if (while_shaped) {
    LocalSet(counter);
    Op(Opcode::kBr);
    out_->U32(0);
  } else {
    Op(Opcode::kLocalTee);
    out_->U32(counter);
    I32Const(static_cast<int32_t>(trips));
    Op(Opcode::kI32LtU);
    Op(Opcode::kBrIf);
    out_->U32(0);
  }
  --body_.loop_depth;
  body_.multiplier = outer_multiplier;
  Op(Opcode::kEnd);
  if (while_shaped) Op(Opcode::kEnd);
  return true;
}

// Switch writes the br_table idiom of a C switch: an exit block around one block per case;
// br_table jumps to the end of case k's block, where case k's code runs and leaves for the exit.
void Generator::Switch(int nesting) {
  uint32_t cases = static_cast<uint32_t>(rng_.Range(2, 6));
  for (uint32_t i = 0; i <= cases; ++i) {
    Op(Opcode::kBlock);
    out_->U8(kEmptyBlockType);
  }
  Expr(kI32, rng_.Range(0, 2));
  I32Const(7);
  Op(Opcode::kI32And);
  Op(Opcode::kBrTable);
  out_->U32(cases);
  for (uint32_t label = 0; label < cases; ++label) out_->U32(label);
  out_->U32(cases - 1);  // default: the last case
  for (uint32_t k = 0; k < cases; ++k) {
    Op(Opcode::kEnd);
    Statements(nesting + 1, rng_.Range(5, 120));
    if (k + 1 < cases) {
      Op(Opcode::kBr);
      out_->U32(cases - 1 - k);  // the exit block
    }
  }
  Op(Opcode::kEnd);
}

// CallWorker adds the result of a call to an earlier worker to an i64 local. False when no
// worker it tried fits the level limit and the remaining budget.
bool Generator::CallWorker() {
  if (workers_.empty()) return false;
  for (int attempt = 0; attempt < 6; ++attempt) {
    uint32_t callee = workers_[rng_.Below(static_cast<uint32_t>(workers_.size()))];
    const FunctionInfo& info = functions_[callee];
    if (info.level >= kMaxLevel) continue;
    if (body_.cost + body_.multiplier * info.cost > body_.budget) continue;
    uint32_t local = rng_.Pick(kI64Locals);
    LocalGet(local);
    Expr(kI32, rng_.Range(0, 2));
    Expr(kI32, rng_.Range(0, 2));
    Call(callee);
    Op(rng_.Percent(50) ? Opcode::kI64Add : Opcode::kI64Xor);
    LocalSet(local);
    body_.level = std::max(body_.level, info.level + 1);
    return true;
  }
  return false;
}

// -- Functions ----------------------------------------------------------------------------

void Generator::AddFunction(const FunctionInfo& info, const BinaryWriter& body) {
  code_entries_.U32(static_cast<uint32_t>(body.size()));
  code_entries_.Append(body);
  functions_.push_back(info);
  functions_.back().body_bytes = body.size();
}

// Leaf: an expression over the two parameters, grown with binary operators and an occasional
// if/else producing a value, until it reaches `target_bytes`.
FunctionInfo Generator::Leaf(Kind kind, size_t target_bytes) {
  BinaryWriter body;
  out_ = &body;
  body_ = Body();
  body_.leaf_kind = kind;
  body.U32(0);  // no locals besides the parameters
  Expr(kind, rng_.Range(2, 4));
  while (body.size() < target_bytes) {
    if (rng_.Percent(15)) {
      Expr(kI32, 2);
      Op(Opcode::kIf);
      out_->U8(kValType[kind]);
      Expr(kind, rng_.Range(1, 3));
      Op(Opcode::kElse);
      Expr(kind, rng_.Range(1, 3));
      Op(Opcode::kEnd);
    } else {
      Expr(kind, rng_.Range(1, 4));
    }
    switch (kind) {
      case kI32: Op(rng_.Pick(kI32Binary)); break;
      case kI64: Op(rng_.Pick(kI64Binary)); break;
      case kF32: Op(rng_.Pick(kF32Binary)); break;
      case kF64: Op(rng_.Pick(kF64Binary)); break;
    }
  }
  Op(Opcode::kEnd);
  FunctionInfo info;
  info.type = static_cast<uint32_t>(kind);
  info.cost = body_.cost;
  AddFunction(info, body);
  leaves_[kind].push_back(static_cast<uint32_t>(functions_.size() - 1));
  return functions_.back();
}

// Worker: statements until `target_bytes`, then an i64 that depends on every kind of local
// (floats through saturating truncation, so NaN payloads cannot matter).
FunctionInfo Generator::Worker(size_t target_bytes, uint64_t budget) {
  BinaryWriter body;
  out_ = &body;
  body_ = Body();
  body_.worker = true;
  body_.budget = budget;
  body.U32(4);  // local declarations, as laid out at kWritableI32 and below
  body.U32(6);
  body.U8(kValType[kI32]);
  body.U32(3);
  body.U8(kValType[kI64]);
  body.U32(2);
  body.U8(kValType[kF32]);
  body.U32(2);
  body.U8(kValType[kF64]);
  while (body.size() < target_bytes) Statement(0);
  LocalGet(8);
  LocalGet(9);
  Op(Opcode::kI64Xor);
  LocalGet(10);
  Op(Opcode::kI64Add);
  LocalGet(2);
  Op(Opcode::kI64ExtendI32U);
  Op(Opcode::kI64Add);
  LocalGet(13);
  Op(Opcode::kI64TruncSatF64S);
  Op(Opcode::kI64Add);
  LocalGet(11);
  Op(Opcode::kI64TruncSatF32S);
  Op(Opcode::kI64Xor);
  Op(Opcode::kEnd);
  FunctionInfo info;
  info.type = kWorkerType;
  info.worker = true;
  info.cost = body_.cost;
  info.level = std::max(1, body_.level);
  AddFunction(info, body);
  workers_.push_back(static_cast<uint32_t>(functions_.size() - 1));
  return functions_.back();
}

// Run calls a random selection of workers that fits the run budget, in index order, and folds
// their results, the globals and a word of memory into one checksum.
FunctionInfo Generator::Run(LargeModule& summary) {
  std::vector<uint32_t> order = workers_;
  for (size_t i = order.size(); i > 1; --i) {
    std::swap(order[i - 1], order[rng_.Below(static_cast<uint32_t>(i))]);
  }
  std::vector<uint32_t> chosen;
  uint64_t total = 0;
  for (uint32_t worker : order) {
    if (total + functions_[worker].cost > options_.run_budget) continue;
    total += functions_[worker].cost;
    chosen.push_back(worker);
  }
  std::sort(chosen.begin(), chosen.end());

  BinaryWriter body;
  out_ = &body;
  body_ = Body();
  body.U32(1);
  body.U32(1);
  body.U8(kValType[kI64]);
  for (uint32_t worker : chosen) {
    LocalGet(0);
    Op(Opcode::kI64Const);
    out_->S64(31);
    Op(Opcode::kI64Mul);
    I32Const(static_cast<int32_t>(rng_.Next()));
    I32Const(rng_.Range(0, 1000));
    Call(worker);
    Op(Opcode::kI64Add);
    LocalSet(0);
  }
  LocalGet(0);
  Op(Opcode::kGlobalGet);
  out_->U32(kI32);
  Op(Opcode::kI64ExtendI32U);
  Op(Opcode::kI64Add);
  Op(Opcode::kGlobalGet);
  out_->U32(kI64);
  Op(Opcode::kI64Xor);
  I32Const(0);
  Op(Opcode::kI64Load);
  out_->U32(3);
  out_->U32(0);
  Op(Opcode::kI64Add);
  Op(Opcode::kEnd);
  FunctionInfo info;
  info.type = kRunType;
  info.cost = body_.cost;
  AddFunction(info, body);
  summary.run_calls = static_cast<uint32_t>(chosen.size());
  summary.run_instructions = info.cost;
  return functions_.back();
}

LargeModule Generator::Generate() {
  LargeModule summary;
  // Table leaves first, so call_indirect's cost is known from the first worker on.
  for (int kind = kI32; kind <= kF64; ++kind) {
    for (uint32_t i = 0; i < kInitialLeavesPerKind; ++i) {
      Leaf(static_cast<Kind>(kind), static_cast<size_t>(rng_.Range(20, 160)));
    }
  }
  for (uint32_t i = 0; i < kTableLeaves; ++i) {
    table_cost_ = std::max(table_cost_, functions_[leaves_[kI32][i]].cost);
  }

  // Large functions are spread evenly over the module, sizes spread over 10-50 KB.
  size_t large_total =
      (options_.min_code_bytes + kBytesPerLargeFunction / 2) / kBytesPerLargeFunction;
  size_t large_done = 0;
  // At least one worker, for the `work` export, however small the module asked for.
  while (code_entries_.size() < options_.min_code_bytes || workers_.empty()) {
    if (large_done < large_total &&
        code_entries_.size() >= options_.min_code_bytes * (large_done + 1) / (large_total + 1)) {
      size_t bytes = large_total == 1 ? (kLargeMinBytes + kLargeMaxBytes) / 2
                                      : kLargeMinBytes + (kLargeMaxBytes - kLargeMinBytes) *
                                                             large_done / (large_total - 1);
      Worker(bytes, kLargeWorkerBudget);
      ++large_done;
    } else if (rng_.Percent(30)) {
      size_t bytes = rng_.Percent(70) ? rng_.Range(20, 120) : rng_.Range(120, 500);
      Leaf(static_cast<Kind>(rng_.Below(4)), bytes);
    } else {
      size_t bytes = rng_.Percent(85) ? rng_.Range(150, 1500) : rng_.Range(1500, 5000);
      Worker(bytes, kWorkerBudget);
    }
  }
  uint32_t run = static_cast<uint32_t>(functions_.size());
  Run(summary);

  BinaryWriter module;
  module.Bytes(absl::string_view("\0asm\1\0\0\0", 8));

  BinaryWriter types;
  auto func_type = [&](std::vector<uint8_t> params, std::vector<uint8_t> results) {
    types.U8(0x60);
    types.U32(static_cast<uint32_t>(params.size()));
    types.Bytes(params);
    types.U32(static_cast<uint32_t>(results.size()));
    types.Bytes(results);
  };
  for (int kind = kI32; kind <= kF64; ++kind) {
    func_type({kValType[kind], kValType[kind]}, {kValType[kind]});
  }
  func_type({kValType[kI32], kValType[kI32]}, {kValType[kI64]});  // kWorkerType
  func_type({}, {kValType[kI64]});                                // kRunType
  WriteVecSection(module, 1, 6, types);

  BinaryWriter function_types;
  for (const FunctionInfo& info : functions_) function_types.U32(info.type);
  WriteVecSection(module, 3, static_cast<uint32_t>(functions_.size()), function_types);

  BinaryWriter tables;
  tables.U8(0x70);  // funcref
  tables.U8(0x01);  // min and max
  tables.U32(kTableSize);
  tables.U32(kTableSize);
  WriteVecSection(module, 4, 1, tables);

  BinaryWriter memories;
  memories.U8(0x00);  // min only
  memories.U32(kMemoryPages);
  WriteVecSection(module, 5, 1, memories);

  BinaryWriter globals;
  for (int kind = kI32; kind <= kF64; ++kind) {
    globals.U8(kValType[kind]);
    globals.U8(0x01);  // mutable
    out_ = &globals;
    Const(static_cast<Kind>(kind));
    globals.U8(0x0b);
  }
  globals.U8(kValType[kI32]);
  globals.U8(0x00);  // immutable
  out_ = &globals;
  I32Const(0x1234);
  globals.U8(0x0b);
  WriteVecSection(module, 6, 5, globals);

  BinaryWriter exports;
  auto add_export = [&](absl::string_view name, uint8_t kind, uint32_t index) {
    exports.Name(name);
    exports.U8(kind);
    exports.U32(index);
  };
  add_export("run", 0x00, run);
  add_export("leaf", 0x00, leaves_[kI32][0]);
  add_export("work", 0x00, workers_.front());
  add_export("table", 0x01, 0);
  add_export("memory", 0x02, 0);
  add_export("counter", 0x03, kI32);
  WriteVecSection(module, 7, 6, exports);

  BinaryWriter elements;
  elements.U8(0x00);  // active, table 0, funcref, offset expression
  elements.U8(0x41);  // i32.const 0
  elements.U8(0x00);
  elements.U8(0x0b);
  elements.U32(kTableSize);
  for (uint32_t i = 0; i < kTableSize; ++i) elements.U32(leaves_[kI32][i % kTableLeaves]);
  WriteVecSection(module, 9, 1, elements);

  BinaryWriter code;
  code.U32(static_cast<uint32_t>(functions_.size()));
  code.Append(code_entries_);
  WriteSection(module, 10, code);

  BinaryWriter data;
  data.U8(0x00);  // active, memory 0, offset expression
  data.U8(0x41);  // i32.const 0
  data.U8(0x00);
  data.U8(0x0b);
  data.U32(kDataBytes);
  for (uint32_t i = 0; i < kDataBytes; ++i) data.U8(static_cast<uint8_t>(rng_.Next()));
  WriteVecSection(module, 11, 1, data);

  summary.bytes = module.Release();
  summary.code_section_bytes = code.size();
  summary.function_count = static_cast<uint32_t>(functions_.size());
  for (const FunctionInfo& info : functions_) {
    if (info.type < kWorkerType) ++summary.leaf_count;
    if (info.worker) ++summary.worker_count;
    if (info.body_bytes >= kLargeMinBytes) ++summary.large_count;
    summary.largest_function_bytes = std::max(summary.largest_function_bytes, info.body_bytes);
  }
  return summary;
}

}  // namespace

LargeModule GenerateLargeModule(const LargeModuleOptions& options) {
  return Generator(options).Generate();
}

}  // namespace kiln::bench
