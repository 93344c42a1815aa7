// Encoding of the `name` custom section; see wat_names.h.
#include "compiler/text/wat_names.h"

#include "compiler/text/wat_context.h"

namespace kiln::text {
namespace {

constexpr uint8_t kCustomSectionId = 0;
// Subsection ids of the name section.
constexpr uint8_t kModuleNameId = 0;
constexpr uint8_t kFunctionNamesId = 1;
constexpr uint8_t kLocalNamesId = 2;

// NameOf is the name an $id binds, without the '$' that IdKey keeps.
std::string NameOf(const Token& id) { return IdKey(id).substr(1); }

// WriteNameMap writes vec(index name); std::map already iterates by increasing index, the
// order the spec requires.
void WriteNameMap(BinaryWriter& out, const std::map<uint32_t, std::string>& names) {
  out.U32(static_cast<uint32_t>(names.size()));
  for (const auto& [index, name] : names) {
    out.U32(index);
    out.Name(name);
  }
}

}  // namespace

void NameSectionBuilder::SetModuleName(const Token& id) { module_name_ = NameOf(id); }

void NameSectionBuilder::AddFunctionName(uint32_t function, const Token& id) {
  function_names_[function] = NameOf(id);
}

void NameSectionBuilder::AddLocalName(uint32_t function, uint32_t local, const Token& id) {
  local_names_[function][local] = NameOf(id);
}

bool NameSectionBuilder::empty() const {
  return !module_name_.has_value() && function_names_.empty() && local_names_.empty();
}

void NameSectionBuilder::Write(BinaryWriter& out) const {
  if (empty()) return;
  // Subsections are framed like sections: id, size, contents.
  BinaryWriter contents;
  contents.Name("name");
  if (module_name_.has_value()) {
    BinaryWriter module_name;
    module_name.Name(*module_name_);
    WriteSection(contents, kModuleNameId, module_name);
  }
  if (!function_names_.empty()) {
    BinaryWriter function_names;
    WriteNameMap(function_names, function_names_);
    WriteSection(contents, kFunctionNamesId, function_names);
  }
  if (!local_names_.empty()) {
    // An indirect name map: vec(function name_map), by increasing function index.
    BinaryWriter local_names;
    local_names.U32(static_cast<uint32_t>(local_names_.size()));
    for (const auto& [function, names] : local_names_) {
      local_names.U32(function);
      WriteNameMap(local_names, names);
    }
    WriteSection(contents, kLocalNamesId, local_names);
  }
  WriteSection(out, kCustomSectionId, contents);
}

}  // namespace kiln::text
