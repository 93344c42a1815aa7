// `kiln cache`: look into a compilation cache directory (docs/cache.md).
//   kiln cache explain FILE [--interrupt-checks] [--opt-level N] [--module MODULE]
//       prints the entry's manifest, whether its checksum holds, and each key field that
//       differs from what this kiln would use on this host with the given flags (or that it
//       matches); with --module, the module's SHA-256 is compared too
//   kiln cache list DIR
//       one line per entry: file, size, module SHA-256 prefix, compiler version, validity
//   kiln cache prune DIR [--max-bytes N]
//       removes damaged entries, entries of other compiler versions and stale temp files, then
//       the least recently written entries until at most N bytes remain
// Exit codes: 0 success, 1 failure (unreadable file or directory, not an entry), 2 usage.
#ifndef KILN_TOOLS_CACHE_CMD_H_
#define KILN_TOOLS_CACHE_CMD_H_

#include <ostream>
#include <string>
#include <vector>

namespace kiln::tools {

// RunCacheCommand runs `kiln cache` with `args`, the words after "cache" (e.g. {"list",
// "/var/cache/kiln"}), printing to stdout and stderr; returns the exit code.
int RunCacheCommand(const std::vector<std::string>& args);

// RunCacheCommand with the output streams given (tests).
int RunCacheCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kiln::tools

#endif  // KILN_TOOLS_CACHE_CMD_H_
