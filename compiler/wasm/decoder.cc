// Decode: the binary format's sections into a Module. The structure follows the spec's binary
// chapter section by section; the choices that are not obvious come from matching the reference
// interpreter, whose messages the spec suite's assert_malformed checks:
//
//  - Section contents are read against the whole binary, not against the declared section
//    size, and the size is checked afterwards ("section size mismatch"). So a section whose
//    count promises more entries than it holds reads on into the next section and fails there
//    the way the interpreter fails ("length out of bounds", "unexpected end of section or
//    function", ...). Function bodies and constant expressions work the same way: they end at
//    the `end` that closes them, wherever that is, and only then is the body size compared.
//  - Sections may come in any order the spec allows, each at most once; anything else is
//    "unexpected content after last section". Custom sections may appear anywhere.
//  - Cross-section checks (function/code counts, data count) happen after the last section.
//
// Every function body and constant expression is walked operator by operator, tracking only
// which constructs are open (block/loop, if, else), so that malformed code is rejected here.
// The walk steps over the immediates of common one-byte operators by their shape alone
// (skip_operator.h) when they are short and certainly well formed, and decodes everything else
// with the operator decoding CodeReader uses (read_operator.h), which reports the errors.
#include "compiler/wasm/decoder.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "compiler/base/huge_pages.h"
#include "compiler/base/status_macros.h"
#include "compiler/wasm/instruction.h"
#include "compiler/wasm/name_section.h"
#include "compiler/wasm/read_operator.h"
#include "compiler/wasm/reader.h"
#include "compiler/wasm/skip_operator.h"
#include "compiler/wasm/validate_code.h"
#include "compiler/wasm/validation_context.h"

namespace kiln::wasm {
namespace {

// -- Sections -------------------------------------------------------------------------------

enum SectionId : uint8_t {
  kCustomSection = 0,
  kTypeSection = 1,
  kImportSection = 2,
  kFunctionSection = 3,
  kTableSection = 4,
  kMemorySection = 5,
  kGlobalSection = 6,
  kExportSection = 7,
  kStartSection = 8,
  kElementSection = 9,
  kCodeSection = 10,
  kDataSection = 11,
  kDataCountSection = 12,
};
constexpr uint8_t kLastSectionId = kDataCountSection;

constexpr absl::string_view SectionName(uint8_t id) {
  constexpr absl::string_view kNames[] = {
      "custom", "type",    "import", "function", "table", "memory",    "global",
      "export", "start",   "element", "code",    "data",  "data count",
  };
  return id <= kLastSectionId ? kNames[id] : "unknown";
}

// SectionRank is a section's place in the required order. The data count section is numbered
// 12 but sits between the element and code sections.
constexpr int SectionRank(uint8_t id) {
  switch (id) {
    case kDataCountSection: return kElementSection + 1;
    case kCodeSection: return kElementSection + 2;
    case kDataSection: return kElementSection + 3;
    default: return id;
  }
}

constexpr uint32_t kMagic = 0x6d736100;  // "\0asm"
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderSize = 8;
constexpr uint64_t kMaxLocals = std::numeric_limits<uint32_t>::max();

// ReserveAtMost reserves room for `count` entries, but never more than a few thousand: a count
// is bounded by the input size only, and each entry may be much larger than its encoding.
template <typename T>
void ReserveAtMost(std::vector<T>& entries, uint32_t count) {
  entries.reserve(std::min<uint32_t>(count, 4096));
}

// AddLocation turns the readers' "<message> (offset 0x1f)" into
// "<message> (section code, offset 0x1f, func 3)".
absl::Status AddLocation(const absl::Status& status, uint8_t section,
                         std::optional<uint32_t> func) {
  absl::string_view message = status.message();
  constexpr absl::string_view kOffsetMarker = " (offset ";
  const size_t marker = message.rfind(kOffsetMarker);
  if (marker == absl::string_view::npos || message.back() != ')') return status;
  const absl::string_view spec_message = message.substr(0, marker);
  const absl::string_view offset =
      message.substr(marker + 2, message.size() - marker - 3);  // "offset 0x1f"
  std::string located = absl::StrCat(spec_message, " (section ", SectionName(section), ", ",
                                     offset);
  if (func.has_value()) absl::StrAppend(&located, ", func ", *func);
  located += ')';
  return absl::Status(status.code(), located);
}

// ControlKind is what an open construct accepts next: `else` is only legal right inside an
// `if` that has not had one yet.
enum class ControlKind : uint8_t { kBlock, kIf, kElse };

// -- ModuleDecoder --------------------------------------------------------------------------

class ModuleDecoder {
 public:
  ModuleDecoder(Module* module, const DecodeOptions& options)
      : module_(*module),
        bytes_(absl::MakeConstSpan(module->bytes)),
        reader_(bytes_),
        trust_code_bodies_(options.trust_code_bodies) {}

