// Micro-benchmarks of the two halves of the pipeline that do not touch the network: SHA-256
// (ours beside OpenSSL's one-shot, to show the wrapper costs nothing) and reading a file through
// each io backend. The reads come from the page cache (the file was just written), so they
// measure per-buffer overhead and copying, the part a backend and its knobs can change, not
// the disk.
//
// Run: build/bench/micro_bench [--benchmark_filter=Read]
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "hashing/sha256.h"
#include "io/file.h"
#include "io/range_reader.h"

namespace layerpush {
namespace {

constexpr double kMinTime = 0.2;  // seconds per benchmark: the whole program runs in seconds
constexpr std::size_t kFileSize = 64 << 20;

std::vector<std::byte> bytes_of_size(std::size_t size) {
  std::vector<std::byte> data(size);
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<std::byte>((i * 131) >> 3);
  return data;
}

// A 64 MiB file written on first use and removed at exit.
class BenchFile {
 public:
  static const BenchFile& get() {
    static BenchFile file;
    return file;
  }
  const io::File& file() const { return file_; }

 private:
  BenchFile() {
    std::string path = "/tmp/layerpush-bench-XXXXXX";
    const int fd = mkstemp(path.data());
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    const auto data = bytes_of_size(kFileSize);
    const bool written = write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
    close(fd);
    file_ = io::File::open_read(path);
    unlink(path.c_str());  // the open descriptor keeps the bytes until exit
    if (!written) throw std::runtime_error("cannot write " + path);
  }
  io::File file_;
};

void BM_Sha256_Layerpush(benchmark::State& state) {
  const auto data = bytes_of_size(static_cast<std::size_t>(state.range(0)));
  hashing::Sha256 hasher;
  for (auto _ : state) hasher.update(data);
  benchmark::DoNotOptimize(hasher.finish());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256_Layerpush)->RangeMultiplier(16)->Range(4 << 10, 16 << 20)->MinTime(kMinTime);

void BM_Sha256_OpenSSLOneShot(benchmark::State& state) {
  const auto data = bytes_of_size(static_cast<std::size_t>(state.range(0)));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  for (auto _ : state) {
    if (EVP_Digest(data.data(), data.size(), digest, &digest_size, EVP_sha256(), nullptr) != 1) {
      state.SkipWithError("EVP_Digest failed");
      break;
    }
    benchmark::DoNotOptimize(digest);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256_OpenSSLOneShot)
    ->RangeMultiplier(16)
    ->Range(4 << 10, 16 << 20)
    ->MinTime(kMinTime);

// Reads the whole file per iteration; args are (buffer size, queue depth).
void read_file(benchmark::State& state, io::Backend backend) {
  const io::File& file = BenchFile::get().file();
  std::unique_ptr<io::RangeReader> reader;
  try {
    reader = io::make_reader(
        backend, {static_cast<std::size_t>(state.range(0)), static_cast<unsigned>(state.range(1))});
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  for (auto _ : state) {
    std::byte sum{0};
    reader->read(file.fd(), 0, kFileSize, [&](std::span<const std::byte> buffer) {
      sum ^= buffer.front();  // touch the buffer, as a hasher would
      return true;
    });
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * kFileSize);
}

void BM_Read_IoUring(benchmark::State& state) { read_file(state, io::Backend::kIoUring); }
BENCHMARK(BM_Read_IoUring)
    ->ArgNames({"buffer", "depth"})
    ->ArgsProduct({{64 << 10, 256 << 10, 1 << 20}, {1, 2, 4, 16}})
    ->MinTime(kMinTime)
    ->UseRealTime();

void BM_Read_Pread(benchmark::State& state) { read_file(state, io::Backend::kPread); }
BENCHMARK(BM_Read_Pread)
    ->ArgNames({"buffer", "depth"})
    ->ArgsProduct({{64 << 10, 256 << 10, 1 << 20}, {1}})
    ->MinTime(kMinTime)
    ->UseRealTime();

}  // namespace
}  // namespace layerpush

BENCHMARK_MAIN();
