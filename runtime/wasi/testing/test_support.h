// Helpers the runtime/wasi tests share: scratch host directories and files, and guest modules
// that re-export WASI functions so a test can call them one by one from C++.
#ifndef KILN_RUNTIME_WASI_TESTING_TEST_SUPPORT_H_
#define KILN_RUNTIME_WASI_TESTING_TEST_SUPPORT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "catch2/catch.hpp"
#include "runtime/wasi/errno.h"

namespace kiln::wasi::test_support {

// TempDir is a fresh host directory under $TEST_TMPDIR (or /tmp), removed with everything in
// it when the TempDir is destroyed. Construction fails the running test if none can be made.
class TempDir {
 public:
  explicit TempDir(absl::string_view prefix = "kiln_wasi");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // File is the host path of `name` inside the directory.
  std::string File(absl::string_view name) const;

 private:
  std::string path_;
};

// ReadHostFile returns the contents of the host file `path`, or "<missing>" when it cannot be
// read.
std::string ReadHostFile(const std::string& path);

// WriteHostFile replaces the host file `path` with `contents`.
void WriteHostFile(const std::string& path, absl::string_view contents);

// ForwardingGuestWat is a module that imports each of `names` from the WASI module
// `import_module` with its preview 1 signature and exports a function of the same name that
// forwards its params, plus `pages` pages of memory exported as "memory".
std::string ForwardingGuestWat(const std::vector<std::string>& names, int pages = 1,
                               absl::string_view import_module = "wasi_snapshot_preview1");

}  // namespace kiln::wasi::test_support

// Catch2 prints an Errno by its spec name ("noent"), not as a number.
namespace Catch {
template <>
struct StringMaker<kiln::wasi::Errno> {
  static std::string convert(kiln::wasi::Errno e) {
    return std::string(kiln::wasi::ErrnoName(e));
  }
};
}  // namespace Catch

#endif  // KILN_RUNTIME_WASI_TESTING_TEST_SUPPORT_H_
