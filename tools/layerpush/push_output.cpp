#include "tools/layerpush/push_output.h"

#include <unistd.h>

#include <cinttypes>
#include <nlohmann/json.hpp>

namespace layerpush::cli {
namespace {
// Redrawing more often than this only costs CPU; people do not see it.
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);
constexpr int kBarWidth = 30;

// How a finished blob is named: in --json ("uploaded") and on its progress line ("Pushed").
struct ActionWords {
  const char* json;
  const char* done;
};
ActionWords words_for(engine::BlobAction action) {
  switch (action) {
    case engine::BlobAction::kUploaded:
      return {"uploaded", "Pushed"};
    case engine::BlobAction::kMounted:
      return {"mounted", "Mounted"};
    case engine::BlobAction::kExists:
      break;
  }
  return {"exists", "Layer already exists"};
}
}  // namespace

std::string human_bytes(std::uint64_t bytes) {
  char out[32];
  if (bytes < 1000) std::snprintf(out, sizeof out, "%" PRIu64 "B", bytes);
  else if (bytes < 1000 * 1000) std::snprintf(out, sizeof out, "%.1fkB", bytes / 1e3);
  else if (bytes < 1000ull * 1000 * 1000) std::snprintf(out, sizeof out, "%.1fMB", bytes / 1e6);
  else std::snprintf(out, sizeof out, "%.2fGB", bytes / 1e9);
  return out;
}

void print_digest_line(const std::string& shown_reference, const std::string& digest,
                       std::uint64_t size) {
  std::printf("%s: digest: %s size: %" PRIu64 "\n", shown_reference.c_str(), digest.c_str(), size);
  std::fflush(stdout);  // keep it before any summary on stderr when both go to one log
}

PushOutput::PushOutput(OutputMode mode, const engine::Image& image, std::FILE* err)
    : mode_(mode), terminal_(::isatty(::fileno(err)) == 1), err_(err) {
  for (const auto& blob : image.blobs)
    lines_.push_back(Line{blob.digest ? blob.digest->short_hex() : blob.role,
                          blob.size.value_or(0), 0, "Waiting"});
}

void PushOutput::notice(const std::string& sentence) {
  if (mode_ != OutputMode::kQuiet) std::fprintf(err_, "layerpush: %s\n", sentence.c_str());
}

void PushOutput::blob_ready(std::size_t index, const engine::ImageBlob& blob) {
  lines_[index].label = blob.digest->short_hex();
  lines_[index].size = *blob.size;
  lines_[index].state = "Pushing";
  redraw(false);
}

void PushOutput::blob_progress(std::size_t index, std::uint64_t bytes_sent) {
  lines_[index].sent += bytes_sent;
  redraw(false);
}

void PushOutput::blob_restart(std::size_t index, std::uint64_t offset, const std::string& why) {
  auto& line = lines_[index];
  line.sent = offset;
  if (mode_ != OutputMode::kProgress) return;
  if (terminal_) return redraw(true);
  std::fprintf(err_, "%s: retrying from byte %llu: %s\n", line.label.c_str(),
               static_cast<unsigned long long>(offset), why.c_str());
}

void PushOutput::blob_done(std::size_t index, const engine::BlobReport& report) {
  auto& line = lines_[index];
  line.state = words_for(report.action).done;
  if (mode_ == OutputMode::kJson) {
    // One line per blob as it ends, flushed, so a job tailing the output sees progress.
    nlohmann::ordered_json doc{{"type", "blob"},
                               {"role", report.role},
                               {"digest", report.digest},
                               {"bytes", report.size},
                               {"action", words_for(report.action).json},
                               {"seconds", report.seconds},
                               {"retries", report.retries},
                               {"digest_cached", report.digest_cached}};
    std::printf("%s\n", doc.dump().c_str());
    std::fflush(stdout);
    return;
  }
  if (mode_ != OutputMode::kProgress) return;
  if (terminal_) return redraw(true);
  // Plain lines for logs: one per blob, when it is done.
  std::fprintf(err_, "%s: %s (%s in %.2fs)\n", line.label.c_str(), line.state.c_str(),
               human_bytes(report.size).c_str(), report.seconds);
}

std::string PushOutput::render(const Line& line) const {
  std::string out = line.label + ": " + line.state;
  if (line.state != "Pushing" || line.size == 0) return out;
  const int filled = static_cast<int>(kBarWidth * static_cast<double>(line.sent) / line.size);
  out += " [" + std::string(filled, '=') + (filled < kBarWidth ? ">" : "") +
         std::string(std::max(0, kBarWidth - filled - 1), ' ') + "] " + human_bytes(line.sent) + "/" +
         human_bytes(line.size);
  return out;
}

void PushOutput::redraw(bool force) {
  if (mode_ != OutputMode::kProgress || !terminal_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  if (drawn_) std::fprintf(err_, "\x1b[%zuA", lines_.size());  // back to the first bar
  for (const auto& line : lines_) std::fprintf(err_, "\x1b[2K%s\n", render(line).c_str());
  std::fflush(err_);
  drawn_ = true;
}

void PushOutput::finish(const engine::PushReport& report, const std::string& shown_reference) {
  redraw(true);
  if (mode_ == OutputMode::kQuiet) {
    std::printf("%s\n", report.manifest_digest.c_str());
    return;
  }
  if (mode_ == OutputMode::kJson) {
    nlohmann::ordered_json doc;
    doc["type"] = "summary";
    doc["reference"] = report.reference;
    doc["manifest_digest"] = report.manifest_digest;
    doc["manifest_size"] = report.manifest_size;
    doc["seconds"] = report.seconds;
    doc["bytes_uploaded"] = report.bytes_uploaded;
    doc["requests"] = report.requests;
    doc["connections"] = report.connections;
    doc["retries"] = report.retries;
    doc["io_backend"] = report.io_backend;
    doc["blobs"] = nlohmann::ordered_json::array();
    for (const auto& b : report.blobs)
      doc["blobs"].push_back({{"digest", b.digest},
                              {"size", b.size},
                              {"role", b.role},
                              {"action", words_for(b.action).json},
                              {"seconds", b.seconds},
                              {"retries", b.retries},
                              {"digest_cached", b.digest_cached}});
    std::printf("%s\n", doc.dump().c_str());
    return;
  }
  print_digest_line(shown_reference, report.manifest_digest, report.manifest_size);
  std::size_t uploaded = 0;
  for (const auto& b : report.blobs) uploaded += b.action == engine::BlobAction::kUploaded;
  std::fprintf(err_, "pushed %zu of %zu blobs, %s in %.2fs (%.1f MB/s)\n", uploaded,
               report.blobs.size(), human_bytes(report.bytes_uploaded).c_str(), report.seconds,
               report.seconds > 0 ? report.bytes_uploaded / 1e6 / report.seconds : 0.0);
}

}  // namespace layerpush::cli
