// The runner's machine-readable report (--json=FILE), in exactly this shape:
//   {"files":[{"file":"core-2.0/i32.wast","error":null,
//              "commands":[{"line":3,"type":"module","result":"pass","detail":""}]}]}
// `error` is null or the reason the file could not be read or parsed as a script.
#ifndef KILN_SPECTEST_JSON_REPORT_H_
#define KILN_SPECTEST_JSON_REPORT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "spectest/runner.h"

namespace kiln::spectest {

// JsonString quotes `text` as a JSON string. Bytes that are not valid UTF-8 become U+FFFD so
// that the output is always valid JSON.
std::string JsonString(absl::string_view text);

// JsonReport renders the reports of all files.
std::string JsonReport(absl::Span<const FileReport> files);

// WriteJsonReport writes JsonReport(files) to `path`.
absl::Status WriteJsonReport(const std::string& path, absl::Span<const FileReport> files);

}  // namespace kiln::spectest

#endif  // KILN_SPECTEST_JSON_REPORT_H_
