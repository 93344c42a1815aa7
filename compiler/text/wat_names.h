// The `name` custom section of a text module: the module's $id, the $ids of its functions and
// the $ids of their parameters and locals, collected while the module is encoded and written
// as the spec's name section appendix describes it (what `wat2wasm --debug-names` writes for
// subsections 0, 1 and 2). Tools and trap backtraces read it back through the decoder.
#ifndef KILN_COMPILER_TEXT_WAT_NAMES_H_
#define KILN_COMPILER_TEXT_WAT_NAMES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "compiler/text/binary_writer.h"
#include "compiler/text/lexer.h"

namespace kiln::text {

// NameSectionBuilder gathers the names of one module. Names are keyed by index, so the order
// in which they are added does not matter: the section always lists them by increasing index.
class NameSectionBuilder {
 public:
  // Each Set/Add takes the $id token as written; the name is its key without the '$', so
  // $abc and $"abc" give the same name.
  void SetModuleName(const Token& id);
  void AddFunctionName(uint32_t function, const Token& id);
  void AddLocalName(uint32_t function, uint32_t local, const Token& id);

  // empty is true when no name was collected, so that the section would have no subsection.
  bool empty() const;

  // Write appends the custom section "name" to `out`: the module name (subsection 0),
  // the function names (1) and the local names (2), each only when it has an entry, and
  // nothing at all when empty().
  void Write(BinaryWriter& out) const;

 private:
  std::optional<std::string> module_name_;
  std::map<uint32_t, std::string> function_names_;
  std::map<uint32_t, std::map<uint32_t, std::string>> local_names_;
};

}  // namespace kiln::text

#endif  // KILN_COMPILER_TEXT_WAT_NAMES_H_
