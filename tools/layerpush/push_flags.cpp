#include "tools/layerpush/push_flags.h"

#include "engine/util/byte_size.h"
#include "engine/util/error.h"
#include "tools/layerpush/int_flag.h"

namespace layerpush::cli {
using engine::Error;
using engine::ErrorKind;

engine::CompressionSettings compression_settings(const PushFlags& flags) {
  const auto algorithm = engine::parse_compression(flags.compress);
  if (!algorithm)
    throw Error(ErrorKind::kUsage,
                "--compress is \"" + flags.compress + "\"; it must be gzip, zstd or none");
  const int level = flags.compress_level.value_or(engine::default_level(*algorithm));
  if (flags.compress_level) {
    const auto problem = engine::level_problem(*algorithm, level);
    if (!problem.empty()) throw Error(ErrorKind::kUsage, problem);
  }
  return {*algorithm, level};
}

void add_push_flags(CLI::App& command, PushFlags& flags) {
  command.add_option("-j,--jobs", flags.jobs, "Blobs in flight at once")->capture_default_str();
  command
      .add_option("--chunk-size", flags.chunk_size,
                  "0 sends each blob in one request; else PATCH chunks of this size (e.g. 8M)")
      ->capture_default_str();
  command
      .add_option("--max-request-size", flags.max_request_size,
                  "Largest request body; bigger blobs go in chunks of this size (0: no limit)")
      ->capture_default_str();
  add_registry_flags(command, flags.registry);
  command.add_option("--io", flags.io,
                     "Force the file reader: io_uring or pread (or LAYERPUSH_IO)");
  command.add_flag("--no-clobber", flags.no_clobber,
                   "Leave a destination tag that points at another image as it is (exit 1)");
  command
      .add_option("--compress", flags.compress,
                  "gzip, zstd or none: how layers stored uncompressed (docker-archive tars) are "
                  "sent; already-compressed layers (OCI layouts) are sent as they are. zstd "
                  "layers make an OCI image manifest")
      ->capture_default_str();
  command.add_option("--compress-level", flags.compress_level,
                     "gzip 0 to 3 (ISA-L, default 1), zstd 1 to 22 (default 2)");
  command.add_flag("--no-cache", flags.no_cache,
                   "Neither use nor update the digest cache of compressed layers (by default "
                   "$XDG_CACHE_HOME/layerpush/digests): read and compress every layer again");
  command.add_flag("--json", flags.json,
                   "Print JSON lines on stdout: one per blob as it ends, then a summary");
  command.add_flag("-q,--quiet", flags.quiet, "Print only the manifest digest");
}

engine::PushOptions to_push_options(const PushFlags& flags, const engine::Reference& destination) {
  engine::PushOptions options;
  options.jobs = checked_jobs(flags.jobs);
  auto chunk = engine::parse_byte_size(flags.chunk_size);
  if (!chunk)
    throw Error(ErrorKind::kUsage, "--chunk-size \"" + flags.chunk_size +
                                       "\" is not a size such as 0, 8M or 16777216");
  options.chunk_size = *chunk;
  auto max_request = engine::parse_byte_size(flags.max_request_size);
  if (!max_request)
    throw Error(ErrorKind::kUsage, "--max-request-size \"" + flags.max_request_size +
                                       "\" is not a size such as 0, 4M or 4194304");
  options.max_request_size = *max_request;
  options.io_backend = checked_io(flags.io);
  options.compression = compression_settings(flags);
  options.no_clobber = flags.no_clobber;
  if (flags.no_cache) options.digest_cache = std::filesystem::path();
  apply_registry_flags(flags.registry, destination.registry, options);
  return options;
}

int checked_jobs(int jobs) { return checked_int("--jobs", jobs, 1, 256); }

std::optional<io::Backend> checked_io(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const auto backend = io::parse_backend(text);
  if (!backend)
    throw Error(ErrorKind::kUsage, "--io is \"" + text + "\"; it must be io_uring or pread");
  return backend;
}

OutputMode output_mode(const PushFlags& flags) {
  return flags.quiet ? OutputMode::kQuiet : flags.json ? OutputMode::kJson : OutputMode::kProgress;
}

int push_and_report(engine::Image image, const engine::Reference& destination,
                    const engine::PushOptions& options, const PushFlags& flags,
                    const std::string& verb) {
  PushOutput output(output_mode(flags), image, stderr);
  engine::PushReport report;
  try {
    report = engine::push_image(std::move(image), destination, options, &output);
  } catch (const Error& e) {
    // These already say all there is to say, without "push of … failed".
    if (e.kind() == ErrorKind::kUsage || e.kind() == ErrorKind::kInput ||
        e.kind() == ErrorKind::kTagTaken)
      throw;
    throw Error(e.kind(), verb + " of " + destination.str() + " failed: " + e.what());
  }
  output.finish(report, destination.manifest_reference());
  return 0;
}

}  // namespace layerpush::cli
