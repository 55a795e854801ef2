#include "tools/layerpush/bench_options.h"

#include "engine/util/byte_size.h"
#include "engine/util/error.h"
#include "engine/util/sweep_list.h"
#include "tools/layerpush/int_flag.h"

namespace layerpush::cli {
using engine::Error;
using engine::ErrorKind;

void add_bench_flags(CLI::App& command, BenchFlags& flags) {
  command.add_option("--target", flags.target,
                     "HOST[:PORT]/REPO of a real registry (default: an embedded sink registry)");
  command.add_option("--image", flags.image,
                     "Push this image (oci:DIR[:TAG], docker-archive:FILE) instead of "
                     "synthetic blobs");
  command.add_option("--blob-size", flags.blob_size, "Size of each synthetic blob (e.g. 16M)")
      ->capture_default_str();
  command.add_option("--blobs", flags.blobs, "Synthetic blobs per push")->capture_default_str();
  command.add_option("-j,--jobs", flags.jobs, "Blobs in flight: a list to sweep (1,2,5,8)")
      ->capture_default_str();
  command
      .add_option("--chunk-size", flags.chunk_sizes,
                  "0 (one request per blob) or PATCH chunk sizes: a list to sweep (0,16M)")
      ->capture_default_str();
  command.add_option("--repeat", flags.repeat, "Pushes per setting, each with fresh blobs")
      ->capture_default_str();
  command.add_option("--sink-threads", flags.sink_threads, "Threads of the embedded sink registry")
      ->capture_default_str();
  command.add_flag("--json", flags.json, "Print one JSON line per setting instead of a table");
  command.add_option("--report", flags.report,
                     "Also write charts to FILE.svg or FILE.html (self-contained)");
  add_registry_flags(command, flags.registry);
}

BenchPlan to_bench_plan(const BenchFlags& flags) {
  BenchPlan plan;
  if (!flags.target.empty()) {
    plan.target = parse_reference_argument("--target", flags.target);
    if (plan.target->digest || flags.target.find('@') != std::string::npos)
      throw Error(ErrorKind::kUsage, "--target names a repository (HOST/REPO), not a digest");
    plan.target->tag.reset();
  }
  plan.image = flags.image;
  const auto size = engine::parse_byte_size(flags.blob_size);
  if (!size || *size == 0 || *size > (std::uint64_t{64} << 30))
    throw Error(ErrorKind::kUsage, "--blob-size \"" + flags.blob_size +
                                       "\" is not a size from 1 to 64G such as 256K or 16M");
  plan.blob_size = *size;
  plan.blobs = checked_int("--blobs", flags.blobs, 1, 10000);
  auto jobs = engine::parse_int_list(flags.jobs, 1, 256);
  if (!jobs)
    throw Error(ErrorKind::kUsage, "--jobs \"" + flags.jobs +
                                       "\" is not a list of different numbers from 1 to 256 "
                                       "such as 1,2,5,8");
  plan.jobs = *jobs;
  auto chunks = engine::parse_size_list(flags.chunk_sizes);
  if (!chunks)
    throw Error(ErrorKind::kUsage, "--chunk-size \"" + flags.chunk_sizes +
                                       "\" is not a list of different sizes such as 0,16M");
  plan.chunk_sizes = *chunks;
  plan.repeat = checked_int("--repeat", flags.repeat, 1, 1000);
  plan.sink_threads = checked_int("--sink-threads", flags.sink_threads, 1, 256);
  plan.json = flags.json;
  plan.report = flags.report;
  if (!plan.report.empty() && !plan.report.ends_with(".svg") && !plan.report.ends_with(".html"))
    throw Error(ErrorKind::kUsage, "--report \"" + plan.report + "\" must end in .svg or .html");
  return plan;
}

}  // namespace layerpush::cli
