// bless: regenerate filetest expectations in the source tree.
//
//   bazel run //compiler/filetests:bless                  every filetest
//   bazel run //compiler/filetests:bless -- FILE...       the named files
//
// FILEs are relative to the directory bazel was run from, or to the workspace root. A file
// whose test has problems (input that does not parse, a pass that breaks the IR, a failed
// round trip) is not rewritten; bless reports it and exits with status 1. Review the diff
// before committing: an expectation is only as right as the code that produced it.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "compiler/filetests/filetest_file.h"
#include "compiler/filetests/filetest_runner.h"

namespace kiln::filetests {
namespace {

constexpr char kRoot[] = "compiler/filetests";

// Resolve finds a named file: absolute, relative to bazel's working directory, or relative
// to the workspace. Returns the path on disk and the workspace-relative name for messages.
std::pair<std::string, std::string> Resolve(const std::string& arg, const std::string& workspace) {
  namespace fs = std::filesystem;
  fs::path candidate = arg;
  if (candidate.is_relative()) {
    const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
    if (cwd != nullptr && fs::exists(fs::path(cwd) / arg)) {
      candidate = fs::path(cwd) / arg;
    } else {
      candidate = fs::path(workspace) / arg;
    }
  }
  std::error_code error;
  const fs::path absolute = fs::weakly_canonical(candidate, error);
  const fs::path root = fs::weakly_canonical(workspace, error);
  std::string name = absolute.lexically_relative(root).generic_string();
  if (name.empty() || absl::StartsWith(name, "..")) name = absolute.generic_string();
  return {absolute.string(), name};
}

int Main(int argc, char** argv) {
  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  if (workspace == nullptr) {
    std::fprintf(stderr, "bless: run with `bazel run //compiler/filetests:bless -- [FILE...]`\n");
    return 2;
  }
  std::vector<std::pair<std::string, std::string>> files;
  if (argc > 1) {
    for (int i = 1; i < argc; ++i) files.push_back(Resolve(argv[i], workspace));
  } else {
    const std::string root = absl::StrCat(workspace, "/", kRoot);
    absl::StatusOr<std::vector<std::string>> paths = ListFiletests(root);
    if (!paths.ok()) {
      std::fprintf(stderr, "bless: %s\n", std::string(paths.status().message()).c_str());
      return 2;
    }
    for (const std::string& path : *paths) {
      files.emplace_back(absl::StrCat(root, "/", path), absl::StrCat(kRoot, "/", path));
    }
  }

  int rewritten = 0;
  int failed = 0;
  for (const auto& [disk_path, name] : files) {
    absl::StatusOr<std::string> contents = ReadFile(disk_path);
    absl::StatusOr<Filetest> test =
        contents.ok() ? ParseFiletest(name, *contents) : absl::StatusOr<Filetest>(contents.status());
    absl::StatusOr<BlessResult> blessed =
        test.ok() ? Bless(*test, *contents) : absl::StatusOr<BlessResult>(test.status());
    absl::Status written = absl::OkStatus();
    if (blessed.ok() && blessed->changed) written = WriteFile(disk_path, blessed->contents);
    if (!blessed.ok() || !written.ok()) {
      const absl::Status& error = blessed.ok() ? written : blessed.status();
      std::fprintf(stderr, "bless: %s: %s\n", name.c_str(), std::string(error.message()).c_str());
      ++failed;
      continue;
    }
    if (blessed->changed) {
      std::printf("rewrote %s\n", name.c_str());
      ++rewritten;
    }
  }
  std::printf("bless: %zu files, %d rewritten, %d failed\n", files.size(), rewritten, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace kiln::filetests

int main(int argc, char** argv) { return kiln::filetests::Main(argc, argv); }
