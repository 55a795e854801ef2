#include "tools/layerpush/layout_output.h"

#include <nlohmann/json.hpp>

namespace layerpush::cli {

void LayoutOutput::notice(const std::string& sentence) {
  if (mode_ != OutputMode::kQuiet) std::fprintf(err_, "layerpush: %s\n", sentence.c_str());
}

void LayoutOutput::blob_done(std::size_t, const engine::LayoutBlobReport& report) {
  if (mode_ == OutputMode::kJson) {
    nlohmann::ordered_json line{{"type", "blob"},          {"role", report.role},
                                {"digest", report.digest},  {"bytes", report.size},
                                {"action", report.written ? "written" : "exists"},
                                {"seconds", report.seconds}};
    std::printf("%s\n", line.dump().c_str());
    std::fflush(stdout);
    return;
  }
  if (mode_ != OutputMode::kProgress) return;
  std::fprintf(err_, "%s: %s (%.1fMB in %.2fs)\n", report.digest.substr(7, 12).c_str(),
               report.written ? "Written" : "Already exists", report.size / 1e6, report.seconds);
}

void LayoutOutput::finish(const engine::LayoutReport& report, const std::string& shown) const {
  if (mode_ == OutputMode::kQuiet) {
    std::printf("%s\n", report.manifest_digest.c_str());
    return;
  }
  if (mode_ == OutputMode::kJson) {
    nlohmann::ordered_json doc;
    doc["type"] = "summary";
    doc["destination"] = report.destination;
    doc["manifest_digest"] = report.manifest_digest;
    doc["manifest_size"] = report.manifest_size;
    doc["seconds"] = report.seconds;
    doc["bytes_written"] = report.bytes_written;
    doc["io_backend"] = report.io_backend;
    doc["blobs"] = nlohmann::ordered_json::array();
    for (const auto& b : report.blobs)
      doc["blobs"].push_back({{"digest", b.digest},
                              {"size", b.size},
                              {"role", b.role},
                              {"action", b.written ? "written" : "exists"},
                              {"seconds", b.seconds}});
    std::printf("%s\n", doc.dump().c_str());
    return;
  }
  print_digest_line(shown, report.manifest_digest, report.manifest_size);
  std::size_t written = 0;
  for (const auto& b : report.blobs) written += b.written;
  std::fprintf(err_, "wrote %zu of %zu blobs, %.1f MB in %.2fs\n", written, report.blobs.size(),
               report.bytes_written / 1e6, report.seconds);
}

}  // namespace layerpush::cli
