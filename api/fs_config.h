// FSConfig: which host directories a guest sees through WASI, and where (the C++ form of
// wazero's FSConfig). A guest sees no file system at all unless the embedder mounts one:
//   ModuleConfig config = NewModuleConfig().WithFSConfig(
//       NewFSConfig()
//           .WithDirMount("/srv/app/data", "/data")          // read and write
//           .WithReadOnlyDirMount("/usr/share/zoneinfo", "/zoneinfo"));
// Each mount becomes a WASI preopen (fd 3, 4, ... in mount order). Paths the guest opens are
// resolved inside the mount they start from: `..`, absolute symlinks and symlink chains can
// never leave it (an absolute symlink target is taken relative to the mount's root).
//
// Like ModuleConfig, an FSConfig is an immutable value: each With* returns a modified copy.
#ifndef KILN_API_FS_CONFIG_H_
#define KILN_API_FS_CONFIG_H_

#include <string>
#include <vector>

namespace kiln {

class FSConfig {
 public:
  // DirMount is one mounted host directory.
  struct DirMount {
    std::string host_dir;    // a host directory path (relative ones are taken as given)
    std::string guest_path;  // where the guest finds it, e.g. "/" or "/data"; "" means "/"
    // read_only: the guest cannot write, create, remove or rename anything under it (WASI
    // reports errno `rofs`, or `perm`/`notcapable` where the spec asks for rights).
    bool read_only = false;
  };

  // WithDirMount mounts `host_dir` at `guest_path` for reading and writing. Mounting a
  // second directory at the same guest path replaces the first.
  FSConfig WithDirMount(std::string host_dir, std::string guest_path) const;

  // WithReadOnlyDirMount mounts `host_dir` at `guest_path`; the guest cannot change anything
  // under it.
  FSConfig WithReadOnlyDirMount(std::string host_dir, std::string guest_path) const;

  // mounts lists the mounts in the order they were added (the order of their preopen fds).
  const std::vector<DirMount>& mounts() const { return mounts_; }

 private:
  FSConfig WithMount(DirMount mount) const;

  std::vector<DirMount> mounts_;
};

// NewFSConfig returns a configuration with no mounts.
FSConfig NewFSConfig();

}  // namespace kiln

#endif  // KILN_API_FS_CONFIG_H_
