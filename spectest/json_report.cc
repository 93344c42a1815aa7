// Renders runner reports as JSON by hand: the shape is fixed and small, and kiln has no JSON
// library. Strings are escaped per RFC 8259, and messages that echo raw module bytes are
// repaired into valid UTF-8.
#include "spectest/json_report.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "compiler/base/utf8.h"

namespace kiln::spectest {
std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      size_t n = base::Utf8SequenceLength(text, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(text.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out += "\"";
  return out;
}

std::string JsonReport(absl::Span<const FileReport> files) {
  std::string out = "{\"files\":[";
  for (size_t f = 0; f < files.size(); ++f) {
    const FileReport& file = files[f];
    if (f > 0) out += ",";
    absl::StrAppend(&out, "\n{\"file\":", JsonString(file.file),
                    ",\"error\":", file.error ? JsonString(*file.error) : "null",
                    ",\"commands\":[");
    for (size_t c = 0; c < file.commands.size(); ++c) {
      const CommandReport& command = file.commands[c];
      if (c > 0) out += ",";
      absl::StrAppend(&out, "\n {\"line\":", command.line, ",\"type\":",
                      JsonString(command.type), ",\"result\":",
                      JsonString(ResultName(command.result)),
                      ",\"detail\":", JsonString(command.detail), "}");
    }
    out += "]}";
  }
  out += "\n]}\n";
  return out;
}

absl::Status WriteJsonReport(const std::string& path, absl::Span<const FileReport> files) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::NotFoundError(absl::StrCat("cannot open ", path, " for writing"));
  out << JsonReport(files);
  out.close();
  if (!out) return absl::DataLossError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace kiln::spectest
