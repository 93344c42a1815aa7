// Cross-checks the encoder against Debian's wabt: for every core-2.0 .wast file that wast2json
// converts, each module wast2json wrote as .wasm (plain `module` commands and the modules of
// assertions) is compared with our encoding of the module form on the same line.
// Byte-identical is the goal; where the bytes differ, both binaries are decoded with
// kiln::wasm::Decode and their structure is compared instead. Every structural difference is
// a failure; byte-level-only differences are listed.
// A second pass converts with `wast2json --debug-names` and compares the names each module's
// name section carries with ours (WatOptions::emit_name_section).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "catch2/catch.hpp"
#include "compiler/text/spec_modules_testlib.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/module.h"

namespace kiln::text {
namespace {

// WabtModule is a module of wast2json's JSON: the command's line and the .wasm it wrote.
struct WabtModule {
  uint32_t line = 0;
  std::string filename;
};

// StringField reads `"key": "value"` within `object`.
std::string StringField(absl::string_view object, absl::string_view key) {
  std::string pattern = absl::StrCat("\"", key, "\": \"");
  size_t start = object.find(pattern);
  if (start == absl::string_view::npos) return "";
  start += pattern.size();
  size_t end = object.find('"', start);
  return std::string(object.substr(start, end - start));
}

// WabtModules lists the binary modules of a wast2json JSON file. Commands are flat objects
// except for nested actions, which carry no filename, so splitting at `{"type"` is enough.
std::vector<WabtModule> WabtModules(absl::string_view json) {
  std::vector<WabtModule> modules;
  constexpr absl::string_view kCommand = "{\"type\": ";
  size_t pos = json.find(kCommand);
  while (pos != absl::string_view::npos) {
    size_t next = json.find(kCommand, pos + 1);
    absl::string_view object = json.substr(pos, next == absl::string_view::npos ? next : next - pos);
    pos = next;
    std::string filename = StringField(object, "filename");
    if (!absl::EndsWith(filename, ".wasm")) continue;
    size_t line_at = object.find("\"line\": ");
    if (line_at == absl::string_view::npos) continue;
    uint32_t line = 0;
    absl::string_view digits = object.substr(line_at + 8);
    digits = digits.substr(0, digits.find_first_not_of("0123456789"));
    if (!absl::SimpleAtoi(digits, &line)) continue;
    modules.push_back({line, filename});
  }
  return modules;
}

std::string Hex(absl::Span<const uint8_t> bytes) {
  std::string out;
  for (uint8_t b : bytes) absl::StrAppend(&out, absl::Hex(b, absl::kZeroPad2));
  return out;
}

std::string Leb(uint32_t value) {
  std::vector<uint8_t> bytes;
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    bytes.push_back(value != 0 ? (byte | 0x80) : byte);
  } while (value != 0);
  return Hex(bytes);
}

std::string Types(const std::vector<wasm::ValType>& types) {
  std::string out;
  for (wasm::ValType t : types) absl::StrAppend(&out, wasm::ValTypeName(t), " ");
  return out;
}

std::string Limits(const wasm::Limits& limits) {
  return absl::StrCat(limits.min, "..", limits.max ? absl::StrCat(*limits.max) : "");
}

// Structure renders everything a decoded module says, one line per entity, with code and
// constant expressions as hex; two modules are structurally equal when these texts are.
std::string Structure(const wasm::Module& m) {
  std::ostringstream out;
  for (const auto& type : m.types) {
    out << "type " << Types(type.params) << "-> " << Types(type.results) << "\n";
  }
  for (const auto& import : m.imports) {
    out << "import " << import.module << " " << import.name << " "
        << static_cast<int>(import.kind) << " " << import.func_type << " "
        << wasm::ValTypeName(import.table.element) << Limits(import.table.limits) << " "
        << Limits(import.memory.limits) << " " << wasm::ValTypeName(import.global.type)
        << import.global.is_mutable << "\n";
  }
  for (uint32_t f : m.functions) out << "func " << f << "\n";
  for (const auto& t : m.tables) {
    out << "table " << wasm::ValTypeName(t.element) << Limits(t.limits) << "\n";
  }
  for (const auto& mem : m.memories) out << "memory " << Limits(mem.limits) << "\n";
  for (const auto& g : m.globals) {
    out << "global " << wasm::ValTypeName(g.type.type) << g.type.is_mutable << " "
        << Hex(m.Bytes(g.init.code)) << "\n";
  }
  for (const auto& e : m.exports) {
    out << "export " << e.name << " " << static_cast<int>(e.kind) << " " << e.index << "\n";
  }
  if (m.start) out << "start " << *m.start << "\n";
  for (const auto& e : m.elems) {
    out << "elem " << static_cast<int>(e.mode) << " " << wasm::ValTypeName(e.type) << " "
        << e.table << " " << Hex(m.Bytes(e.offset.code)) << " :";
    // Index lists and ref.func expressions are the same contents.
    if (e.uses_indices) {
      for (uint32_t f : e.func_indices) out << " d2" << Leb(f) << "0b";
    } else {
      for (const auto& item : e.items) out << " " << Hex(m.Bytes(item.code));
    }
    out << "\n";
  }
  if (m.data_count) out << "datacount " << *m.data_count << "\n";
  for (const auto& c : m.codes) {
    out << "code";
    for (const auto& l : c.locals) out << " " << l.count << wasm::ValTypeName(l.type);
    out << " " << Hex(m.Bytes(c.body)) << "\n";
  }
  for (const auto& d : m.datas) {
    out << "data " << static_cast<int>(d.mode) << " " << d.memory << " "
        << Hex(m.Bytes(d.offset.code)) << " " << Hex(m.Bytes(d.init)) << "\n";
  }
  return out.str();
}

// WithoutSection returns `binary` without its section `id` (sections are id, u32 size, bytes).
std::vector<uint8_t> WithoutSection(const std::vector<uint8_t>& binary, uint8_t id) {
  std::vector<uint8_t> out(binary.begin(), binary.begin() + std::min<size_t>(8, binary.size()));
  size_t pos = 8;
  while (pos < binary.size()) {
    size_t start = pos;
    uint8_t section = binary[pos++];
    uint32_t size = 0;
    for (int shift = 0; pos < binary.size(); shift += 7) {
      uint8_t byte = binary[pos++];
      size |= static_cast<uint32_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
    }
    pos = std::min(binary.size(), pos + size);
    if (section != id) out.insert(out.end(), binary.begin() + start, binary.begin() + pos);
  }
  return out;
}

// KnownWabtDifference recognises the places where wat2wasm 1.0.32 encodes a module differently
// from the spec, so that our encoding is the one the spec suite expects:
//  - a module that uses memory.init or data.drop but has no data segments gets no datacount
//    section from wabt, so its binary is malformed ("data count section required") where the
//    suite expects it to be invalid ("unknown data segment");
//  - `select (result)` with an empty type list is the typed select 0x1C 0x00 (the suite expects
//    "invalid result arity"), where wabt writes the untyped 0x1B.
std::optional<std::string> KnownWabtDifference(const std::vector<uint8_t>& wabt,
                                               const std::vector<uint8_t>& ours) {
  auto wabt_module = wasm::Decode(wabt);
  auto our_module = wasm::Decode(ours);
  if (!wabt_module.ok() && our_module.ok() && WithoutSection(ours, 12) == wabt) {
    return "datacount section without data segments";
  }
  if (wabt_module.ok() && our_module.ok()) {
    // Rewrite each byte-aligned 1C 00 (typed select of no types) in our code as 1B.
    std::string structure = Structure(*our_module);
    std::string rewritten;
    size_t line_start = 0;
    for (size_t i = 0; i < structure.size();) {
      if (structure[i] == '\n') line_start = i + 1;
      bool in_code = structure.compare(line_start, 5, "code ") == 0;
      size_t hex_start = structure.rfind(' ', i);
      if (in_code && structure.compare(i, 4, "1c00") == 0 && hex_start != std::string::npos &&
          hex_start >= line_start && (i - hex_start - 1) % 2 == 0) {
        rewritten += "1b";
        i += 4;
      } else {
        rewritten += structure[i++];
      }
    }
    if (rewritten != structure && rewritten == Structure(*wabt_module)) {
      return "select (result) with no types";
    }
  }
  return std::nullopt;
}

TEST_CASE("encoder output matches wast2json on the 2.0 spec suite", "[text][wat][spectest]") {
  auto files = testing::SpecWastFiles();
  if (!files.ok()) FAIL(files.status().ToString());
  if (std::system("command -v wast2json >/dev/null 2>&1") != 0) {
    FAIL("wast2json (Debian's wabt) is not on PATH");
  }
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::filesystem::path dir = std::filesystem::path(tmp != nullptr ? tmp : "/tmp") /
                              absl::StrCat("kiln_crosscheck_", getpid());
  std::filesystem::create_directories(dir);

  size_t identical = 0, structural = 0, known = 0, differing = 0, unmatched = 0;
  std::vector<std::string> converted_files, skipped_files, structural_only, known_differences;
  for (const std::string& file : *files) {
    std::string stem = std::filesystem::path(file).stem().string();
    std::filesystem::path json_path = dir / (stem + ".json");
    std::string command = absl::StrCat("wast2json '", file, "' -o '", json_path.string(),
                                       "' >/dev/null 2>&1");
    if (std::system(command.c_str()) != 0) {
      skipped_files.push_back(stem);
      continue;
    }
    converted_files.push_back(stem);
    auto json = testing::ReadFile(json_path.string());
    REQUIRE(json.ok());
    auto source = testing::ReadFile(file);
    REQUIRE(source.ok());
    auto ours = testing::SpecModules(*source);
    REQUIRE(ours.ok());
    std::map<uint32_t, const testing::SpecModule*> by_line;
    // wast2json reports the line of the module itself, also inside assertions.
    for (const auto& module : *ours) {
      if (module.parsed.ok()) by_line[module.parsed->line] = &module;
    }

    for (const WabtModule& wabt : WabtModules(*json)) {
      CAPTURE(file, wabt.line);
      auto found = by_line.find(wabt.line);
      if (found == by_line.end() || !found->second->parsed.ok()) {
        ++unmatched;
        FAIL_CHECK("no parsed module at this line");
        continue;
      }
      auto expected = testing::ReadFile((dir / wabt.filename).string());
      REQUIRE(expected.ok());
      auto actual = testing::ModuleBinary(*found->second->parsed);
      if (!actual.ok()) {
        ++differing;
        FAIL_CHECK(actual.status().ToString());
        continue;
      }
      std::vector<uint8_t> expected_bytes(expected->begin(), expected->end());
      if (*actual == expected_bytes) {
        ++identical;
        continue;
      }
      auto expected_module = wasm::Decode(expected_bytes);
      auto actual_module = wasm::Decode(*actual);
      if (expected_module.ok() && actual_module.ok() &&
          Structure(*expected_module) == Structure(*actual_module)) {
        ++structural;
        structural_only.push_back(absl::StrCat(stem, ":", wabt.line));
        continue;
      }
      if (std::optional<std::string> reason = KnownWabtDifference(expected_bytes, *actual)) {
        ++known;
        known_differences.push_back(absl::StrCat(stem, ":", wabt.line, " (", *reason, ")"));
        continue;
      }
      ++differing;
      CAPTURE(Hex(expected_bytes), Hex(*actual));
      if (expected_module.ok() && actual_module.ok()) {
        CHECK(Structure(*actual_module) == Structure(*expected_module));
      } else {
        FAIL_CHECK("differs and does not decode: wabt " << expected_module.status().ToString()
                   << ", ours " << actual_module.status().ToString());
      }
    }
  }
  std::filesystem::remove_all(dir);
  std::cout << "wast2json converted " << converted_files.size() << " of " << files->size()
            << " files; skipped: " << absl::StrJoin(skipped_files, " ") << "\n"
            << "modules: " << identical << " byte-identical, " << structural
            << " structurally equal, " << known << " known wabt differences, " << differing
            << " differing, " << unmatched << " unmatched\n";
  if (!known_differences.empty()) {
    std::cout << "known wabt differences: " << absl::StrJoin(known_differences, " ") << "\n";
  }
  if (!structural_only.empty()) {
    std::cout << "structurally equal only: " << absl::StrJoin(structural_only, " ") << "\n";
  }
  CHECK(differing == 0);
  CHECK(unmatched == 0);
  CHECK(identical > 1000);
}

// NamesText renders the names a decoded module carries. Functions whose local name map is
// empty are left out: wat2wasm lists every function in the local names subsection, even with
// no named locals, where we list only functions that have some.
std::string NamesText(const wasm::NameSection& names) {
  std::ostringstream out;
  if (names.module_name) out << "module " << *names.module_name << "\n";
  for (const auto& [index, name] : names.function_names) {
    out << "func " << index << " " << name << "\n";
  }
  for (const auto& [function, locals] : names.local_names) {
    for (const auto& [index, name] : locals) {
      out << "local " << function << " " << index << " " << name << "\n";
    }
  }
  return out.str();
}

TEST_CASE("name sections carry the names wast2json --debug-names writes on the 2.0 spec suite",
          "[text][wat][names][spectest]") {
  auto files = testing::SpecWastFiles();
  if (!files.ok()) FAIL(files.status().ToString());
  if (std::system("command -v wast2json >/dev/null 2>&1") != 0) {
    FAIL("wast2json (Debian's wabt) is not on PATH");
  }
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::filesystem::path dir = std::filesystem::path(tmp != nullptr ? tmp : "/tmp") /
                              absl::StrCat("kiln_names_crosscheck_", getpid());
  std::filesystem::create_directories(dir);
  WatOptions with_names;
  with_names.emit_name_section = true;

  size_t compared = 0, named = 0, undecodable = 0;
  for (const std::string& file : *files) {
    std::string stem = std::filesystem::path(file).stem().string();
    std::filesystem::path json_path = dir / (stem + ".json");
    std::string command = absl::StrCat("wast2json --debug-names '", file, "' -o '",
                                       json_path.string(), "' >/dev/null 2>&1");
    if (std::system(command.c_str()) != 0) continue;  // the first test lists these files
    auto json = testing::ReadFile(json_path.string());
    REQUIRE(json.ok());
    auto source = testing::ReadFile(file);
    REQUIRE(source.ok());
    auto ours = testing::SpecModules(*source, with_names);
    REQUIRE(ours.ok());
    auto plain = testing::SpecModules(*source);
    REQUIRE(plain.ok());
    REQUIRE(ours->size() == plain->size());
    std::map<uint32_t, std::pair<const testing::SpecModule*, const testing::SpecModule*>> by_line;
    for (size_t i = 0; i < ours->size(); ++i) {
      const testing::SpecModule& module = (*ours)[i];
      if (module.parsed.ok()) by_line[module.parsed->line] = {&module, &(*plain)[i]};
    }

    for (const WabtModule& wabt : WabtModules(*json)) {
      CAPTURE(file, wabt.line);
      auto found = by_line.find(wabt.line);
      if (found == by_line.end()) continue;  // the first test fails on these
      auto [named_module, plain_module] = found->second;
      auto actual = testing::ModuleBinary(*named_module->parsed, with_names);
      auto without_names = testing::ModuleBinary(*plain_module->parsed);
      REQUIRE(actual.ok());
      REQUIRE(without_names.ok());
      // The option only appends a custom section; everything else stays byte for byte.
      CHECK(WithoutSection(*actual, 0) == WithoutSection(*without_names, 0));

      auto expected = testing::ReadFile((dir / wabt.filename).string());
      REQUIRE(expected.ok());
      auto expected_module = wasm::Decode(std::vector<uint8_t>(expected->begin(), expected->end()));
      auto actual_module = wasm::Decode(*actual);
      // A name section never makes a module malformed that was not.
      CHECK(actual_module.ok() == wasm::Decode(*without_names).ok());
      if (!expected_module.ok() || !actual_module.ok()) {
        // Modules that are malformed on either side (the binary modules of assert_malformed,
        // the known wabt differences above) have no names to compare.
        ++undecodable;
        continue;
      }
      ++compared;
      std::string names = NamesText(actual_module->names);
      if (!names.empty()) ++named;
      CHECK(names == NamesText(expected_module->names));
    }
  }
  std::filesystem::remove_all(dir);
  std::cout << "names: " << compared << " modules compared (" << named << " with names), "
            << undecodable << " not decodable on one side\n";
  CHECK(named > 100);
}

}  // namespace
}  // namespace kiln::text