  absl::Status Decode();
  // SetCodeValidation records what validating the bodies on the way found, if it ran.
  void SetCodeValidation() { module_.code_validation = code_validation_; }

 private:
  absl::Status DecodeHeader();
  absl::Status DecodeSection(uint8_t id, size_t section_offset, size_t end);
  absl::Status DecodeCustomSection(size_t section_offset, size_t end);
  absl::Status DecodeTypeSection();
  absl::Status DecodeImportSection();
  absl::Status DecodeFunctionSection();
  absl::Status DecodeTableSection();
  absl::Status DecodeMemorySection();
  absl::Status DecodeGlobalSection();
  absl::Status DecodeExportSection();
  absl::Status DecodeStartSection();
  absl::Status DecodeElementSection();
  absl::Status DecodeDataCountSection();
  absl::Status DecodeCodeSection();
  absl::Status DecodeDataSection();
  absl::Status CheckAcrossSections();

  absl::Status ReadValTypes(std::vector<ValType>* out);
  absl::Status ReadLimits(Limits* out);
  absl::Status ReadTableType(TableType* out);
  absl::Status ReadGlobalType(GlobalType* out);
  absl::Status ReadElemSegment(ElemSegment* out);
  absl::Status ReadDataSegment(DataSegment* out);
  absl::Status ReadFuncIndices(std::vector<uint32_t>* out);
  absl::Status ReadConstExprs(std::vector<ConstExpr>* out);
  absl::Status ReadElemKind(ValType* out);
  absl::Status ReadCode(Code* out);
  absl::Status ReadLocals(Code* out);

  // ReadConstExpr reads a constant expression starting at the reader's position.
  absl::Status ReadConstExpr(ConstExpr* out);
  // WalkExpression decodes operators from `begin` through the `end` that closes the
  // expression and returns the offset just past that `end`.
  absl::Status WalkExpression(size_t begin, bool in_function, size_t* end);

