#include "tools/layerpush/bench_output.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace layerpush::cli {
namespace {

// Milliseconds to three decimals: HEAD on loopback takes a fraction of one.
double ms(double value) { return std::round(value * 1000) / 1000; }

std::string triple(const engine::Percentiles& p) {
  char text[64];
  std::snprintf(text, sizeof text, "%.1f/%.1f/%.1f", p.p50, p.p95, p.p99);
  return text;
}

}  // namespace

std::string size_text(std::uint64_t bytes) {
  if (bytes == 0) return "0";
  for (auto [shift, unit] : {std::pair{30, "G"}, {20, "M"}, {10, "K"}})
    if (bytes % (std::uint64_t{1} << shift) == 0) return std::to_string(bytes >> shift) + unit;
  return std::to_string(bytes);
}

std::string json_line(const SettingResult& s) {
  nlohmann::ordered_json line = {
      {"type", "setting"},
      {"jobs", s.jobs},
      {"chunk_size", s.chunk_size},
      {"runs", s.runs},
      {"blobs", s.blobs},
      {"blobs_found", s.blobs_found},
      {"bytes", s.bytes},
      {"seconds", s.seconds},
      {"throughput_mb_per_s", std::round(s.throughput_mb_per_s * 100) / 100}};
  for (auto [name, p] :
       {std::pair{"head", &s.head_ms}, {"upload", &s.upload_ms}, {"commit", &s.commit_ms}}) {
    line[std::string(name) + "_p50_ms"] = ms(p->p50);
    line[std::string(name) + "_p95_ms"] = ms(p->p95);
    line[std::string(name) + "_p99_ms"] = ms(p->p99);
  }
  line["cpu_seconds"] = std::round(s.cpu_seconds * 1000) / 1000;
  line["requests"] = s.requests;
  line["retries"] = s.retries;
  return line.dump();
}

void print_table(const std::vector<SettingResult>& settings, std::FILE* out) {
  std::fprintf(out, "%5s %6s %9s  %-20s %-20s %-20s %7s %8s %7s\n", "jobs", "chunk", "MB/s",
               "HEAD ms p50/95/99", "upload ms p50/95/99", "commit ms p50/95/99", "cpu s",
               "requests", "retries");
  for (const auto& s : settings)
    std::fprintf(out, "%5d %6s %9.1f  %-20s %-20s %-20s %7.2f %8llu %7llu\n", s.jobs,
                 size_text(s.chunk_size).c_str(), s.throughput_mb_per_s, triple(s.head_ms).c_str(),
                 triple(s.upload_ms).c_str(), triple(s.commit_ms).c_str(), s.cpu_seconds,
                 static_cast<unsigned long long>(s.requests),
                 static_cast<unsigned long long>(s.retries));
}

}  // namespace layerpush::cli
