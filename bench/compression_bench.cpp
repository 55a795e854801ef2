// Per-block compression speed and ratio of the libraries --compress could use: ISA-L's igzip
// (levels 0 to 3), libdeflate (1 to 12) and zstd, each compressing the same corpus cut into
// 1 MiB blocks compressed independently (engine/compress/block_codec.h's compress_block_size()), on
// one thread. The corpus is real files from /usr/include and /usr/share read at start (headers,
// text, scripts, data; files already compressed left out), 8 MiB by default
// (LAYERPUSH_BENCH_CORPUS_MIB), or the first bytes of LAYERPUSH_BENCH_CORPUS_FILE (a tar of /usr
// trees, binaries included, is closer to a real layer than text alone). "ratio" is
// compressed/input; bytes_per_second is input speed. The row BM_Engine is what --compress gzip|zstd
// runs (block_codec.h), for comparison.
//
// Run: build-io/bench/compression_bench [--benchmark_filter=Igzip]
// Compare the ratio with `gzip -6` (zlib's level 6; Go's compress/gzip default, which skopeo and
// docker use, compresses to within a few percent of it) of the same corpus, which the program
// leaves in /tmp/layerpush-compression-corpus.
#include <benchmark/benchmark.h>
#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <zstd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/compress/block_codec.h"

namespace layerpush {
namespace {
namespace fs = std::filesystem;
constexpr double kMinTime = 0.3;
constexpr std::size_t kBlock = 1 << 20;

std::size_t corpus_size() {
  const char* mib = std::getenv("LAYERPUSH_BENCH_CORPUS_MIB");
  return (mib ? std::strtoul(mib, nullptr, 10) : 8) << 20;
}

// Files packed compressed (changelog.gz, images) would only measure stored blocks.
bool already_compressed(const fs::path& path) {
  static const char* kSkip[] = {".gz", ".xz", ".bz2", ".zst", ".png", ".jpg", ".svgz", ".woff"};
  for (const char* ext : kSkip)
    if (path.extension() == ext) return true;
  return false;
}

// Files from /usr/share and /usr/include in directory order, concatenated, as a tar would hold.
const std::vector<std::uint8_t>& corpus() {
  static const std::vector<std::uint8_t> bytes = [] {
    std::vector<std::uint8_t> out;
    const std::size_t want = corpus_size();
    if (const char* file = std::getenv("LAYERPUSH_BENCH_CORPUS_FILE")) {
      std::ifstream in(file, std::ios::binary);
      out.resize(want);
      in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(want));
      out.resize(static_cast<std::size_t>(in.gcount()));
      return out;
    }
    for (const char* root : {"/usr/include", "/usr/share"}) {
      std::error_code ec;
      for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
           it != end && out.size() < want; it.increment(ec)) {
        if (ec || !it->is_regular_file(ec) || it->is_symlink(ec)) continue;
        if (already_compressed(it->path())) continue;
        std::ifstream in(it->path(), std::ios::binary);
        std::vector<char> data((std::istreambuf_iterator<char>(in)), {});
        out.insert(out.end(), data.begin(), data.end());
      }
    }
    out.resize(std::min(out.size(), want));
    std::ofstream("/tmp/layerpush-compression-corpus", std::ios::binary)
        .write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
    return out;
  }();
  return bytes;
}

template <class Compress>
void run_blocks(benchmark::State& state, Compress compress, std::size_t block = kBlock) {
  const auto& input = corpus();
  std::size_t compressed = 0;
  for (auto _ : state) {
    compressed = 0;
    for (std::size_t at = 0; at < input.size(); at += block) {
      const std::size_t n = std::min(block, input.size() - at);
      compressed += compress(input.data() + at, n);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
  state.counters["ratio"] = static_cast<double>(compressed) / static_cast<double>(input.size());
}

void BM_Igzip(benchmark::State& state) {
  const int level = static_cast<int>(state.range(0));
  std::vector<std::uint8_t> level_buf(level == 0   ? 0
                                      : level == 1 ? ISAL_DEF_LVL1_DEFAULT
                                      : level == 2 ? ISAL_DEF_LVL2_DEFAULT
                                                   : ISAL_DEF_LVL3_DEFAULT);
  std::vector<std::uint8_t> out(2 * kBlock);
  run_blocks(state, [&](const std::uint8_t* p, std::size_t n) {
    isal_zstream s;
    isal_deflate_init(&s);
    s.level = static_cast<std::uint32_t>(level);
    s.level_buf = level_buf.empty() ? nullptr : level_buf.data();
    s.level_buf_size = static_cast<std::uint32_t>(level_buf.size());
    s.flush = FULL_FLUSH;
    s.next_in = const_cast<std::uint8_t*>(p);
    s.avail_in = static_cast<std::uint32_t>(n);
    s.next_out = out.data();
    s.avail_out = static_cast<std::uint32_t>(out.size());
    isal_deflate(&s);
    return out.size() - s.avail_out;
  });
}
BENCHMARK(BM_Igzip)->DenseRange(0, 3)->MinTime(kMinTime);

void BM_Libdeflate(benchmark::State& state) {
  auto* c = libdeflate_alloc_compressor(static_cast<int>(state.range(0)));
  std::vector<std::uint8_t> out(2 * kBlock);
  run_blocks(state, [&](const std::uint8_t* p, std::size_t n) {
    return libdeflate_deflate_compress(c, p, n, out.data(), out.size());
  });
  libdeflate_free_compressor(c);
}
BENCHMARK(BM_Libdeflate)->Arg(1)->Arg(2)->Arg(4)->Arg(6)->Arg(9)->Arg(12)->MinTime(kMinTime);

void BM_Zstd(benchmark::State& state) {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  std::vector<std::uint8_t> out(ZSTD_compressBound(kBlock));
  run_blocks(state, [&](const std::uint8_t* p, std::size_t n) {
    return ZSTD_compressCCtx(c, out.data(), out.size(), p, n, static_cast<int>(state.range(0)));
  });
  ZSTD_freeCCtx(c);
}
BENCHMARK(BM_Zstd)->Arg(1)->Arg(3)->Arg(6)->Arg(9)->MinTime(kMinTime);

// What the engine runs: arg 0 is gzip level 1 in 1 MiB blocks, arg 1 zstd level 2 in 4 MiB
// frames (the defaults, engine/compress/block_codec.h).
void BM_Engine(benchmark::State& state) {
  const auto algorithm = state.range(0) == 0 ? engine::Compression::kGzip : engine::Compression::kZstd;
  const int level = engine::default_level(algorithm);
  run_blocks(
      state,
      [&](const std::uint8_t* p, std::size_t n) {
        return engine::compress_block(algorithm, level, {p, n}, false).size();
      },
      engine::compress_block_size(algorithm));
}
BENCHMARK(BM_Engine)->Arg(0)->Arg(1)->MinTime(kMinTime);

}  // namespace
}  // namespace layerpush

BENCHMARK_MAIN();