  Module& module_;
  absl::Span<const uint8_t> bytes_;
  Reader reader_;  // over the whole binary, like the reference interpreter's stream
  std::optional<uint32_t> current_func_;  // the function being decoded, for error locations
  std::vector<ControlKind> control_;      // open constructs; reused by every expression
  std::vector<uint32_t> br_table_;        // br_table targets of the operator being read
  std::vector<ValType> select_types_;     // typed select's types of the operator being read
  bool code_uses_data_index_ = false;     // memory.init or data.drop seen in a body
  // Validation of the bodies on the way (see DecodeCodeSection): the context, the validator
  // while every body so far is valid, and the result for Module::code_validation.
  std::optional<ValidationContext> context_;
  std::optional<CodeValidator> code_validator_;
  std::optional<absl::Status> code_validation_;
  // DecodeOptions::trust_code_bodies: bodies are delimited by their sizes, not read.
  bool trust_code_bodies_ = false;
  bool has_name_section_ = false;
};

absl::Status ModuleDecoder::Decode() {
  KILN_RETURN_IF_ERROR(DecodeHeader());
  int last_rank = 0;
  while (!reader_.AtEnd()) {
    const size_t section_offset = reader_.pos();
    uint8_t id = 0;
    KILN_READ_OR_RETURN(reader_, reader_.ReadByte(&id));
    if (id > kLastSectionId) return MalformedError("malformed section id", section_offset);
    if (id != kCustomSection) {
      const int rank = SectionRank(id);
      if (rank <= last_rank) {
        return MalformedError("unexpected content after last section", section_offset);
      }
      last_rank = rank;
    }
    uint32_t size = 0;
    absl::Status status = reader_.ReadLength(&size) ? absl::OkStatus() : reader_.error();
    if (status.ok()) {
      const size_t contents = reader_.pos();
      status = DecodeSection(id, section_offset, contents + size);
      if (status.ok() && reader_.pos() != contents + size) {
        status = MalformedError("section size mismatch", contents);
      }
    }
    if (!status.ok()) return AddLocation(status, id, current_func_);
  }
  return CheckAcrossSections();
}

absl::Status ModuleDecoder::DecodeHeader() {
  uint32_t magic = 0;
  uint32_t version = 0;
  if (bytes_.size() < 4) return MalformedError("unexpected end", bytes_.size());
  KILN_READ_OR_RETURN(reader_, reader_.ReadFixed32(&magic));
  if (magic != kMagic) return MalformedError("magic header not detected", 0);
  if (bytes_.size() < kHeaderSize) return MalformedError("unexpected end", bytes_.size());
  KILN_READ_OR_RETURN(reader_, reader_.ReadFixed32(&version));
  if (version != kVersion) return MalformedError("unknown binary version", 4);
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeSection(uint8_t id, size_t section_offset, size_t end) {
  switch (static_cast<SectionId>(id)) {
    case kCustomSection: return DecodeCustomSection(section_offset, end);
    case kTypeSection: return DecodeTypeSection();
    case kImportSection: return DecodeImportSection();
    case kFunctionSection: return DecodeFunctionSection();
    case kTableSection: return DecodeTableSection();
    case kMemorySection: return DecodeMemorySection();
    case kGlobalSection: return DecodeGlobalSection();
    case kExportSection: return DecodeExportSection();
    case kStartSection: return DecodeStartSection();
    case kElementSection: return DecodeElementSection();
    case kCodeSection: return DecodeCodeSection();
    case kDataSection: return DecodeDataSection();
    case kDataCountSection: return DecodeDataCountSection();
  }
  return MalformedError("malformed section id", section_offset);
}

absl::Status ModuleDecoder::CheckAcrossSections() {
  const size_t end = bytes_.size();
  if (module_.functions.size() != module_.codes.size()) {
    return MalformedError("function and code section have inconsistent lengths", end);
  }
  if (module_.data_count.has_value() && *module_.data_count != module_.datas.size()) {
    return MalformedError("data count and data section have inconsistent lengths", end);
  }
  if (!module_.data_count.has_value() && code_uses_data_index_) {
    return MalformedError("data count section required", end);
  }
  return absl::OkStatus();
}

// -- Custom sections ------------------------------------------------------------------------

absl::Status ModuleDecoder::DecodeCustomSection(size_t section_offset, size_t end) {
  absl::string_view name;
  KILN_READ_OR_RETURN(reader_, reader_.ReadName(&name));
  // A name longer than the section, or a section longer than the input, leaves nothing to
  // skip: the interpreter runs out of input there.
  if (reader_.pos() > end || end > bytes_.size()) return MalformedError(kUnexpectedEnd, end);
  CustomSection custom;
  custom.name = std::string(name);
  custom.data = ByteRange{static_cast<uint32_t>(reader_.pos()),
                          static_cast<uint32_t>(end - reader_.pos())};
  custom.section_offset = static_cast<uint32_t>(section_offset);
  if (custom.name == "name" && !has_name_section_) {
    has_name_section_ = true;
    // A malformed name section is ignored; what parsed before the problem is kept.
    ParseNameSection(bytes_, reader_.pos(), end, &module_.names).IgnoreError();
  }
  module_.customs.push_back(std::move(custom));
  reader_.Seek(end);
  return absl::OkStatus();
}

// -- Types, imports, functions, tables, memories, globals -----------------------------------

absl::Status ModuleDecoder::ReadValTypes(std::vector<ValType>* out) {
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&count));
  out->resize(count);
  for (ValType& type : *out) KILN_READ_OR_RETURN(reader_, ReadValType(reader_, &type));
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeTypeSection() {
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&count));
  ReserveAtMost(module_.types, count);
  for (uint32_t i = 0; i < count; ++i) {
    const size_t offset = reader_.pos();
    uint8_t form = 0;
    KILN_READ_OR_RETURN(reader_, reader_.ReadByte(&form));
    if (form != 0x60) {
      // The form is an s7 in the spec, so a continuation bit makes it too long.
      if ((form & 0x80) != 0) return MalformedError(kIntegerTooLong, offset + 1);
      return MalformedError("malformed function type", offset);
    }
    FuncType type;
    KILN_RETURN_IF_ERROR(ReadValTypes(&type.params));
    KILN_RETURN_IF_ERROR(ReadValTypes(&type.results));
    module_.types.push_back(std::move(type));
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::ReadLimits(Limits* out) {
  uint32_t has_max = 0;
  uint32_t min = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadU1(&has_max));
  KILN_READ_OR_RETURN(reader_, reader_.ReadU32(&min));
  out->min = min;
  out->max.reset();
  if (has_max != 0) {
    uint32_t max = 0;
    KILN_READ_OR_RETURN(reader_, reader_.ReadU32(&max));
    out->max = max;
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::ReadTableType(TableType* out) {
  KILN_READ_OR_RETURN(reader_, ReadRefType(reader_, &out->element));
  return ReadLimits(&out->limits);
}

absl::Status ModuleDecoder::ReadGlobalType(GlobalType* out) {
  KILN_READ_OR_RETURN(reader_, ReadValType(reader_, &out->type));
  const size_t offset = reader_.pos();
  uint8_t mutability = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadByte(&mutability));
  if (mutability > 1) return MalformedError("malformed mutability", offset);
  out->is_mutable = mutability == 1;
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeImportSection() {
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&count));
  ReserveAtMost(module_.imports, count);
  for (uint32_t i = 0; i < count; ++i) {
    Import import;
    absl::string_view module_name;
    absl::string_view item_name;
    KILN_READ_OR_RETURN(reader_, reader_.ReadName(&module_name));
    KILN_READ_OR_RETURN(reader_, reader_.ReadName(&item_name));
    import.module = std::string(module_name);
    import.name = std::string(item_name);
    const size_t kind_offset = reader_.pos();
    uint8_t kind = 0;
    KILN_READ_OR_RETURN(reader_, reader_.ReadByte(&kind));
    switch (kind) {
      case static_cast<uint8_t>(ExternKind::kFunc):
        KILN_READ_OR_RETURN(reader_, reader_.ReadU32(&import.func_type));
        ++module_.num_imported_functions;
        break;
      case static_cast<uint8_t>(ExternKind::kTable):
        KILN_RETURN_IF_ERROR(ReadTableType(&import.table));
        ++module_.num_imported_tables;
        break;
      case static_cast<uint8_t>(ExternKind::kMemory):
        KILN_RETURN_IF_ERROR(ReadLimits(&import.memory.limits));
        ++module_.num_imported_memories;
        break;
      case static_cast<uint8_t>(ExternKind::kGlobal):
        KILN_RETURN_IF_ERROR(ReadGlobalType(&import.global));
        ++module_.num_imported_globals;
        break;
      default:
        return MalformedError("malformed import kind", kind_offset);
    }
    import.kind = static_cast<ExternKind>(kind);
    module_.imports.push_back(std::move(import));
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeFunctionSection() {
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&count));
  module_.functions.resize(count);
  for (uint32_t& type_index : module_.functions) {
    KILN_READ_OR_RETURN(reader_, reader_.ReadU32(&type_index));
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeTableSection() {
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&count));
  ReserveAtMost(module_.tables, count);
  for (uint32_t i = 0; i < count; ++i) {
    TableType table;
    KILN_RETURN_IF_ERROR(ReadTableType(&table));
    module_.tables.push_back(table);
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeMemorySection() {
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&count));
  ReserveAtMost(module_.memories, count);
  for (uint32_t i = 0; i < count; ++i) {
    MemoryType memory;
    KILN_RETURN_IF_ERROR(ReadLimits(&memory.limits));
    module_.memories.push_back(memory);
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeGlobalSection() {
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&count));
  ReserveAtMost(module_.globals, count);
  for (uint32_t i = 0; i < count; ++i) {
    Global global;
    KILN_RETURN_IF_ERROR(ReadGlobalType(&global.type));
    KILN_RETURN_IF_ERROR(ReadConstExpr(&global.init));
    module_.globals.push_back(global);
  }
  return absl::OkStatus();
}

// -- Exports and start ----------------------------------------------------------------------

absl::Status ModuleDecoder::DecodeExportSection() {
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&count));
  ReserveAtMost(module_.exports, count);
  for (uint32_t i = 0; i < count; ++i) {
    Export entry;
    absl::string_view name;
    KILN_READ_OR_RETURN(reader_, reader_.ReadName(&name));
    entry.name = std::string(name);
    const size_t kind_offset = reader_.pos();
    uint8_t kind = 0;
    KILN_READ_OR_RETURN(reader_, reader_.ReadByte(&kind));
    if (kind > static_cast<uint8_t>(ExternKind::kGlobal)) {
      return MalformedError("malformed export kind", kind_offset);
    }
    entry.kind = static_cast<ExternKind>(kind);
    KILN_READ_OR_RETURN(reader_, reader_.ReadU32(&entry.index));
    module_.exports.push_back(std::move(entry));
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeStartSection() {
  uint32_t start = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadU32(&start));
  module_.start = start;
  return absl::OkStatus();
}

