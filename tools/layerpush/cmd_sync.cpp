// `layerpush sync [options] CONFIG`: copies every image a YAML sync config names from its source
// registry to its destination (engine/sync/sync.h has the steps; engine/sync/sync_config.h the
// file). Connection settings per registry come from the config; the flags here shape the run.
#include <memory>

#include "engine/sync/sync.h"
#include "engine/sync/sync_config.h"
#include "engine/util/byte_size.h"
#include "engine/util/error.h"
#include "tools/layerpush/commands.h"
#include "tools/layerpush/push_flags.h"
#include "tools/layerpush/retry_flags.h"
#include "tools/layerpush/sync_output.h"

namespace layerpush::cli {
namespace {
using engine::Error;
using engine::ErrorKind;

struct SyncArgs {
  std::string config;
  int jobs = 5;
  int jobs_per_host = 0;
  std::string chunk_size = "0";
  std::string max_request_size = "0";
  RetryFlags retry;
  std::string io;
  std::string shard = "0/1";
  std::string state;
  bool no_state = false;
  bool keep_going = false;
  bool dry_run = false;
  bool no_clobber = false;
  bool json = false;
  bool quiet = false;
};

std::uint64_t size_flag(const std::string& name, const std::string& text) {
  const auto size = engine::parse_byte_size(text);
  if (!size)
    throw Error(ErrorKind::kUsage, name + " \"" + text + "\" is not a size such as 0, 8M or 16777216");
  return *size;
}

engine::SyncOptions to_sync_options(const SyncArgs& args) {
  engine::SyncOptions options;
  if (args.jobs_per_host < 0 || args.jobs_per_host > 256)
    throw Error(ErrorKind::kUsage, "--jobs-per-host is " + std::to_string(args.jobs_per_host) +
                                       "; it must be 0 (as --jobs) to 256");
  if (args.no_state && !args.state.empty())
    throw Error(ErrorKind::kUsage, "--state and --no-state contradict each other");
  options.jobs = checked_jobs(args.jobs);
  options.jobs_per_host = args.jobs_per_host;
  options.chunk_size = size_flag("--chunk-size", args.chunk_size);
  options.max_request_size = size_flag("--max-request-size", args.max_request_size);
  apply_retry_flags(args.retry, options.retry, options.timeouts);
  options.io_backend = checked_io(args.io);
  options.shard = engine::parse_shard(args.shard);
  if (args.no_state) options.state_file = std::filesystem::path();
  else if (!args.state.empty()) options.state_file = std::filesystem::path(args.state);
  options.keep_going = args.keep_going;
  options.dry_run = args.dry_run;
  options.no_clobber = args.no_clobber;
  options.config_path = args.config;
  return options;
}

int run_sync(const SyncArgs& args) {
  const auto options = to_sync_options(args);  // flags first: no file is read for a bad flag
  const auto config = engine::load_sync_config(args.config);
  const auto mode = args.quiet  ? SyncOutputMode::kQuiet
                    : args.json ? SyncOutputMode::kJson
                                : SyncOutputMode::kLines;
  SyncOutput output(mode, args.dry_run);
  const auto summary = engine::sync_images(config, options, &output);
  output.finish(summary);
  return summary.ok() ? 0 : 1;
}
}  // namespace

CommandRunner add_sync_command(CLI::App& app) {
  auto args = std::make_shared<SyncArgs>();
  auto* sync = app.add_subcommand(
      "sync", "Copy every image a YAML config names between registries: blobs sent once per "
              "registry and mounted elsewhere, unchanged images skipped, restartable");
  sync->add_option("CONFIG", args->config, "The sync config (YAML); see the README")->required();
  sync->add_option("-j,--jobs", args->jobs, "Blob transfers in flight across the whole run")
      ->capture_default_str();
  sync->add_option("--jobs-per-host", args->jobs_per_host,
                   "At most this many of them per registry host (0: as --jobs)")
      ->capture_default_str();
  sync->add_option("--chunk-size", args->chunk_size,
                   "0 sends each blob in one request; else PATCH chunks of this size (e.g. 64M)")
      ->capture_default_str();
  sync->add_option("--max-request-size", args->max_request_size,
                   "Largest request body; bigger blobs go in chunks of this size (0: no limit)")
      ->capture_default_str();
  add_retry_flags(*sync, args->retry);
  sync->add_option("--io", args->io, "Force the file reader: io_uring or pread");
  sync->add_option("--shard", args->shard,
                   "Copy only shard I of N (0-based, e.g. $JOB_COMPLETION_INDEX/4); N runs with "
                   "I = 0..N-1 cover every image once")
      ->capture_default_str();
  sync->add_option("--state", args->state,
                   "Checkpoint file (default: under $XDG_STATE_HOME/layerpush/sync, one per "
                   "config and shard); a killed run started again goes on from it");
  sync->add_flag("--no-state", args->no_state, "Keep no checkpoint");
  sync->add_flag("--keep-going", args->keep_going,
                 "Finish the other images when one fails (exit 1 at the end)");
  sync->add_flag("--dry-run", args->dry_run,
                 "Print the plan (images, blobs to upload or mount, bytes) and write nothing");
  sync->add_flag("--no-clobber", args->no_clobber,
                 "Leave destination tags that point at another image, report each (exit 1)");
  sync->add_flag("--json", args->json, "JSON lines: one per blob and per image, then a summary");
  sync->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  return [sync, args] { return sync->parsed() ? run_sync(*args) : -1; };
}

}  // namespace layerpush::cli
