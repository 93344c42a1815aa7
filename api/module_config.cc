#include "api/module_config.h"

#include <algorithm>
#include <utility>

namespace kiln {

ModuleConfig::ModuleConfig()
    : start_functions_({"_start"}),
      stdin_(NewEmptyReader()),
      stdout_(NewDiscardWriter()),
      stderr_(NewDiscardWriter()),
      walltime_(NewFakeWalltime()),
      nanotime_(NewFakeNanotime()),
      nanosleep_(FakeNanosleep()),
      osyield_(FakeOsyield()),
      rand_source_(NewDeterministicRandSource(kDefaultRandSeed)) {}

ModuleConfig NewModuleConfig() { return ModuleConfig(); }

ModuleConfig ModuleConfig::WithName(std::string name) const {
  ModuleConfig copy = *this;
  copy.has_name_ = true;
  copy.name_ = std::move(name);
  return copy;
}

ModuleConfig ModuleConfig::WithStartFunctions(std::vector<std::string> names) const {
  ModuleConfig copy = *this;
  copy.start_functions_ = std::move(names);
  return copy;
}

ModuleConfig ModuleConfig::WithArgs(std::vector<std::string> args) const {
  ModuleConfig copy = *this;
  copy.args_ = std::move(args);
  return copy;
}

ModuleConfig ModuleConfig::WithEnv(std::string key, std::string value) const {
  ModuleConfig copy = *this;
  auto existing = std::find_if(copy.env_.begin(), copy.env_.end(),
                               [&](const auto& entry) { return entry.first == key; });
  if (existing != copy.env_.end()) {
    existing->second = std::move(value);
  } else {
    copy.env_.emplace_back(std::move(key), std::move(value));
  }
  return copy;
}

ModuleConfig ModuleConfig::WithFSConfig(FSConfig fs_config) const {
  ModuleConfig copy = *this;
  copy.fs_config_ = std::move(fs_config);
  return copy;
}

ModuleConfig ModuleConfig::WithPreopenedSocket(int host_fd) const {
  ModuleConfig copy = *this;
  copy.preopened_sockets_.push_back(host_fd);
  return copy;
}

ModuleConfig ModuleConfig::WithStdin(std::shared_ptr<Reader> stdin_reader) const {
  ModuleConfig copy = *this;
  copy.stdin_ = stdin_reader ? std::move(stdin_reader) : NewEmptyReader();
  return copy;
}

ModuleConfig ModuleConfig::WithStdout(std::shared_ptr<Writer> stdout_writer) const {
  ModuleConfig copy = *this;
  copy.stdout_ = stdout_writer ? std::move(stdout_writer) : NewDiscardWriter();
  return copy;
}

ModuleConfig ModuleConfig::WithStderr(std::shared_ptr<Writer> stderr_writer) const {
  ModuleConfig copy = *this;
  copy.stderr_ = stderr_writer ? std::move(stderr_writer) : NewDiscardWriter();
  return copy;
}

ModuleConfig ModuleConfig::WithWalltime(Walltime walltime, ClockResolution resolution) const {
  ModuleConfig copy = *this;
  copy.fake_walltime_ = !walltime;
  copy.walltime_ = walltime ? std::move(walltime) : NewFakeWalltime();
  copy.walltime_resolution_ = std::max<ClockResolution>(resolution, 1);
  return copy;
}

ModuleConfig ModuleConfig::WithSysWalltime() const {
  return WithWalltime(SysWalltime(), kDefaultClockResolution);
}

ModuleConfig ModuleConfig::WithNanotime(Nanotime nanotime, ClockResolution resolution) const {
  ModuleConfig copy = *this;
  copy.fake_nanotime_ = !nanotime;
  copy.nanotime_ = nanotime ? std::move(nanotime) : NewFakeNanotime();
  copy.nanotime_resolution_ = std::max<ClockResolution>(resolution, 1);
  return copy;
}

ModuleConfig ModuleConfig::WithSysNanotime() const { return WithNanotime(SysNanotime(), 1); }

ModuleConfig ModuleConfig::WithNanosleep(Nanosleep nanosleep) const {
  ModuleConfig copy = *this;
  copy.nanosleep_ = nanosleep ? std::move(nanosleep) : FakeNanosleep();
  return copy;
}

ModuleConfig ModuleConfig::WithSysNanosleep() const { return WithNanosleep(SysNanosleep()); }

ModuleConfig ModuleConfig::WithOsyield(Osyield osyield) const {
  ModuleConfig copy = *this;
  copy.osyield_ = osyield ? std::move(osyield) : FakeOsyield();
  return copy;
}

ModuleConfig ModuleConfig::WithRandSource(std::shared_ptr<Reader> rand_source) const {
  ModuleConfig copy = *this;
  copy.default_rand_source_ = !rand_source;
  copy.rand_source_ =
      rand_source ? std::move(rand_source) : NewDeterministicRandSource(kDefaultRandSeed);
  return copy;
}

ModuleConfig ModuleConfig::ForInstance() const {
  ModuleConfig copy = *this;
  if (fake_walltime_) copy.walltime_ = NewFakeWalltime();
  if (fake_nanotime_) copy.nanotime_ = NewFakeNanotime();
  if (default_rand_source_) copy.rand_source_ = NewDeterministicRandSource(kDefaultRandSeed);
  return copy;
}

}  // namespace kiln
