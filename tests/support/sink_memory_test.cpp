// The sink registry streams request bodies: a 1 GiB blob, sent in one PUT and verified, must
// not make the process hold it (measured as the growth of this process's peak resident size,
// VmHWM, over the upload).
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "hashing/sha256.h"
#include "tests/support/curl.h"
#include "tests/support/process.h"
#include "tools/sink/sink_server.h"

namespace layerpush::testing {
namespace {

// Peak resident set of this process in KiB, from /proc/self/status.
std::uint64_t peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmHWM:")) return std::stoull(line.substr(6));
  return 0;
}

// Writes `blocks` MiB of varied bytes through a 1 MiB buffer (never the whole file in memory)
// and returns their digest.
std::string write_big_file(const std::filesystem::path& path, int blocks) {
  std::vector<std::uint64_t> block(1 << 17);  // 1 MiB
  std::mt19937_64 random(42);
  for (auto& word : block) word = random();
  hashing::Sha256 hasher;
  std::ofstream out(path, std::ios::binary);
  for (int i = 0; i < blocks; ++i) {
    block[static_cast<std::size_t>(i) % block.size()] ^= random();  // no two blocks alike
    const auto bytes = std::as_bytes(std::span(block));
    hasher.update(bytes);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
  return hasher.finish().str();
}

TEST(SinkMemoryTest, AOneGibBlobIsStreamedNotHeld) {
  constexpr int kMiB = 1024;
  TempDir dir;
  const auto file = dir.path() / "big";
  const std::string digest = write_big_file(file, kMiB);
  sink::SinkServer sink;
  sink.start();
  const std::uint64_t before = peak_rss_kib();
  ASSERT_GT(before, 0u);

  auto post = curl({"-X", "POST", "http://" + sink.address() + "/v2/x/y/blobs/uploads/"});
  ASSERT_EQ(post.status, 202);
  // -T streams the file from disk with a Content-Length.
  auto put = curl({"-X", "PUT", "-H", "Content-Type: application/octet-stream", "-T", file.string(),
                   "http://" + sink.address() + post.header("location") + "?digest=" + digest},
                  300);
  ASSERT_EQ(put.status, 201) << put.err << put.body;
  EXPECT_EQ(sink.counters().bytes_received, std::uint64_t{kMiB} << 20);
  EXPECT_EQ(sink.counters().blobs, 1u);
  const std::uint64_t growth_kib = peak_rss_kib() - before;
  EXPECT_LT(growth_kib, 64u * 1024) << "peak RSS grew by " << growth_kib << " KiB";
}

}  // namespace
}  // namespace layerpush::testing
