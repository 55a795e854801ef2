// The options of `layerpush bench`, registered on its subcommand and checked in one place into a
// BenchPlan: what to push (synthetic blobs, or an image from disk), where (the embedded sink, or
// --target HOST/REPO), and the settings to sweep (--jobs and --chunk-size lists, --repeat).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/image/reference.h"
#include "tools/layerpush/registry_flags.h"

namespace layerpush::cli {

struct BenchFlags {
  std::string target;  // HOST[:PORT]/REPO; empty for the embedded sink
  std::string image;   // oci:DIR[:TAG], docker-archive:FILE, a path; empty for synthetic blobs
  std::string blob_size = "8M";
  int blobs = 8;
  std::string jobs = "1,5";
  std::string chunk_sizes = "0";
  int repeat = 1;
  int sink_threads = 2;
  bool json = false;
  std::string report;  // FILE.svg or FILE.html
  RegistryFlags registry;
};

struct BenchPlan {
  std::optional<engine::Reference> target;  // repository only; nullopt: the embedded sink
  std::string image;
  std::uint64_t blob_size = 0;
  int blobs = 0;
  std::vector<int> jobs;
  std::vector<std::uint64_t> chunk_sizes;
  int repeat = 1;
  int sink_threads = 2;
  bool json = false;
  std::string report;
};

void add_bench_flags(CLI::App& command, BenchFlags& flags);

// Throws engine::Error(kUsage) with one sentence naming the flag for any value out of range.
BenchPlan to_bench_plan(const BenchFlags& flags);

}  // namespace layerpush::cli
