#include "runtime/embedding/testing/wat_binaries.h"

#include "catch2/catch.hpp"
#include "compiler/text/binary_writer.h"
#include "compiler/text/wat_parser.h"

namespace kiln::embedding::testing {

std::vector<uint8_t> WatToWasm(absl::string_view wat) {
  text::WatOptions options;
  options.emit_name_section = true;
  absl::StatusOr<std::vector<uint8_t>> bytes = text::ParseWat(wat, options);
  INFO(bytes.status());
  REQUIRE(bytes.ok());
  return *std::move(bytes);
}

void AppendCustomSection(std::vector<uint8_t>& binary, absl::string_view name,
                         absl::string_view data) {
  text::BinaryWriter contents;
  contents.Name(name);
  contents.Bytes(data);
  text::BinaryWriter section;
  section.U8(0);
  section.U32(static_cast<uint32_t>(contents.bytes().size()));
  section.Bytes(absl::MakeConstSpan(contents.bytes()));
  binary.insert(binary.end(), section.bytes().begin(), section.bytes().end());
}

}  // namespace kiln::embedding::testing
