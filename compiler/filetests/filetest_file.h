// The file format of kiln's filetests, independent of what a test runs. A filetest is a text
// file with three parts:
//
//   ; optional comments saying what the test shows          (kept verbatim)
//   test pass copy_prop gvn                                  (directives)
//
//   function %f(i32) -> i32 { ... }                          (input)
//
//   ; expected:                                              (marker)
//   ; function %f(i32) -> i32 {                              (expectation, commented out)
//   ; ...
//
// `.ssa` files comment with `;` and write directives as lines `test <kind> <args...>` before
// the input; `.wat` files comment with `;;` and write directives as `;;! test = <kind> <args>`.
// Everything from the marker line to the end of the file is the expectation, which bless
// rewrites and nobody types by hand. A file without a marker has an empty expectation.
#ifndef KILN_COMPILER_FILETESTS_FILETEST_FILE_H_
#define KILN_COMPILER_FILETESTS_FILETEST_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiln::filetests {

// FileKind is the input language of a filetest, chosen by its extension.
enum class FileKind {
  kSsa,  // .ssa: kiln's SSA text form
  kWat,  // .wat: a WebAssembly text module
};

// Directive is one `test <kind> <args...>` line.
struct Directive {
  std::string kind;               // "pass", "verify", "roundtrip", "frontend", ...
  std::vector<std::string> args;  // e.g. the pass names of `test pass gvn dce`
  int line = 0;                   // 1-based line in the file
};

// Filetest is a parsed filetest file.
struct Filetest {
  std::string path;  // as given to ParseFiletest, for messages
  FileKind kind = FileKind::kSsa;
  std::vector<Directive> directives;
  // head is the file text before the expectation marker, verbatim (comments, directives and
  // input), so that bless can keep it byte for byte.
  std::string head;
  // input is `head` with directive lines blanked (line numbers stay the same), for the parser.
  std::string input;
  // expected is the uncommented expectation text (empty when the file has no marker).
  std::string expected;
};

// CommentPrefix is the line-comment token of a file kind: ";" for .ssa, ";;" for .wat.
absl::string_view CommentPrefix(FileKind kind);

// FileKindOf picks the kind from a path's extension; kInvalidArgument for other extensions.
absl::StatusOr<FileKind> FileKindOf(absl::string_view path);

// IsFiletestPath says whether a path names a filetest (.ssa or .wat).
bool IsFiletestPath(absl::string_view path);

// ParseFiletest splits a file into directives, input and expectation. A file without any
// directive, or with a malformed one, is kInvalidArgument naming path:line.
absl::StatusOr<Filetest> ParseFiletest(absl::string_view path, absl::string_view contents);

// WithExpectation returns the file's new contents: `head` unchanged, then the marker and
// `actual` commented out line by line. Blessing an up-to-date file returns its contents.
std::string WithExpectation(const Filetest& test, absl::string_view actual);

// SameText compares an expectation with actual output, ignoring trailing whitespace on each
// line and blank lines at the end.
bool SameText(absl::string_view expected, absl::string_view actual);

// LineDiff renders a short line-by-line difference of expected and actual text for a failure
// message: the first differing lines with their numbers, then both texts in full.
std::string LineDiff(absl::string_view expected, absl::string_view actual);

}  // namespace kiln::filetests

#endif  // KILN_COMPILER_FILETESTS_FILETEST_FILE_H_
