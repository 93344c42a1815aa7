// Splitting a filetest into directives, input and expectation, and writing the expectation
// back. See filetest_file.h for the format.
#include "compiler/filetests/filetest_file.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kiln::filetests {
namespace {

constexpr absl::string_view kMarkerWord = "expected:";

std::string Marker(FileKind kind) { return absl::StrCat(CommentPrefix(kind), " ", kMarkerWord); }

absl::string_view StripTrailingSpace(absl::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  return line;
}

// SplitWords splits on runs of spaces and tabs.
std::vector<std::string> SplitWords(absl::string_view text) {
  return absl::StrSplit(text, absl::ByAnyChar(" \t"), absl::SkipEmpty());
}

absl::Status DirectiveError(absl::string_view path, int line, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("filetest: ", what, " (", path, ":", line, ")"));
}

// ParseDirective recognises a directive line of the given kind of file. It returns false for a
// line that is not a directive, and an error for one that is malformed.
absl::StatusOr<bool> ParseDirective(FileKind kind, absl::string_view path, int line_number,
                                    absl::string_view line, Directive& out) {
  line = StripTrailingSpace(line);
  if (kind == FileKind::kSsa) {
    if (!absl::StartsWith(line, "test ") && line != "test") return false;
    std::vector<std::string> words = SplitWords(line);
    if (words.size() < 2) return DirectiveError(path, line_number, "`test` needs a kind");
    out.kind = words[1];
    out.args.assign(words.begin() + 2, words.end());
    out.line = line_number;
    return true;
  }
  // .wat: `;;! key = value...`
  if (!absl::ConsumePrefix(&line, ";;!")) return false;
  std::vector<std::string> sides = absl::StrSplit(line, absl::MaxSplits('=', 1));
  if (sides.size() != 2) return DirectiveError(path, line_number, "expected `;;! key = value`");
  std::vector<std::string> key = SplitWords(sides[0]);
  std::vector<std::string> value = SplitWords(sides[1]);
  if (key.size() != 1 || key[0] != "test") {
    return DirectiveError(path, line_number, "unknown directive (only `;;! test = ...`)");
  }
  if (value.empty()) return DirectiveError(path, line_number, "`test` needs a kind");
  out.kind = value[0];
  out.args.assign(value.begin() + 1, value.end());
  out.line = line_number;
  return true;
}

}  // namespace

absl::string_view CommentPrefix(FileKind kind) {
  switch (kind) {
    case FileKind::kSsa:
      return ";";
    case FileKind::kWat:
      return ";;";
  }
  return ";";
}

absl::StatusOr<FileKind> FileKindOf(absl::string_view path) {
  if (absl::EndsWith(path, ".ssa")) return FileKind::kSsa;
  if (absl::EndsWith(path, ".wat")) return FileKind::kWat;
  return absl::InvalidArgumentError(
      absl::StrCat("filetest: unknown extension, expected .ssa or .wat (", path, ")"));
}

bool IsFiletestPath(absl::string_view path) { return FileKindOf(path).ok(); }

absl::StatusOr<Filetest> ParseFiletest(absl::string_view path, absl::string_view contents) {
  Filetest test;
  test.path = std::string(path);
  absl::StatusOr<FileKind> kind = FileKindOf(path);
  if (!kind.ok()) return kind.status();
  test.kind = *kind;
  const std::string marker = Marker(test.kind);
  const absl::string_view prefix = CommentPrefix(test.kind);

  std::vector<absl::string_view> lines = absl::StrSplit(contents, '\n');
  // A file that ends in "\n" splits into a last empty piece that is not a line.
  if (!lines.empty() && lines.back().empty()) lines.pop_back();

  std::vector<std::string> input_lines;
  std::vector<std::string> expected_lines;
  bool in_expectation = false;
  size_t head_end = contents.size();
  size_t offset = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const int line_number = static_cast<int>(i) + 1;
    absl::string_view line = lines[i];
    if (!in_expectation && StripTrailingSpace(line) == marker) {
      in_expectation = true;
      head_end = offset;
    } else if (in_expectation) {
      absl::string_view text = StripTrailingSpace(line);
      // Expectation lines are "<prefix> text" or a bare "<prefix>" for an empty line.
      if (!absl::ConsumePrefix(&text, prefix)) {
        return DirectiveError(path, line_number,
                              "a line after the expectation marker is not a comment");
      }
      absl::ConsumePrefix(&text, " ");
      expected_lines.emplace_back(text);
    } else {
      Directive directive;
      absl::StatusOr<bool> is_directive =
          ParseDirective(test.kind, path, line_number, line, directive);
      if (!is_directive.ok()) return is_directive.status();
      if (*is_directive) {
        test.directives.push_back(std::move(directive));
        input_lines.emplace_back();
      } else {
        input_lines.emplace_back(line);
      }
    }
    offset += line.size() + 1;
  }
  if (test.directives.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("filetest: no `test` directive (", path, ")"));
  }
  test.head = std::string(contents.substr(0, std::min(head_end, contents.size())));
  test.input = absl::StrJoin(input_lines, "\n");
  test.input += "\n";
  test.expected = absl::StrJoin(expected_lines, "\n");
  return test;
}

std::string WithExpectation(const Filetest& test, absl::string_view actual) {
  const absl::string_view prefix = CommentPrefix(test.kind);
  // The head keeps its own text; exactly one blank line separates it from the marker.
  absl::string_view head = test.head;
  while (!head.empty() && (head.back() == '\n' || head.back() == ' ' || head.back() == '\t')) {
    head.remove_suffix(1);
  }
  std::string out = absl::StrCat(head, "\n\n", Marker(test.kind), "\n");
  absl::string_view body = actual;
  while (!body.empty() && body.back() == '\n') body.remove_suffix(1);
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    line = StripTrailingSpace(line);
    if (line.empty()) {
      absl::StrAppend(&out, prefix, "\n");
    } else {
      absl::StrAppend(&out, prefix, " ", line, "\n");
    }
  }
  return out;
}

namespace {

std::vector<absl::string_view> NormalizedLines(absl::string_view text) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  for (absl::string_view& line : lines) line = StripTrailingSpace(line);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

}  // namespace

bool SameText(absl::string_view expected, absl::string_view actual) {
  return NormalizedLines(expected) == NormalizedLines(actual);
}

std::string LineDiff(absl::string_view expected, absl::string_view actual) {
  std::vector<absl::string_view> want = NormalizedLines(expected);
  std::vector<absl::string_view> got = NormalizedLines(actual);
  std::string out;
  const size_t n = std::max(want.size(), got.size());
  int shown = 0;
  for (size_t i = 0; i < n && shown < 5; ++i) {
    absl::string_view w = i < want.size() ? want[i] : "<end>";
    absl::string_view g = i < got.size() ? got[i] : "<end>";
    if (w == g) continue;
    absl::StrAppend(&out, "line ", i + 1, ":\n  expected: ", w, "\n  actual:   ", g, "\n");
    ++shown;
  }
  absl::StrAppend(&out, "--- expected ---\n", absl::StrJoin(want, "\n"), "\n--- actual ---\n",
                  absl::StrJoin(got, "\n"), "\n");
  return out;
}

}  // namespace kiln::filetests
