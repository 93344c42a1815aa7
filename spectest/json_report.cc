// Renders runner reports as JSON by hand: the shape is fixed and small, and kiln has no JSON
// library. Strings are escaped per RFC 8259, and messages that echo raw module bytes are
// repaired into valid UTF-8.
#include "spectest/json_report.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kiln::spectest {
namespace {

// Utf8Length returns the length of the valid UTF-8 sequence starting at `pos`, or 0.
size_t Utf8Length(absl::string_view s, size_t pos) {
  auto byte = [&](size_t i) -> unsigned { return static_cast<unsigned char>(s[i]); };
  unsigned b0 = byte(pos);
  if (b0 < 0x80) return 1;
  size_t length;
  unsigned low = 0x80, high = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    length = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    length = 3;
    if (b0 == 0xe0) low = 0xa0;
    if (b0 == 0xed) high = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    length = 4;
    if (b0 == 0xf0) low = 0x90;
    if (b0 == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (pos + length > s.size() || byte(pos + 1) < low || byte(pos + 1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (byte(pos + i) < 0x80 || byte(pos + i) > 0xbf) return 0;
  }
  return length;
}

}  // namespace

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      size_t n = Utf8Length(text, i);
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
