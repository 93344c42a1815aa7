// ScriptSession judges the commands of one .wast file in order, keeping the state the spec's
// scripts rely on: the current module, modules named by `$id`, and names made importable by
// `register`. The rules:
//   module            passes when it parses, decodes, validates and (with an executor)
//                     compiles and instantiates; it becomes the current module.
//   assert_malformed  passes when parsing (text, quote) or decoding fails.
//   assert_invalid    passes when the module decodes but validation fails.
//   register          passes when the named (or current) instance is registered.
//   invoke / get      pass when the action completes without trapping.
//   assert_return     passes when every result matches (values.h: bit-exact, NaN patterns).
//   assert_trap       passes when the action traps with the expected message.
//   assert_exhaustion passes when the action traps with "call stack exhausted".
//   assert_unlinkable passes when instantiation fails at link time with the expected message.
//   assert_uninstantiable  passes when instantiation traps with the expected message.
// Trap and link messages match as the spec's runners compare them: ours must start with the
// expected text. The reference interpreter sometimes appends a detail that kiln does not
// ("uninitialized element 2"), so a trap also matches when the expected text is our first line
// followed by a space and more. Messages of assert_malformed/assert_invalid only count a
// mismatch for information (the module-level rules above decide).
//
// Skips are never silent passes: without an executor, everything needing execution is a skip;
// a module needing SIMD, or one the backend cannot compile or the runtime cannot instantiate
// yet (kUnimplemented), is a skip, and so is every later command that depends on it (actions
// on it, registering it, modules that import from the name it was registered under), each
// with the reason; an action the runtime reports kUnimplemented for is a skip too. Any other
// error is a failure, and commands that depend on a failed module fail too, naming it.
#ifndef KILN_SPECTEST_SESSION_H_
#define KILN_SPECTEST_SESSION_H_

#include <map>
#include <optional>
#include <string>
#include <variant>

#include "absl/strings/string_view.h"
#include "compiler/text/script.h"
#include "spectest/executor.h"
#include "spectest/runner.h"

namespace kiln::spectest {

// ScriptSession holds one file's state. `executor` may be null (no runtime); it must outlive
// the session.
class ScriptSession {
 public:
  explicit ScriptSession(Executor* executor) : executor_(executor) {}

  // Judge runs one command and returns its verdict.
  CommandReport Judge(const text::Command& command);

 private:
  // Unavailable is a module whose dependants are skipped (kSkip) or failed (kFail), and why.
  struct Unavailable {
    Result result = Result::kSkip;
    std::string reason;
  };
  // ModuleState is a live instance or the reason there is none.
  using ModuleState = std::variant<InstanceId, Unavailable>;

  void JudgeModule(const text::Command& command, CommandReport& report);
  void JudgeRegister(const text::Command& command, CommandReport& report);
  void JudgeAction(const text::Command& command, CommandReport& report);
  void JudgeInstantiationFailure(const text::Command& command, CommandReport& report);

  // ResolveModule finds the instance an action or register names (the current one when
  // `id` is absent); when there is none, it fills `report` and returns nullopt.
  std::optional<InstanceId> ResolveModule(const std::optional<std::string>& id,
                                          CommandReport& report);
  // ImportBlocker returns why `module` cannot be instantiated because it imports from a
  // registered name whose module was skipped or failed.
  std::optional<Unavailable> ImportBlocker(const wasm::Module& module) const;
  // SetCurrent makes `state` the current module and names it `id` when given.
  void SetCurrent(const std::optional<std::string>& id, ModuleState state);

  Executor* executor_;
  std::optional<ModuleState> current_;
  std::map<std::string, ModuleState> named_;             // by "$id"
  std::map<std::string, Unavailable> unavailable_registered_;  // by register name
};

}  // namespace kiln::spectest

#endif  // KILN_SPECTEST_SESSION_H_