// -- Element and data segments --------------------------------------------------------------

absl::Status ModuleDecoder::ReadFuncIndices(std::vector<uint32_t>* out) {
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&count));
  out->resize(count);
  for (uint32_t& index : *out) KILN_READ_OR_RETURN(reader_, reader_.ReadU32(&index));
  return absl::OkStatus();
}

absl::Status ModuleDecoder::ReadConstExprs(std::vector<ConstExpr>* out) {
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&count));
  out->resize(count);
  for (ConstExpr& expr : *out) KILN_RETURN_IF_ERROR(ReadConstExpr(&expr));
  return absl::OkStatus();
}

// ReadElemKind reads the elemkind byte of the index-list forms; 0x00 (funcref) is the only one.
absl::Status ModuleDecoder::ReadElemKind(ValType* out) {
  const size_t offset = reader_.pos();
  uint8_t kind = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadByte(&kind));
  if (kind != 0x00) return MalformedError("malformed element kind", offset);
  *out = ValType::kFuncRef;
  return absl::OkStatus();
}

// ReadElemSegment decodes the eight forms the flags select. Bit 0: passive or declarative
// (else active); bit 1: an explicit table index (active) or declarative (otherwise); bit 2:
// items are expressions rather than function indices.
absl::Status ModuleDecoder::ReadElemSegment(ElemSegment* out) {
  const size_t flags_offset = reader_.pos();
  uint32_t flags = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadU32(&flags));
  if (flags > 7) return MalformedError("malformed elements segment kind", flags_offset);
  const bool not_active = (flags & 1) != 0;
  const bool explicit_table_or_declarative = (flags & 2) != 0;
  const bool uses_exprs = (flags & 4) != 0;

  out->type = ValType::kFuncRef;
  out->table = 0;
  if (not_active) {
    out->mode = explicit_table_or_declarative ? SegmentMode::kDeclarative : SegmentMode::kPassive;
  } else {
    out->mode = SegmentMode::kActive;
    if (explicit_table_or_declarative) KILN_READ_OR_RETURN(reader_, reader_.ReadU32(&out->table));
    KILN_RETURN_IF_ERROR(ReadConstExpr(&out->offset));
  }
  // Flags 0 and 4 imply funcref; every other form spells its type out.
  const bool has_type = not_active || explicit_table_or_declarative;
  out->uses_indices = !uses_exprs;
  if (uses_exprs) {
    if (has_type) KILN_READ_OR_RETURN(reader_, ReadRefType(reader_, &out->type));
    return ReadConstExprs(&out->items);
  }
  if (has_type) KILN_RETURN_IF_ERROR(ReadElemKind(&out->type));
  return ReadFuncIndices(&out->func_indices);
}

