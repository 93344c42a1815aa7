// kiln::Context: shared cancellation flags, deadlines and copy-on-write values.
#include "api/context.h"

#include <utility>

namespace kiln {

Context::Context()
    : cancel_(std::make_shared<CancelState>()), values_(std::make_shared<const ValueMap>()) {}

void Context::Cancel() const { cancel_->cancelled.store(true, std::memory_order_release); }

Context Context::WithCancel() const {
  Context child = *this;
  child.cancel_ = std::make_shared<CancelState>();
  child.cancel_->parent = cancel_;
  return child;
}

Context Context::WithDeadline(absl::Time deadline) const {
  Context child = *this;
  if (!deadline_.has_value() || deadline < *deadline_) child.deadline_ = deadline;
  return child;
}

Context Context::WithTimeout(absl::Duration timeout) const {
  return WithDeadline(absl::Now() + timeout);
}

Context Context::WithValue(absl::string_view key, std::any value) const {
  Context child = *this;
  auto values = std::make_shared<ValueMap>(*values_);
  (*values)[std::string(key)] = std::move(value);
  child.values_ = std::move(values);
  return child;
}

const std::any* Context::Value(absl::string_view key) const {
  auto it = values_->find(key);
  return it == values_->end() ? nullptr : &it->second;
}

bool Context::Cancelled() const {
  for (const CancelState* state = cancel_.get(); state != nullptr; state = state->parent.get()) {
    if (state->cancelled.load(std::memory_order_acquire)) return true;
  }
  return false;
}

bool Context::Done(absl::Time now) const {
  return Cancelled() || (deadline_.has_value() && now >= *deadline_);
}

absl::Status Context::Err() const {
  if (Cancelled()) return absl::CancelledError("context canceled");
  if (deadline_.has_value() && absl::Now() >= *deadline_) {
    return absl::DeadlineExceededError("context deadline exceeded");
  }
  return absl::OkStatus();
}

}  // namespace kiln
