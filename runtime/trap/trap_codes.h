// TrapCode: the kind of a Wasm trap, generated from trap_codes.def. Header-only and free of
// dependencies so that both the compiler (which names trap codes in SSA instructions and trap
// tables) and the runtime (which reports them) can use it.
#ifndef KILN_RUNTIME_TRAP_TRAP_CODES_H_
#define KILN_RUNTIME_TRAP_TRAP_CODES_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace kiln::trap {

// TrapCode names one row of trap_codes.def.
enum class TrapCode : uint8_t {
#define TRAP_CODE(name, token, message) k##name,
#include "runtime/trap/trap_codes.def"
};

// kNumTrapCodes is the number of rows in trap_codes.def.
inline constexpr int kNumTrapCodes = 0
#define TRAP_CODE(name, token, message) +1
#include "runtime/trap/trap_codes.def"
    ;

// TrapCodeToken returns the snake_case spelling used by the SSA text form.
inline std::string_view TrapCodeToken(TrapCode code) {
  switch (code) {
#define TRAP_CODE(name, token, message) \
  case TrapCode::k##name:               \
    return token;
#include "runtime/trap/trap_codes.def"
  }
  return "?";
}

// TrapMessage returns the spec's trap text ("integer divide by zero").
inline std::string_view TrapMessage(TrapCode code) {
  switch (code) {
#define TRAP_CODE(name, token, message) \
  case TrapCode::k##name:               \
    return message;
#include "runtime/trap/trap_codes.def"
  }
  return "?";
}

// LookupTrapCodeToken finds the trap code spelled `token` in the SSA text form.
inline std::optional<TrapCode> LookupTrapCodeToken(std::string_view token) {
#define TRAP_CODE(name, token_text, message) \
  if (token == token_text) return TrapCode::k##name;
#include "runtime/trap/trap_codes.def"
  return std::nullopt;
}

}  // namespace kiln::trap

#endif  // KILN_RUNTIME_TRAP_TRAP_CODES_H_
