// The per-file judge: see session.h for the rules.
#include "spectest/session.h"

#include <algorithm>
#include <initializer_list>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "runtime/trap/trap_error.h"
#include "spectest/module_check.h"

namespace kiln::spectest {
namespace {

constexpr absl::string_view kNoRuntime = "needs execution, which kiln cannot do yet";
constexpr absl::string_view kNeedsSimd =
    "needs SIMD, which the runner does not execute until the SIMD issue";

std::string Quoted(absl::string_view text) { return absl::StrCat("\"", text, "\""); }

absl::string_view FirstLine(absl::string_view text) {
  return text.substr(0, std::min(text.find('\n'), text.size()));
}

// TrapMessageMatches: ours starts with the expected text, or the expected text is our whole
// first line plus a detail the reference interpreter adds ("uninitialized element 2").
bool TrapMessageMatches(absl::string_view actual, absl::string_view expected) {
  absl::string_view first = FirstLine(actual);
  if (absl::StartsWith(first, expected)) return true;
  return !first.empty() && expected.size() > first.size() && absl::StartsWith(expected, first) &&
         expected[first.size()] == ' ';
}

std::string FormatValues(const std::vector<RuntimeValue>& values) {
  if (values.empty()) return "no results";
  return absl::StrJoin(values, ", ", [](std::string* out, const RuntimeValue& value) {
    out->append(FormatValue(value));
  });
}

std::string ActionText(const text::Action& action) {
  return absl::StrCat(action.type == text::ActionType::kInvoke ? "invoke " : "get ",
                      action.module_id ? absl::StrCat(*action.module_id, " ") : "",
                      Quoted(action.name));
}

}  // namespace

CommandReport ScriptSession::Judge(const text::Command& command) {
  CommandReport report;
  report.line = command.line;
  report.type = std::string(text::CommandTypeName(command.type));
  switch (command.type) {
    case text::CommandType::kModule:
      JudgeModule(command, report);
      break;
    case text::CommandType::kAssertMalformed:
    case text::CommandType::kAssertInvalid: {
      if (!command.module) {
        report.result = Result::kFail;
        report.detail = "the command has no module";
        break;
      }
      ModuleCheck check = CheckModule(*command.module);
      bool malformed = command.type == text::CommandType::kAssertMalformed;
      bool right_stage = malformed ? (check.failed_at == Stage::kParse ||
                                      check.failed_at == Stage::kDecode)
                                   : check.failed_at == Stage::kValidate;
      if (!right_stage) {
        report.result = Result::kFail;
        report.detail = check.failed_at == Stage::kAccepted
                            ? absl::StrCat("expected ", Quoted(command.message),
                                           ", but the module was accepted")
                            : absl::StrCat("expected ", Quoted(command.message), ", but the ",
                                           StageError(check.failed_at), ": ",
                                           check.status.message());
        break;
      }
      report.result = Result::kPass;
      report.message_mismatch = !absl::StartsWith(check.status.message(), command.message);
      report.detail =
          absl::StrCat(report.message_mismatch ? "message mismatch: " : "", "expected ",
                       Quoted(command.message), ", got ", Quoted(check.status.message()));
      break;
    }
    case text::CommandType::kRegister:
      JudgeRegister(command, report);
      break;
    case text::CommandType::kInvoke:
    case text::CommandType::kGet:
    case text::CommandType::kAssertReturn:
    case text::CommandType::kAssertTrap:
    case text::CommandType::kAssertExhaustion:
      JudgeAction(command, report);
      break;
    case text::CommandType::kAssertUnlinkable:
    case text::CommandType::kAssertUninstantiable:
      JudgeInstantiationFailure(command, report);
      break;
  }
  return report;
}

// -- Modules and register -------------------------------------------------------------------

void ScriptSession::SetCurrent(const std::optional<std::string>& id, ModuleState state) {
  if (id) named_[*id] = state;
  current_ = std::move(state);
}

std::optional<ScriptSession::Unavailable> ScriptSession::ImportBlocker(
    const wasm::Module& module) const {
  for (const wasm::Import& import : module.imports) {
    auto it = unavailable_registered_.find(import.module);
    if (it == unavailable_registered_.end()) continue;
    return Unavailable{it->second.result,
                       absl::StrCat("imports from ", Quoted(import.module), ", which ",
                                    it->second.reason)};
  }
  return std::nullopt;
}

void ScriptSession::JudgeModule(const text::Command& command, CommandReport& report) {
  if (!command.module) {
    report.result = Result::kFail;
    report.detail = "the command has no module";
    return;
  }
  const std::optional<std::string>& id = command.module->id;
  std::string where = absl::StrCat("at line ", command.line);
  ModuleCheck check = CheckModule(*command.module);
  if (check.failed_at != Stage::kAccepted) {
    report.result = Result::kFail;
    report.detail = absl::StrCat(StageError(check.failed_at), ": ", check.status.message());
    SetCurrent(id,
               Unavailable{Result::kFail, absl::StrCat(where, ", which failed: ", report.detail)});
    return;
  }
  if (executor_ == nullptr) {
    // Without a runtime a module is judged by the front door alone; what depends on it skips.
    report.result = Result::kPass;
    SetCurrent(id, Unavailable{Result::kSkip, std::string(kNoRuntime)});
    return;
  }
  auto unavailable = [&](Result result, std::string detail) {
    report.result = result;
    report.detail = detail;
    absl::string_view verb = result == Result::kSkip ? ", which was skipped: " : ", which failed: ";
    SetCurrent(id, Unavailable{result, absl::StrCat(where, verb, detail)});
  };
  if (UsesSimd(*check.module)) return unavailable(Result::kSkip, std::string(kNeedsSimd));
  if (std::optional<Unavailable> blocker = ImportBlocker(*check.module)) {
    return unavailable(blocker->result, blocker->reason);
  }
  Instantiation instantiation = executor_->Instantiate(*std::move(check.module));
  if (!instantiation.compiled.ok()) {
    if (instantiation.compiled.code() == absl::StatusCode::kUnimplemented) {
      return unavailable(Result::kSkip, absl::StrCat("the backend cannot compile it yet: ",
                                                     instantiation.compiled.message()));
    }
    return unavailable(Result::kFail,
                       absl::StrCat("compilation failed: ", instantiation.compiled.ToString()));
  }
  if (instantiation.instantiated.code() == absl::StatusCode::kUnimplemented) {
    return unavailable(Result::kSkip, absl::StrCat("the runtime cannot instantiate it yet: ",
                                                   instantiation.instantiated.message()));
  }
  if (!instantiation.instantiated.ok()) {
    return unavailable(Result::kFail, absl::StrCat("instantiation failed: ",
                                                   instantiation.instantiated.ToString()));
  }
  report.result = Result::kPass;
  SetCurrent(id, instantiation.instance);
}

std::optional<InstanceId> ScriptSession::ResolveModule(const std::optional<std::string>& id,
                                                       CommandReport& report) {
  const ModuleState* state = nullptr;
  if (id) {
    auto it = named_.find(*id);
    if (it != named_.end()) state = &it->second;
  } else if (current_) {
    state = &*current_;
  }
  if (state == nullptr) {
    report.result = Result::kFail;
    report.detail = id ? absl::StrCat("no module named ", *id) : "no module to act on";
    return std::nullopt;
  }
  if (const Unavailable* unavailable = std::get_if<Unavailable>(state)) {
    report.result = unavailable->result;
    report.detail = unavailable->reason == kNoRuntime
                        ? unavailable->reason
                        : absl::StrCat("depends on the module ", unavailable->reason);
    return std::nullopt;
  }
  return std::get<InstanceId>(*state);
}

void ScriptSession::JudgeRegister(const text::Command& command, CommandReport& report) {
  std::optional<InstanceId> instance = ResolveModule(command.register_module_id, report);
  if (!instance) {
    // Modules importing from this name later depend on the same missing module.
    unavailable_registered_[command.register_name] = Unavailable{report.result, report.detail};
    return;
  }
  absl::Status registered = executor_->Register(command.register_name, *instance);
  if (!registered.ok()) {
    report.result = Result::kFail;
    report.detail = absl::StrCat("register failed: ", registered.ToString());
    unavailable_registered_[command.register_name] =
        Unavailable{Result::kFail, absl::StrCat("failed to register at line ", command.line)};
    return;
  }
  unavailable_registered_.erase(command.register_name);
  report.result = Result::kPass;
}

// -- Actions --------------------------------------------------------------------------------

void ScriptSession::JudgeAction(const text::Command& command, CommandReport& report) {
  if (!command.action) {
    report.result = Result::kFail;
    report.detail = "the command has no action";
    return;
  }
  const text::Action& action = *command.action;
  std::optional<InstanceId> instance = ResolveModule(action.module_id, report);
  if (!instance) return;

  absl::StatusOr<std::vector<RuntimeValue>> results;
  if (action.type == text::ActionType::kInvoke) {
    results = executor_->Invoke(*instance, action.name, action.args);
  } else {
    absl::StatusOr<RuntimeValue> value = executor_->Get(*instance, action.name);
    if (value.ok()) {
      results = std::vector<RuntimeValue>{*value};
    } else {
      results = value.status();
    }
  }

  if (!results.ok() && results.status().code() == absl::StatusCode::kUnimplemented) {
    report.result = Result::kSkip;
    report.detail = absl::StrCat("the runtime cannot run ", ActionText(action), " yet: ",
                                 results.status().message());
    return;
  }
  report.result = Result::kFail;
  switch (command.type) {
    case text::CommandType::kInvoke:
    case text::CommandType::kGet:
      if (results.ok()) {
        report.result = Result::kPass;
      } else {
        report.detail = absl::StrCat(ActionText(action), " failed: ", results.status().ToString());
      }
      return;
    case text::CommandType::kAssertReturn:
      if (!results.ok()) {
        report.detail = absl::StrCat(ActionText(action), " failed: ", results.status().ToString());
      } else if (std::optional<std::string> why = MatchResults(command.expected, *results)) {
        report.detail = absl::StrCat(ActionText(action), ": ", *why);
      } else {
        report.result = Result::kPass;
      }
      return;
    case text::CommandType::kAssertTrap:
    case text::CommandType::kAssertExhaustion: {
      std::string expected = absl::StrCat("expected trap ", Quoted(command.message));
      if (results.ok()) {
        report.detail = absl::StrCat(expected, ", but ", ActionText(action), " returned ",
                                     FormatValues(*results));
      } else if (!trap::TrapCodeOf(results.status()).has_value()) {
        report.detail = absl::StrCat(expected, ", but ", ActionText(action),
                                     " failed without a trap: ", results.status().ToString());
      } else if (!TrapMessageMatches(results.status().message(), command.message)) {
        report.detail = absl::StrCat(expected, ", got ",
                                     Quoted(FirstLine(results.status().message())));
      } else {
        report.result = Result::kPass;
      }
      return;
    }
    default:
      report.detail = "not an action command";
      return;
  }
}

// -- assert_unlinkable and assert_uninstantiable --------------------------------------------

void ScriptSession::JudgeInstantiationFailure(const text::Command& command,
                                              CommandReport& report) {
  report.result = Result::kFail;
  if (!command.module) {
    report.detail = "the command has no module";
    return;
  }
  ModuleCheck check = CheckModule(*command.module);
  if (check.failed_at != Stage::kAccepted) {
    report.detail = absl::StrCat(StageError(check.failed_at), ": ", check.status.message());
    return;
  }
  if (executor_ == nullptr) {
    report.result = Result::kSkip;
    report.detail = std::string(kNoRuntime);
    return;
  }
  if (UsesSimd(*check.module)) {
    report.result = Result::kSkip;
    report.detail = std::string(kNeedsSimd);
    return;
  }
  if (std::optional<Unavailable> blocker = ImportBlocker(*check.module)) {
    report.result = blocker->result;
    report.detail = blocker->reason;
    return;
  }
  bool want_link_error = command.type == text::CommandType::kAssertUnlinkable;
  std::string expected = absl::StrCat("expected ", want_link_error ? "link error " : "trap ",
                                      Quoted(command.message));
  Instantiation instantiation = executor_->Instantiate(*std::move(check.module));
  if (!instantiation.compiled.ok()) {
    if (instantiation.compiled.code() == absl::StatusCode::kUnimplemented) {
      report.result = Result::kSkip;
      report.detail = absl::StrCat("the backend cannot compile it yet: ",
                                   instantiation.compiled.message());
    } else {
      report.detail = absl::StrCat(expected, ", but compilation failed: ",
                                   instantiation.compiled.ToString());
    }
    return;
  }
  const absl::Status& status = instantiation.instantiated;
  if (status.code() == absl::StatusCode::kUnimplemented) {
    report.result = Result::kSkip;
    report.detail = absl::StrCat("the runtime cannot instantiate it yet: ", status.message());
    return;
  }
  if (status.ok()) {
    report.detail = absl::StrCat(expected, ", but the module instantiated");
    return;
  }
  bool trapped = trap::TrapCodeOf(status).has_value();
  if (trapped == want_link_error) {
    report.detail = absl::StrCat(expected, ", but ", trapped ? "it trapped: " : "it failed: ",
                                 FirstLine(status.message()));
    return;
  }
  bool matches = want_link_error ? absl::StartsWith(status.message(), command.message)
                                 : TrapMessageMatches(status.message(), command.message);
  if (!matches) {
    report.detail = absl::StrCat(expected, ", got ", Quoted(FirstLine(status.message())));
    return;
  }
  report.result = Result::kPass;
}

}  // namespace kiln::spectest
