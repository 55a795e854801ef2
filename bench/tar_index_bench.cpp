// How fast a docker-archive is found its way around before any byte is pushed: io::TarIndex::read
// (one pread per member header, member data skipped) over tars of N small members, and
// engine::load_docker_archive (that index, then manifest.json, the config and a 4-byte sniff of
// every layer) over `docker save` archives of N layers in the legacy layout. Archives are built
// in /tmp by the tests' tar writer at setup and stay in the page cache, so this is the per-member
// CPU and syscall cost, not the disk's; items/s counts members (TarIndex) or layers (archives).
//
// Run: build-mk/bench/tar_index_bench [--benchmark_filter=Archive]
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "engine/image/docker_archive.h"
#include "hashing/sha256.h"
#include "io/file.h"
#include "io/tar_index.h"
#include "tests/io/tar_writer.h"

namespace layerpush {
namespace {

using io::test::TarWriter;

constexpr double kMinTime = 0.2;  // seconds per benchmark: the whole program runs in seconds
// Small members keep the files small; the index skips member data, so its size does not matter.
constexpr std::size_t kMemberSize = 1000;

// Bytes written to a fresh file in /tmp, removed when this goes out of scope.
class TempFile {
 public:
  explicit TempFile(const std::vector<char>& bytes) {
    const int fd = mkstemp(path_.data());
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    const bool written =
        write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    close(fd);
    if (!written) {
      unlink(path_.c_str());
      throw std::runtime_error("cannot write " + path_);
    }
  }
  ~TempFile() { unlink(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_ = "/tmp/layerpush-tar-bench-XXXXXX";
};

// `members` regular files in a few folders, as a layer's tar would hold them.
std::vector<char> plain_tar(std::int64_t members) {
  TarWriter tar;
  const std::string content(kMemberSize, 'x');
  for (std::int64_t i = 0; i < members; ++i)
    tar.file("usr/share/dir" + std::to_string(i % 16) + "/file" + std::to_string(i), content);
  tar.end();
  return tar.bytes();
}

// A one-file layer tar, different per `n` so every layer has its own diff_id.
std::string layer_tar(std::int64_t n) {
  TarWriter tar;
  tar.file("etc/layer" + std::to_string(n),
           std::string(kMemberSize, static_cast<char>('a' + n % 26)));
  tar.end();
  return std::string(tar.bytes().begin(), tar.bytes().end());
}

// `docker save`'s legacy layout (what docker before 25 writes, and mkimage's docker-archive):
// per layer <id>/VERSION, <id>/json and <id>/layer.tar; then the config and manifest.json.
std::vector<char> docker_archive(std::int64_t layers) {
  TarWriter tar;
  std::string diff_ids, layer_paths;
  for (std::int64_t i = 0; i < layers; ++i) {
    const std::string layer = layer_tar(i);
    const std::string id(hashing::sha256_of("layer id " + std::to_string(i)).hex());
    tar.header(id + "/", '5', 0);
    tar.file(id + "/VERSION", "1.0");
    tar.file(id + "/json", "{\"id\":\"" + id + "\"}");
    tar.file(id + "/layer.tar", layer);
    diff_ids += std::string(i ? "," : "") + "\"" + hashing::sha256_of(layer).str() + "\"";
    layer_paths += std::string(i ? "," : "") + "\"" + id + "/layer.tar\"";
  }
  const std::string config =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":"
      "{\"type\":\"layers\",\"diff_ids\":[" +
      diff_ids + "]}}";
  const std::string config_name = std::string(hashing::sha256_of(config).hex()) + ".json";
  tar.file(config_name, config);
  tar.file("manifest.json", "[{\"Config\":\"" + config_name +
                                "\",\"RepoTags\":[\"bench/app:1\"],\"Layers\":[" + layer_paths +
                                "]}]");
  tar.end();
  return tar.bytes();
}

void BM_TarIndex(benchmark::State& state) {
  const TempFile archive(plain_tar(state.range(0)));
  const io::File file = io::File::open_read(archive.path());
  const std::uint64_t size = file.size();
  for (auto _ : state) {
    const auto index = io::TarIndex::read(file.fd(), size);
    if (index.members().size() != static_cast<std::size_t>(state.range(0))) {
      state.SkipWithError("the index lost members");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["archive_bytes"] = static_cast<double>(size);
}
BENCHMARK(BM_TarIndex)->ArgName("members")->RangeMultiplier(8)->Range(8, 512)->MinTime(kMinTime);

// Docker refuses images past about 127 layers (overlayfs' lower-dir limit), hence 64 at most.
void BM_LoadDockerArchive(benchmark::State& state) {
  const TempFile archive(docker_archive(state.range(0)));
  for (auto _ : state) {
    const auto image = engine::load_docker_archive(archive.path(), std::nullopt);
    if (image.blobs.size() != static_cast<std::size_t>(state.range(0)) + 1) {
      state.SkipWithError("the archive lost layers");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_LoadDockerArchive)
    ->ArgName("layers")
    ->RangeMultiplier(8)
    ->Range(1, 64)
    ->MinTime(kMinTime);

}  // namespace
}  // namespace layerpush

BENCHMARK_MAIN();