absl::Status ModuleDecoder::DecodeElementSection() {
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&count));
  ReserveAtMost(module_.elems, count);
  for (uint32_t i = 0; i < count; ++i) {
    ElemSegment segment;
    KILN_RETURN_IF_ERROR(ReadElemSegment(&segment));
    module_.elems.push_back(std::move(segment));
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::ReadDataSegment(DataSegment* out) {
  const size_t flags_offset = reader_.pos();
  uint32_t flags = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadU32(&flags));
  switch (flags) {
    case 0:
      out->mode = SegmentMode::kActive;
      out->memory = 0;
      KILN_RETURN_IF_ERROR(ReadConstExpr(&out->offset));
      break;
    case 1:
      out->mode = SegmentMode::kPassive;
      break;
    case 2:
      out->mode = SegmentMode::kActive;
      KILN_READ_OR_RETURN(reader_, reader_.ReadU32(&out->memory));
      KILN_RETURN_IF_ERROR(ReadConstExpr(&out->offset));
      break;
    default:
      return MalformedError("malformed data segment kind", flags_offset);
  }
  uint32_t size = 0;
  size_t begin = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&size));
  KILN_READ_OR_RETURN(reader_, reader_.ReadBytes(size, &begin));
  out->init = ByteRange{static_cast<uint32_t>(begin), size};
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeDataSection() {
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&count));
  ReserveAtMost(module_.datas, count);
  for (uint32_t i = 0; i < count; ++i) {
    DataSegment segment;
    KILN_RETURN_IF_ERROR(ReadDataSegment(&segment));
    module_.datas.push_back(segment);
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeDataCountSection() {
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadU32(&count));
  module_.data_count = count;
  return absl::OkStatus();
}

