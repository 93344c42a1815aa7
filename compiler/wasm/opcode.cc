// The operator table behind opcode.h: the rows of opcodes.def as an array indexed by Opcode,
// byte-indexed arrays for the decoder's lookups, and a hash map for the text parser. Everything
// is built from the .def files, so nothing here lists operators by hand.
#include "compiler/wasm/opcode.h"

#include <array>
#include <cstddef>

#include "absl/container/flat_hash_map.h"

namespace kiln::wasm {
namespace {

constexpr size_t kOpcodeCount = static_cast<size_t>(Opcode::kCount);
constexpr size_t kSignatureCount = static_cast<size_t>(Signature::kCount);

// kInfos holds every row in Opcode order.
constexpr OpcodeInfo kInfos[] = {
#define WASM_OP(name, prefix, code, text, imm, sig) \
  {Opcode::k##name, prefix, code, text, ImmKind::imm, Signature::k##sig},
#include "compiler/wasm/opcodes.def"
};
static_assert(sizeof(kInfos) / sizeof(kInfos[0]) == kOpcodeCount,
              "opcodes.def and the Opcode enum disagree");

// -- Signatures -----------------------------------------------------------------------------

// The longest fixed signature pops three operands (v128.bitselect, memory.fill) and pushes one.
constexpr size_t kMaxParams = 3;
constexpr size_t kMaxResults = 1;

constexpr ValType LetterType(char letter) {
  switch (letter) {
    case 'i': return ValType::kI32;
    case 'l': return ValType::kI64;
    case 'f': return ValType::kF32;
    case 'd': return ValType::kF64;
    case 'v': return ValType::kV128;
  }
  // Not reached for a well-formed signatures.def; opcode_test checks every letter.
  return ValType::kI32;
}

// FixedTypes is one signatures.def row decoded at compile time.
struct FixedTypes {
  std::array<ValType, kMaxParams> params{};
  size_t param_count = 0;
  std::array<ValType, kMaxResults> results{};
  size_t result_count = 0;
};

template <size_t R, size_t P>
constexpr FixedTypes MakeTypes(const char (&results)[R], const char (&params)[P]) {
  static_assert(R - 1 <= kMaxResults, "signature has too many results");
  static_assert(P - 1 <= kMaxParams, "signature has too many params");
  FixedTypes types;
  for (size_t i = 0; i + 1 < R; ++i) types.results[i] = LetterType(results[i]);
  for (size_t i = 0; i + 1 < P; ++i) types.params[i] = LetterType(params[i]);
  types.result_count = R - 1;
  types.param_count = P - 1;
  return types;
}

// kSignatureTypes is indexed by Signature; kSpecial has no fixed types.
constexpr FixedTypes kSignatureTypes[] = {
    FixedTypes{},
#define WASM_SIG(name, results, params) MakeTypes(results, params),
#include "compiler/wasm/signatures.def"
};
static_assert(sizeof(kSignatureTypes) / sizeof(kSignatureTypes[0]) == kSignatureCount,
              "signatures.def and the Signature enum disagree");

// -- Byte lookups ---------------------------------------------------------------------------

// kNoOpcode marks an unassigned slot in the lookup arrays.
constexpr uint16_t kNoOpcode = 0xffff;
// 0xFC codes run 0..17 in Wasm 2.0; SIMD codes fit in a byte (the LEB128 value, not its bytes).
constexpr size_t kMiscSlots = 32;
constexpr size_t kSimdSlots = 256;

struct ByteTables {
  std::array<uint16_t, 256> single;
  std::array<uint16_t, kMiscSlots> misc;  // prefix 0xFC
  std::array<uint16_t, kSimdSlots> simd;  // prefix 0xFD
};

constexpr ByteTables BuildByteTables() {
  ByteTables tables{};
  for (auto& slot : tables.single) slot = kNoOpcode;
  for (auto& slot : tables.misc) slot = kNoOpcode;
  for (auto& slot : tables.simd) slot = kNoOpcode;
  for (const OpcodeInfo& info : kInfos) {
    const uint16_t index = static_cast<uint16_t>(info.opcode);
    if (info.prefix == 0x00) {
      tables.single[info.code] = index;
    } else if (info.prefix == 0xFC) {
      tables.misc[info.code] = index;
    } else {
      tables.simd[info.code] = index;
    }
  }
  return tables;
}

constexpr ByteTables kByteTables = BuildByteTables();

std::optional<Opcode> FromSlot(uint16_t slot) {
  if (slot == kNoOpcode) return std::nullopt;
  return static_cast<Opcode>(slot);
}

// -- Text lookup ----------------------------------------------------------------------------

const absl::flat_hash_map<absl::string_view, Opcode>& TextMap() {
  // Leaked on purpose: a function-local static with no destructor ordering to worry about.
  static const auto* map = [] {
    auto* built = new absl::flat_hash_map<absl::string_view, Opcode>();
    built->reserve(kOpcodeCount);
    for (const OpcodeInfo& info : kInfos) {
      // "select" names both 0x1B and 0x1C; keep the first (plain) row, as opcode.h promises.
      built->emplace(info.text, info.opcode);
    }
    return built;
  }();
  return *map;
}

}  // namespace

const OpcodeInfo& Info(Opcode op) { return kInfos[static_cast<size_t>(op)]; }

SignatureTypes Types(Signature sig) {
  const FixedTypes& types = kSignatureTypes[static_cast<size_t>(sig)];
  return SignatureTypes{
      absl::MakeConstSpan(types.params.data(), types.param_count),
      absl::MakeConstSpan(types.results.data(), types.result_count),
  };
}

std::optional<Opcode> LookupSingleByte(uint8_t code) {
  return FromSlot(kByteTables.single[code]);
}

std::optional<Opcode> LookupPrefixed(uint8_t prefix, uint32_t code) {
  if (prefix == 0xFC) {
    if (code >= kMiscSlots) return std::nullopt;
    return FromSlot(kByteTables.misc[code]);
  }
  if (prefix == 0xFD) {
    if (code >= kSimdSlots) return std::nullopt;
    return FromSlot(kByteTables.simd[code]);
  }
  return std::nullopt;
}

std::optional<Opcode> LookupText(absl::string_view text) {
  const auto& map = TextMap();
  auto it = map.find(text);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

}  // namespace kiln::wasm
