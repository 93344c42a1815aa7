#include "api/fs_config.h"

#include <algorithm>
#include <utility>

namespace kiln {

FSConfig NewFSConfig() { return FSConfig(); }

FSConfig FSConfig::WithDirMount(std::string host_dir, std::string guest_path) const {
  return WithMount({std::move(host_dir), std::move(guest_path), /*read_only=*/false});
}

FSConfig FSConfig::WithReadOnlyDirMount(std::string host_dir, std::string guest_path) const {
  return WithMount({std::move(host_dir), std::move(guest_path), /*read_only=*/true});
}

FSConfig FSConfig::WithMount(DirMount mount) const {
  if (mount.guest_path.empty()) mount.guest_path = "/";
  FSConfig copy = *this;
  auto same_place = std::find_if(copy.mounts_.begin(), copy.mounts_.end(), [&](const DirMount& m) {
    return m.guest_path == mount.guest_path;
  });
  if (same_place != copy.mounts_.end()) {
    *same_place = std::move(mount);
  } else {
    copy.mounts_.push_back(std::move(mount));
  }
  return copy;
}

}  // namespace kiln