// -- Code -----------------------------------------------------------------------------------

absl::Status ModuleDecoder::DecodeCodeSection() {
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&count));
  // A count that matches the function section is the module's (and bounded by the bytes
  // left): reserve it whole, growing a vector of tens of thousands of bodies copies them
  // over and over. Any other count is an error soon; reserve little for it.
  if (count == module_.functions.size()) {
    module_.codes.reserve(count);
  } else {
    ReserveAtMost(module_.codes, count);
  }
  // The bodies are validated as they are decoded, which reads each body once instead of twice
  // (here and in Validate). Everything validation needs precedes the code section, except the
  // data segments' count when no data count section gives it -- and then memory.init and
  // data.drop are malformed anyway. A body the validator accepts is also well formed, with its
  // closing `end` right at its declared size, so the walk has nothing to add; any other body
  // is walked as usual, so that malformed code is reported exactly as before. Validation stops
  // at the first invalid body: its error is what Validate would report for the code.
  code_validator_.reset();
  if (trust_code_bodies_) {
    code_validation_ = absl::OkStatus();
  } else if (count == module_.functions.size()) {
    absl::StatusOr<ValidationContext> context = BuildValidationContext(module_);
    if (context.ok()) {
      context_ = *std::move(context);
      code_validator_.emplace(*context_);
      code_validation_ = absl::OkStatus();
    }
  }
  for (uint32_t i = 0; i < count; ++i) {
    current_func_ = module_.num_imported_functions + i;
    Code code;
    KILN_RETURN_IF_ERROR(ReadCode(&code));
    module_.codes.push_back(std::move(code));
  }
  current_func_.reset();
  return absl::OkStatus();
}

