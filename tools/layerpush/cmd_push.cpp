// `layerpush push [options] SOURCE DEST`: pushes one image from an OCI layout or a docker-archive
// to a registry.
#include <memory>

#include "engine/byte_size.h"
#include "engine/error.h"
#include "engine/image_source.h"
#include "engine/push.h"
#include "tools/layerpush/commands.h"
#include "tools/layerpush/push_output.h"
#include "tools/layerpush/registry_flags.h"

namespace layerpush::cli {
namespace {
using engine::Error;
using engine::ErrorKind;

struct PushArgs {
  std::string source;
  std::string destination;
  int jobs = 5;
  std::string chunk_size = "0";
  std::string max_request_size = "0";
  RegistryFlags registry;
  std::string io;
  bool no_clobber = false;
  bool json = false;
  bool quiet = false;
};

engine::PushOptions to_options(const PushArgs& args, const engine::Reference& destination) {
  engine::PushOptions options;
  if (args.jobs < 1 || args.jobs > 256)
    throw Error(ErrorKind::kUsage, "--jobs is " + std::to_string(args.jobs) + "; it must be 1 to 256");
  options.jobs = args.jobs;
  auto chunk = engine::parse_byte_size(args.chunk_size);
  if (!chunk)
    throw Error(ErrorKind::kUsage, "--chunk-size \"" + args.chunk_size +
                                       "\" is not a size such as 0, 8M or 16777216");
  options.chunk_size = *chunk;
  auto max_request = engine::parse_byte_size(args.max_request_size);
  if (!max_request)
    throw Error(ErrorKind::kUsage, "--max-request-size \"" + args.max_request_size +
                                       "\" is not a size such as 0, 4M or 4194304");
  options.max_request_size = *max_request;
  if (!args.io.empty()) {
    options.io_backend = io::parse_backend(args.io);
    if (!options.io_backend)
      throw Error(ErrorKind::kUsage, "--io is \"" + args.io + "\"; it must be io_uring or pread");
  }
  options.no_clobber = args.no_clobber;
  apply_registry_flags(args.registry, destination.registry, options);
  return options;
}

int run_push(const PushArgs& args) {
  const auto destination = parse_reference_argument("destination", args.destination);
  const auto options = to_options(args, destination);
  engine::Image image = engine::load_source(args.source);
  const OutputMode mode =
      args.quiet ? OutputMode::kQuiet : args.json ? OutputMode::kJson : OutputMode::kProgress;
  PushOutput output(mode, image, stderr);
  engine::PushReport report;
  try {
    report = engine::push_image(std::move(image), destination, options, &output);
  } catch (const Error& e) {
    // These already say all there is to say, without "push of … failed".
    if (e.kind() == ErrorKind::kUsage || e.kind() == ErrorKind::kInput ||
        e.kind() == ErrorKind::kTagTaken)
      throw;
    throw Error(e.kind(), "push of " + destination.str() + " failed: " + e.what());
  }
  output.finish(report, destination.manifest_reference());
  return 0;
}
}  // namespace

CommandRunner add_push_command(CLI::App& app) {
  auto args = std::make_shared<PushArgs>();
  auto* push = app.add_subcommand("push", "Push an image from an OCI layout or docker-archive");
  push->add_option("SOURCE", args->source,
                   "oci:DIR[:TAG|@DIGEST], docker-archive:FILE[:REF], or a path")
      ->required();
  push->add_option("DEST", args->destination, "HOST[:PORT]/REPO[:TAG|@DIGEST]")->required();
  push->add_option("-j,--jobs", args->jobs, "Blobs in flight at once")->capture_default_str();
  push->add_option("--chunk-size", args->chunk_size,
                   "0 sends each blob in one request; else PATCH chunks of this size (e.g. 8M)")
      ->capture_default_str();
  push->add_option("--max-request-size", args->max_request_size,
                   "Largest request body; bigger blobs go in chunks of this size (0: no limit)")
      ->capture_default_str();
  add_registry_flags(*push, args->registry);
  push->add_option("--io", args->io, "Force the file reader: io_uring or pread (or LAYERPUSH_IO)");
  push->add_flag("--no-clobber", args->no_clobber,
                 "Leave a destination tag that points at another image as it is (exit 1)");
  push->add_flag("--json", args->json, "Print one JSON summary on stdout");
  push->add_flag("-q,--quiet", args->quiet, "Print only the manifest digest");
  return [push, args] { return push->parsed() ? run_push(*args) : -1; };
}

}  // namespace layerpush::cli
