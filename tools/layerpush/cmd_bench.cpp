// `layerpush bench`: fio for registries. Pushes synthetic incompressible blobs (or an image from
// disk) once per setting of a sweep over --jobs and --chunk-size, --repeat times each, and
// reports throughput, per-blob HEAD/upload/commit latency percentiles, requests, retries and the
// client's CPU time, as a table, JSON lines and an SVG/HTML report. Every run pushes blobs no
// registry has seen (fresh seeds) under a fresh tag, into an embedded sink registry started for
// that run (tools/sink, loopback, a free port) or into --target, whose test manifests are
// deleted afterwards where the registry allows it.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "engine/image/image_source.h"
#include "engine/image/synthetic_image.h"
#include "engine/transfer/push.h"
#include "engine/util/error.h"
#include "tools/layerpush/bench_cpu.h"
#include "tools/layerpush/bench_options.h"
#include "tools/layerpush/bench_output.h"
#include "tools/layerpush/bench_svg.h"
#include "tools/layerpush/bench_target.h"
#include "tools/layerpush/commands.h"
#include "tools/sink/sink_server.h"

namespace layerpush::cli {
namespace {

using engine::Error;
using engine::ErrorKind;

struct Bench {
  BenchPlan plan;
  engine::PushOptions options;  // registry options for every run; jobs and chunk set per run
  std::uint64_t base_seed = 0;
  std::string run_id;  // in every tag and repository of this invocation
  int runs = 0;
};

std::string subject_of(const Bench& bench) {
  const std::string what =
      bench.plan.image.empty()
          ? std::to_string(bench.plan.blobs) + " blobs x " + size_text(bench.plan.blob_size)
          : bench.plan.image;
  const std::string where = bench.plan.target
                                ? bench.plan.target->registry + "/" + bench.plan.target->repository
                                : "an embedded sink registry";
  return what + " to " + where + ", " + std::to_string(bench.plan.repeat) + " push(es) per setting";
}

// Where run `n` goes: a fresh tag (and for an image from disk, whose blobs repeat, a fresh
// repository under --target's, so HEAD finds nothing); on the sink, which is new per run, one
// repository does.
engine::Reference destination_of(const Bench& bench, const std::string& sink_address, int n) {
  const std::string name = "bench-" + bench.run_id + "-" + std::to_string(n);
  engine::Reference destination;
  if (bench.plan.target) {
    destination = *bench.plan.target;
    if (!bench.plan.image.empty()) destination.repository += "/" + name;
  } else {
    destination.registry = sink_address;
    destination.repository = "bench/synthetic";
  }
  destination.tag = name;
  return destination;
}

RunResult run_once(Bench& bench, int jobs, std::uint64_t chunk_size) {
  const int n = bench.runs++;
  const bool synthetic = bench.plan.image.empty();
  const auto threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  engine::Image image = synthetic ? engine::synthetic_image(
                                        bench.base_seed + std::uint64_t(n) * (bench.plan.blobs + 1),
                                        bench.plan.blobs, bench.plan.blob_size, threads)
                                  : engine::load_source(bench.plan.image);
  std::optional<sink::SinkServer> sink;
  std::set<pid_t> sink_threads;
  if (!bench.plan.target) {
    const auto before = thread_ids();
    sink.emplace();
    sink->start("127.0.0.1", 0, bench.plan.sink_threads);
    for (pid_t tid : thread_ids())
      if (!before.contains(tid)) sink_threads.insert(tid);
  }
  const auto destination = destination_of(bench, sink ? sink->address() : "", n);
  engine::PushOptions options = bench.options;
  options.jobs = jobs;
  options.chunk_size = chunk_size;
  if (sink) options.plain_http = true;

  const ClientCpu cpu(sink_threads);
  const double cpu_before = cpu.seconds();
  engine::PushReport report;
  try {
    report = engine::push_image(std::move(image), destination, options);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kUsage || e.kind() == ErrorKind::kInput) throw;
    throw Error(e.kind(), "bench push of " + destination.str() + " failed: " + e.what());
  }
  const double cpu_seconds = cpu.seconds() - cpu_before;
  if (sink && sink->counters().digest_failures > 0)
    throw Error(ErrorKind::kCorrupt,
                "the sink registry received blobs whose bytes do not match "
                "their digest");
  RunResult run{jobs,
                chunk_size,
                destination.str(),
                report.manifest_digest,
                report.seconds,
                report.bytes_uploaded,
                report.requests,
                report.retries,
                cpu_seconds,
                {}};
  for (const auto& blob : report.blobs)
    if (!synthetic || blob.role != "config") run.blobs.push_back(blob);
  return run;
}

int run_bench(const BenchFlags& flags) {
  Bench bench;
  bench.plan = to_bench_plan(flags);
  const auto& plan = bench.plan;
  apply_registry_flags(flags.registry, plan.target ? plan.target->registry : "127.0.0.1",
                       bench.options);
  bench.options.upload_state = std::filesystem::path();  // no journal: nothing is resumed
  std::random_device entropy;
  bench.base_seed = (std::uint64_t(entropy()) << 32) | entropy();
  char id[16];
  std::snprintf(id, sizeof id, "%08x", static_cast<unsigned>(bench.base_seed >> 32));
  bench.run_id = id;
  std::fprintf(stderr, "layerpush bench: %s\n", subject_of(bench).c_str());

  std::vector<SettingResult> settings;
  std::vector<RunResult> all_runs;
  int found = 0;
  for (const auto chunk_size : plan.chunk_sizes)
    for (const int jobs : plan.jobs) {
      std::vector<RunResult> runs;
      for (int r = 0; r < plan.repeat; ++r) runs.push_back(run_once(bench, jobs, chunk_size));
      all_runs.insert(all_runs.end(), runs.begin(), runs.end());
      settings.push_back(summarize(runs));
      found += settings.back().blobs_found;
      if (plan.json) std::printf("%s\n", json_line(settings.back()).c_str());
      std::fflush(stdout);
    }
  if (!plan.json) print_table(settings, stdout);
  if (found > 0)
    std::fprintf(stderr,
                 "layerpush bench: %d blob(s) were already in the registry and were not "
                 "sent; throughput counts only bytes sent\n",
                 found);
  if (!plan.report.empty()) write_report(plan.report, settings, subject_of(bench));
  if (plan.target) delete_test_manifests(all_runs, bench.options);
  return 0;
}

}  // namespace

CommandRunner add_bench_command(CLI::App& app) {
  auto flags = std::make_shared<BenchFlags>();
  auto* bench = app.add_subcommand(
      "bench", "Measure registry upload throughput and latency over a sweep of settings");
  add_bench_flags(*bench, *flags);
  return [bench, flags] { return bench->parsed() ? run_bench(*flags) : -1; };
}

}  // namespace layerpush::cli