absl::Status ModuleDecoder::ReadCode(Code* out) {
  uint32_t size = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&size));
  const size_t start = reader_.pos();
  KILN_RETURN_IF_ERROR(ReadLocals(out));
  const size_t body = reader_.pos();
  if (trust_code_bodies_) {
    if (body > start + size || start + size > bytes_.size()) {
      return MalformedError("section size mismatch", start);
    }
    out->body = ByteRange{static_cast<uint32_t>(body), static_cast<uint32_t>(start + size - body)};
    out->whole = ByteRange{static_cast<uint32_t>(start), size};
    reader_.Seek(start + size);
    return absl::OkStatus();
  }
  if (code_validator_.has_value() && body <= start + size && start + size <= bytes_.size()) {
    out->body = ByteRange{static_cast<uint32_t>(body), static_cast<uint32_t>(start + size - body)};
    out->whole = ByteRange{static_cast<uint32_t>(start), size};
    absl::Status valid = code_validator_->ValidateFunction(*current_func_, *out);
    if (valid.ok()) {
      reader_.Seek(start + size);
      return absl::OkStatus();
    }
    code_validation_ = std::move(valid);
    code_validator_.reset();
  }
  size_t end = 0;
  KILN_RETURN_IF_ERROR(WalkExpression(body, /*in_function=*/true, &end));
  if (end != start + size) return MalformedError("section size mismatch", start);
  reader_.Seek(end);
  out->body = ByteRange{static_cast<uint32_t>(body), static_cast<uint32_t>(end - body)};
  out->whole = ByteRange{static_cast<uint32_t>(start), size};
  return absl::OkStatus();
}

absl::Status ModuleDecoder::ReadLocals(Code* out) {
  const size_t offset = reader_.pos();
  uint32_t count = 0;
  KILN_READ_OR_RETURN(reader_, reader_.ReadLength(&count));
  out->locals.resize(count);
  uint64_t total = 0;
  for (LocalDecl& decl : out->locals) {
    KILN_READ_OR_RETURN(reader_, reader_.ReadU32(&decl.count));
    KILN_READ_OR_RETURN(reader_, ReadValType(reader_, &decl.type));
    total += decl.count;  // at most 2^32 runs of at most 2^32 - 1: no overflow in 64 bits
  }
  if (total > kMaxLocals) return MalformedError("too many locals", offset);
  out->local_count = total;
  return absl::OkStatus();
}

absl::Status ModuleDecoder::ReadConstExpr(ConstExpr* out) {
  const size_t begin = reader_.pos();
  size_t end = 0;
  KILN_RETURN_IF_ERROR(WalkExpression(begin, /*in_function=*/false, &end));
  reader_.Seek(end);
  out->code = ByteRange{static_cast<uint32_t>(begin), static_cast<uint32_t>(end - begin)};
  return absl::OkStatus();
}

