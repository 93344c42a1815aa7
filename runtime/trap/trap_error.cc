// Trap statuses: the spec message first, the backtrace after, the code as a payload.
#include "runtime/trap/trap_error.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"

namespace kiln::trap {

absl::Status TrapError(TrapCode code, absl::string_view backtrace) {
  std::string message(TrapMessage(code));
  if (!backtrace.empty()) absl::StrAppend(&message, "\n", backtrace);
  absl::StatusCode status_code = code == TrapCode::kCallStackExhausted
                                     ? absl::StatusCode::kResourceExhausted
                                     : absl::StatusCode::kAborted;
  absl::Status status(status_code, message);
  std::string_view token = TrapCodeToken(code);
  status.SetPayload(kTrapPayloadUrl, absl::Cord(absl::string_view(token.data(), token.size())));
  return status;
}

std::optional<TrapCode> TrapCodeOf(const absl::Status& status) {
  if (status.ok()) return std::nullopt;
  absl::optional<absl::Cord> payload = status.GetPayload(kTrapPayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  std::string token(*payload);
  return LookupTrapCodeToken(token);
}

}  // namespace kiln::trap
