// sha256_bench prints the SHA-256 throughput of each implementation on a 64 MiB buffer (the
// compilation cache hashes every module it loads).
#include <chrono>
#include <cstdio>
#include <vector>

#include "compiler/base/sha256.h"

namespace {

double MegabytesPerSecond(kiln::base::Sha256::Implementation implementation,
                          const std::vector<uint8_t>& bytes) {
  double best = 0;
  for (int run = 0; run < 5; ++run) {
    auto start = std::chrono::steady_clock::now();
    kiln::base::Sha256 hasher(implementation);
    hasher.Update(absl::MakeConstSpan(bytes));
    volatile uint8_t sink = hasher.Finish()[0];
    (void)sink;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, bytes.size() / 1e6 / seconds);
  }
  return best;
}

}  // namespace

int main() {
  std::vector<uint8_t> bytes(64 << 20);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 131 + (i >> 9));
  std::printf("sha256 portable: %.0f MB/s\n",
              MegabytesPerSecond(kiln::base::Sha256::Implementation::kPortable, bytes));
  if (kiln::base::Sha256::ShaNiAvailable()) {
    std::printf("sha256 sha-ni:   %.0f MB/s\n",
                MegabytesPerSecond(kiln::base::Sha256::Implementation::kShaNi, bytes));
  } else {
    std::printf("sha256 sha-ni:   not available on this CPU\n");
  }
  return 0;
}
