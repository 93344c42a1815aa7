// ParseNameSection: the subsections of the `name` custom section. Each subsection is read with
// a reader bounded by its own size, so a broken subsection cannot spill into the next one.
#include "compiler/wasm/name_section.h"

#include <map>
#include <string>

#include "compiler/base/status_macros.h"
#include "compiler/wasm/reader.h"

namespace kiln::wasm {
namespace {

// Subsection ids of the name section.
constexpr uint8_t kModuleNameId = 0;
constexpr uint8_t kFunctionNamesId = 1;
constexpr uint8_t kLocalNamesId = 2;

// ReadNameMap reads vec(index name) into `out`. Later duplicates overwrite earlier ones; the
// spec wants indices in increasing order, which a tolerant reader need not enforce.
absl::Status ReadNameMap(Reader& reader, std::map<uint32_t, std::string>* out) {
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader, reader.ReadLength(&count));
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t index = 0;
    absl::string_view name;
    KILN_READ_OR_RETURN(reader, reader.ReadU32(&index));
    KILN_READ_OR_RETURN(reader, reader.ReadName(&name));
    (*out)[index] = std::string(name);
  }
  return absl::OkStatus();
}

absl::Status ReadSubsection(uint8_t id, Reader& reader, NameSection* names) {
  switch (id) {
    case kModuleNameId: {
      absl::string_view name;
      KILN_READ_OR_RETURN(reader, reader.ReadName(&name));
      names->module_name = std::string(name);
      return absl::OkStatus();
    }
    case kFunctionNamesId:
      return ReadNameMap(reader, &names->function_names);
    case kLocalNamesId: {
      uint32_t count = 0;
      KILN_READ_OR_RETURN(reader, reader.ReadLength(&count));
      for (uint32_t i = 0; i < count; ++i) {
        uint32_t function = 0;
        KILN_READ_OR_RETURN(reader, reader.ReadU32(&function));
        KILN_RETURN_IF_ERROR(ReadNameMap(reader, &names->local_names[function]));
      }
      return absl::OkStatus();
    }
    default:
      // Extended-name-section subsections (labels, types, tables, ...) are not kept.
      reader.Seek(reader.end());
      return absl::OkStatus();
  }
}

}  // namespace

absl::Status ParseNameSection(absl::Span<const uint8_t> bytes, size_t begin, size_t end,
                              NameSection* names) {
  Reader reader(bytes, begin, end);
  while (!reader.AtEnd()) {
    uint8_t id = 0;
    uint32_t size = 0;
    KILN_READ_OR_RETURN(reader, reader.ReadByte(&id));
    KILN_READ_OR_RETURN(reader, reader.ReadLength(&size));
    // ReadLength lets a length reach past the end by its own encoded size (the spec's rule),
    // so the subsection still has to be checked against what is left.
    if (size > reader.remaining()) return MalformedError(kUnexpectedEnd, reader.end());
    Reader subsection(bytes, reader.pos(), reader.pos() + size);
    KILN_RETURN_IF_ERROR(ReadSubsection(id, subsection, names));
    if (!subsection.AtEnd()) return MalformedError("section size mismatch", subsection.pos());
    reader.Seek(subsection.end());
  }
  return absl::OkStatus();
}

}  // namespace kiln::wasm
