// The upload path over loopback HTTP, against the sink registry (tools/sink) run in this
// process: engine::push_image of images of synthetic incompressible layers, as `layerpush bench`
// pushes them (bytes/s counts layer bytes; the config and manifest ride along), and one HEAD of
// a blob through RegistryClient for the fixed cost of a request. The sink verifies every byte's
// SHA-256 on its own threads, which share the machine's cores with the client: on a small
// machine these numbers bound client and sink together, and a push of 256 B layers is the
// per-push cost (GET /v2/, then HEAD, POST and PUT per blob, then the manifest PUT: 17 requests).
// Wall time throughout: the work is spread over the client's lanes and workers and the sink.
//
// Run: build-mk/bench/http_bench [--benchmark_filter=Head]
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include "engine/image/image.h"
#include "engine/image/synthetic_image.h"
#include "engine/registry/registry_session.h"
#include "engine/transfer/push.h"
#include "hashing/sha256.h"
#include "tools/sink/sink_server.h"

namespace layerpush {
namespace {

constexpr double kMinTime = 0.2;  // seconds per benchmark: the whole program runs in seconds
// A push of 4 x 16 MiB takes about 0.2 s on 2 cores: this buys it a few iterations, not one.
constexpr double kPushMinTime = 0.5;
// The smallest layers: 8 bytes and up are distinct for distinct seeds (splitmix64's first
// output is a bijection of the seed), while 1-byte layers collide and HEAD finds them.
constexpr std::int64_t kTinyLayer = 256;
constexpr int kLayers = 4;       // so that at --jobs 4 every lane has a blob
constexpr int kSinkThreads = 2;  // `layerpush bench`'s default (--sink-threads)

// The sink, and an empty docker config so that pushes neither read the user's credentials nor
// run a credential helper named there. Started on first use, stopped at exit.
class Registry {
 public:
  static Registry& get() {
    static Registry registry;
    return registry;
  }
  ~Registry() {
    sink_.stop();
    unlink(authfile_.c_str());
  }

  engine::Reference destination() const {
    return {sink_.address(), "bench/http", std::string("1"), std::nullopt};
  }
  engine::PushOptions options(int jobs) const {
    engine::PushOptions options;
    options.plain_http = true;
    options.authfile = authfile_;
    options.upload_state = std::filesystem::path();  // no journal: nothing is ever resumed
    options.jobs = jobs;
    return options;
  }
  sink::Counters counters() const { return sink_.counters(); }

 private:
  Registry() {
    const int fd = mkstemp(authfile_.data());
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    const bool written = write(fd, "{}", 2) == 2;
    close(fd);
    if (!written) throw std::runtime_error("cannot write " + authfile_);
    sink_.start("127.0.0.1", 0, kSinkThreads);
  }
  sink::SinkServer sink_;
  std::string authfile_ = "/tmp/layerpush-http-bench-auth-XXXXXX";
};

// Every image starts kLayers + 1 seeds past the last (its config and each layer take one), so
// HEAD never finds a blob the sink already verified and every push sends all its bytes.
std::atomic<std::uint64_t> next_seed{0};

// kLayers layers of `size` bytes and a config naming them, every digest known, as `layerpush
// bench` makes them.
engine::Image fresh_image(std::uint64_t size) {
  const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return engine::synthetic_image(next_seed.fetch_add(kLayers + 1), kLayers, size, threads);
}

// Args: layer size, jobs. Making and hashing the layers happens with the clock stopped, as
// `layerpush bench` finds digests before its clock starts.
void BM_Push(benchmark::State& state) {
  const auto size = static_cast<std::uint64_t>(state.range(0));
  Registry& registry = Registry::get();
  const auto destination = registry.destination();
  const auto options = registry.options(static_cast<int>(state.range(1)));
  const auto failures_before = registry.counters().digest_failures;
  std::uint64_t requests = 0;
  for (auto _ : state) {
    state.PauseTiming();
    engine::Image image = fresh_image(size);
    state.ResumeTiming();
    try {
      const auto report = engine::push_image(std::move(image), destination, options);
      requests += report.requests;
      if (!std::all_of(report.blobs.begin(), report.blobs.end(), [](const auto& blob) {
            return blob.action == engine::BlobAction::kUploaded;
          })) {
        state.SkipWithError("the sink had a blob already: seeds repeated");
        break;
      }
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      break;
    }
  }
  if (registry.counters().digest_failures != failures_before)
    state.SkipWithError("the sink received bytes that do not match their digest");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kLayers * size));
  state.counters["requests"] =
      benchmark::Counter(static_cast<double>(requests), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_Push)
    ->ArgNames({"layer_size", "jobs"})
    ->ArgsProduct({{kTinyLayer, 1 << 20, 16 << 20}, {1, 4}})
    ->MinTime(kPushMinTime)
    ->UseRealTime();

// Arg: whether the blob is there (200) or not (404). One connection, kept alive, as a push's
// HEADs reuse the pool's.
void BM_HeadBlob(benchmark::State& state) {
  Registry& registry = Registry::get();
  const auto destination = registry.destination();
  const auto options = registry.options(1);
  hashing::Digest digest = hashing::sha256_of("a blob no push sent");
  engine::RegistrySession session(destination, options);
  try {
    if (state.range(0)) {
      engine::Image image = fresh_image(kTinyLayer);
      digest = *image.blobs[1].digest;
      engine::push_image(std::move(image), destination, options);
    }
    session.authenticate();
    session.run([&]() -> boost::asio::awaitable<void> {
      for (auto _ : state) {
        const bool exists = co_await session.client().blob_exists(digest);
        if (exists != (state.range(0) != 0)) throw std::runtime_error("HEAD answered wrong");
      }
    });
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
  // 1 when every HEAD reused the connection GET /v2/ opened.
  state.counters["connections"] = static_cast<double>(session.pool().connections_opened());
}
BENCHMARK(BM_HeadBlob)->ArgName("exists")->Arg(0)->Arg(1)->MinTime(kMinTime)->UseRealTime();

}  // namespace
}  // namespace layerpush

BENCHMARK_MAIN();
