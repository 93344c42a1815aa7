// CustomSection exposes a custom section of a compiled module (one that is not the name
// section kiln interprets itself), e.g. producer or source-map metadata. Only kiln implements
// it.
#ifndef KILN_API_CUSTOM_SECTION_H_
#define KILN_API_CUSTOM_SECTION_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace kiln::api {

// CustomSection is one custom section: its name and its raw contents.
class CustomSection {
 public:
  virtual ~CustomSection() = default;

  // Name is the section's name, as stored in the binary.
  virtual absl::string_view Name() const = 0;

  // Data is the section's contents after the name; it lives as long as the compiled module.
  virtual absl::Span<const uint8_t> Data() const = 0;
};

}  // namespace kiln::api

#endif  // KILN_API_CUSTOM_SECTION_H_