absl::Status ModuleDecoder::WalkExpression(size_t begin, bool in_function, size_t* end) {
  const uint32_t limit = static_cast<uint32_t>(bytes_.size());
  const uint8_t* const bytes = bytes_.data();
  uint32_t pos = static_cast<uint32_t>(begin);
  // control_[0, depth) are the open constructs; the expression itself is the outermost.
  size_t depth = 0;
  auto push = [&](ControlKind kind) {
    if (ABSL_PREDICT_FALSE(depth == control_.size())) control_.resize(depth + 1);
    control_[depth++] = kind;
  };
  // The fast steps below succeed only on well-formed operators; everything else falls to the
  // general decoding after the switch, which finds the error if there is one.
  auto close = [&](uint32_t next) {
    if (--depth != 0) return false;
    *end = next;
    return true;
  };
  push(ControlKind::kBlock);
  Instruction instruction;
  while (true) {
    if (ABSL_PREDICT_TRUE(pos < limit)) {
      const uint8_t* p = bytes + pos;
      const uint32_t available = limit - pos - 1;  // bytes after the opcode
      uint32_t n = 0;
      const SkipShape shape = kSkipShapes[p[0]];
      if (ABSL_PREDICT_TRUE(IsPlainOrLeb(shape) && available >= 5)) {
        // Most operators: no immediates, or one LEB128. Both take the same steps, without a
        // branch on which one it is (see skip_operator.h).
        const uint32_t has_leb = shape != SkipShape::kPlain;
        n = LebLength(p + 1, available);
        if (ABSL_PREDICT_FALSE(n == 0 || n == 5) && has_leb) {
          n = SkipLeb(shape, p + 1, available);
          if (n == 0) goto general;
        }
        pos += 1 + (n & (0u - has_leb));
        continue;
      }
      switch (shape) {
        case SkipShape::kGeneral:
          break;
        case SkipShape::kPlain:
          ++pos;
          continue;
        case SkipShape::kU32:
        case SkipShape::kS32:
        case SkipShape::kS64:
          n = SkipLeb(shape, p + 1, available);
          if (n == 0) break;
          pos += 1 + n;
          continue;
        case SkipShape::kTwoU32s: {
          n = SkipLeb(SkipShape::kU32, p + 1, available);
          if (n == 0) break;
          const uint32_t second = SkipLeb(SkipShape::kU32, p + 1 + n, available - n);
          if (second == 0) break;
          pos += 1 + n + second;
          continue;
        }
        case SkipShape::kMemArg:
          // One alignment byte below the limit; larger ones are malformed or multi-byte.
          if (available < 2 || p[1] >= kMaxAlignLog2) break;
          n = SkipLeb(SkipShape::kU32, p + 2, available - 1);
          if (n == 0) break;
          pos += 2 + n;
          continue;
        case SkipShape::kFixed4:
          if (available < 4) break;
          pos += 5;
          continue;
        case SkipShape::kFixed8:
          if (available < 8) break;
          pos += 9;
          continue;
        case SkipShape::kBlock:
        case SkipShape::kIf:
          if (available < 1 || (p[1] != 0x40 && !IsValType(p[1]))) break;
          push(shape == SkipShape::kIf ? ControlKind::kIf : ControlKind::kBlock);
          pos += 2;
          continue;
        case SkipShape::kElse:
          if (control_[depth - 1] != ControlKind::kIf) break;  // reported below
          control_[depth - 1] = ControlKind::kElse;
          ++pos;
          continue;
        case SkipShape::kEnd:
          ++pos;
          if (close(pos)) return absl::OkStatus();
          continue;
      }
    }
  general:
    KILN_RETURN_IF_ERROR(ReadOperator(bytes_, &pos, limit, br_table_, select_types_, &instruction));
    switch (instruction.opcode) {
      case Opcode::kBlock:
      case Opcode::kLoop:
        push(ControlKind::kBlock);
        break;
      case Opcode::kIf:
        push(ControlKind::kIf);
        break;
      case Opcode::kElse:
        // Anywhere but right inside an `if`, the interpreter is waiting for that construct's
        // `end` when it meets this `else`.
        if (control_[depth - 1] != ControlKind::kIf) {
          return MalformedError("END opcode expected", instruction.offset);
        }
        control_[depth - 1] = ControlKind::kElse;
        break;
      case Opcode::kEnd:
        if (close(pos)) return absl::OkStatus();
        break;
      case Opcode::kMemoryInit:
      case Opcode::kDataDrop:
        if (in_function) code_uses_data_index_ = true;
        break;
      default:
        break;
    }
  }
}

}  // namespace

absl::StatusOr<Module> Decode(absl::Span<const uint8_t> bytes) {
  return Decode(bytes, DecodeOptions());
}

absl::StatusOr<Module> Decode(absl::Span<const uint8_t> bytes, const DecodeOptions& options) {
  // ByteRange and CodeReader use 32-bit offsets.
  if (bytes.size() > std::numeric_limits<uint32_t>::max()) {
    return absl::ResourceExhaustedError("module larger than 4 GiB");
  }
  auto copy = std::make_shared<std::vector<uint8_t>>();
  base::ReserveWithHugePages(*copy, bytes.size());
  copy->assign(bytes.begin(), bytes.end());
  return Decode(ModuleBytes(std::move(copy)), options);
}

absl::StatusOr<Module> Decode(ModuleBytes bytes, const DecodeOptions& options) {
  // ByteRange and CodeReader use 32-bit offsets.
  if (bytes.size() > std::numeric_limits<uint32_t>::max()) {
    return absl::ResourceExhaustedError("module larger than 4 GiB");
  }
  Module module;
  module.bytes = std::move(bytes);
  ModuleDecoder decoder(&module, options);
  KILN_RETURN_IF_ERROR(decoder.Decode());
  decoder.SetCodeValidation();
  return module;
}

}  // namespace kiln::wasm
