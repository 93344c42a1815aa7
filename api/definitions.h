// Definitions describe what a module declares, before and independently of instantiation: its
// functions and memories, where they come from (an import or the module itself) and under which
// names they are exported. A compiled module hands them out, and so does every instance.
//
// These are interfaces so kiln can back them with its own structures; only kiln implements
// them, and their methods may grow between releases.
#ifndef KILN_API_DEFINITIONS_H_
#define KILN_API_DEFINITIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "api/wasm.h"

namespace kiln::api {

class HostFunction;
class HostModuleFunction;

// ImportName is the two-level name an entity was imported under. Either part may be empty: the
// spec allows "" for both.
struct ImportName {
  absl::string_view module;
  absl::string_view name;
};

// ExportDefinition is what every exportable definition tells about its origin.
class ExportDefinition {
 public:
  virtual ~ExportDefinition() = default;

  // ModuleName is the name the defining module gives itself (possibly empty). It need not match
  // an instance's Module::Name(): one compiled module can be instantiated under many names.
  virtual absl::string_view ModuleName() const = 0;

  // Index is the position in the module's index space of this kind, imports counted first.
  virtual uint32_t Index() const = 0;

  // Import returns the module and field names when this definition is an import, and nullopt
  // when the module defines it itself.
  virtual std::optional<ImportName> Import() const = 0;

  // ExportNames lists every name this definition is exported under, in export-section order;
  // empty when it is not exported. "" is a valid export name.
  virtual absl::Span<const std::string> ExportNames() const = 0;
};

// MemoryDefinition describes a linear memory. Sizes are in 64 KiB pages.
class MemoryDefinition : public ExportDefinition {
 public:
  // Min is the initial number of pages (possibly zero).
  virtual uint32_t Min() const = 0;

  // Max is the page limit the memory may grow to, or nullopt when the module sets none.
  virtual std::optional<uint32_t> Max() const = 0;
};

// HostImplementation is how a function is implemented when the embedder supplied it in C++
// rather than Wasm: none (a Wasm function), a HostModuleFunction, or a HostFunction. The
// pointers are owned by the definition.
using HostImplementation =
    std::variant<std::monostate, const HostModuleFunction*, const HostFunction*>;

// FunctionDefinition describes a function: its signature, its names and where it comes from.
class FunctionDefinition : public ExportDefinition {
 public:
  // Name is the function's own name from the module (the name section), which is unrelated to
  // its export names; empty when the module does not name it.
  virtual absl::string_view Name() const = 0;

  // DebugName identifies the function in errors and stack traces as "<module>.<name>", using
  // "$<index>" when the function is unnamed: ".$0" is the first function of an unnamed module.
  // Neither part is escaped, so dots inside names make the split ambiguous; the string is for
  // people, not parsing. It comes from Name() and Index(), never from import or export names.
  virtual absl::string_view DebugName() const = 0;

  // Host is set when the embedder implemented the function in C++ (see HostModuleBuilder).
  virtual HostImplementation Host() const = 0;

  // ParamTypes are the parameter types, in order; see ValueType for their encodings.
  virtual absl::Span<const ValueType> ParamTypes() const = 0;

  // ParamNames match ParamTypes index for index, or are empty unless every parameter is named.
  virtual absl::Span<const std::string> ParamNames() const = 0;

  // ResultTypes are the result types, in order (Wasm 2.0 allows several).
  virtual absl::Span<const ValueType> ResultTypes() const = 0;

  // ResultNames match ResultTypes index for index, or are empty unless every result is named.
  virtual absl::Span<const std::string> ResultNames() const = 0;
};

}  // namespace kiln::api

#endif  // KILN_API_DEFINITIONS_H_
