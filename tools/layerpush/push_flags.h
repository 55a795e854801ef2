// The options of commands that send an image's blobs to a registry (push, copy): --jobs,
// --chunk-size, --max-request-size, --io, --no-clobber, --compress, --compress-level, --no-cache,
// --json, -q and the destination's registry options, registered once here and turned into
// engine::PushOptions in one place.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "engine/image/reference.h"
#include "engine/transfer/push.h"
#include "tools/layerpush/push_output.h"
#include "tools/layerpush/registry_flags.h"

namespace layerpush::cli {

struct PushFlags {
  int jobs = 5;
  std::string chunk_size = "0";
  std::string max_request_size = "0";
  RegistryFlags registry;
  std::string io;
  bool no_clobber = false;
  std::string compress = "gzip";
  std::optional<int> compress_level;
  bool no_cache = false;
  bool json = false;
  bool quiet = false;
};

void add_push_flags(CLI::App& command, PushFlags& flags);

// --compress and --compress-level; engine::Error(kUsage) naming the rule for a bad one.
engine::CompressionSettings compression_settings(const PushFlags& flags);

// Throws engine::Error(kUsage) for a value out of range or not a size.
engine::PushOptions to_push_options(const PushFlags& flags, const engine::Reference& destination);

OutputMode output_mode(const PushFlags& flags);

// --jobs and --io as every command that sends blobs checks them (push, copy, sync): the value,
// or engine::Error(kUsage) naming the rule. An empty --io is nullopt (the backend is probed).
int checked_jobs(int jobs);
std::optional<io::Backend> checked_io(const std::string& text);

// Runs the push with `output` as its observer and prints the result. A failure other than bad
// usage, bad input or a taken tag is rethrown as "VERB of DEST failed: why".
int push_and_report(engine::Image image, const engine::Reference& destination,
                    const engine::PushOptions& options, const PushFlags& flags,
                    const std::string& verb);

}  // namespace layerpush::cli
