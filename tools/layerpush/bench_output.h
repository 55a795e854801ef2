// How `layerpush bench` prints its results on stdout: a table with one row per setting, or with
// --json one JSON line per setting (`"type":"setting"`, jobs, chunk_size, throughput_mb_per_s,
// head/upload/commit p50/p95/p99 in ms, cpu_seconds, requests, retries, ...).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "tools/layerpush/bench_result.h"

namespace layerpush::cli {

// "0", "256K", "16M", "1G", or a byte count that is no whole unit.
std::string size_text(std::uint64_t bytes);

std::string json_line(const SettingResult& setting);

void print_table(const std::vector<SettingResult>& settings, std::FILE* out);

}  // namespace layerpush::cli
