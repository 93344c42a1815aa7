// ExitError statuses: the exit code travels as a status payload, so it survives any code that
// passes the status on unchanged.
#include "api/sys.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace kiln::sys {
namespace {

constexpr char kExitCodeUrl[] = "type.kiln.dev/kiln.sys.ExitError";

}  // namespace

absl::Status ExitError(uint32_t exit_code) {
  absl::Status status;
  switch (exit_code) {
    case kExitCodeContextCanceled:
      status = absl::CancelledError("module closed with context canceled");
      break;
    case kExitCodeDeadlineExceeded:
      status = absl::DeadlineExceededError("module closed with context deadline exceeded");
      break;
    default:
      status = absl::AbortedError(absl::StrCat("module closed with exit_code(", exit_code, ")"));
      break;
  }
  status.SetPayload(kExitCodeUrl, absl::Cord(std::to_string(exit_code)));
  return status;
}

std::optional<uint32_t> ExitCodeOf(const absl::Status& status) {
  if (status.ok()) return std::nullopt;
  auto payload = status.GetPayload(kExitCodeUrl);
  if (!payload.has_value()) return std::nullopt;
  return static_cast<uint32_t>(std::stoul(std::string(*payload)));
}

}  // namespace kiln::sys
