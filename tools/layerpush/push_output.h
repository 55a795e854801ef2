// What `layerpush push` (and `copy`) shows while and after it pushes: live progress bars on a
// terminal, plain lines otherwise (logs, CI), nothing with -q. With --json, JSON lines on stdout:
// one per blob as it ends ({"type":"blob","role","digest","bytes","action","seconds","retries"})
// and a final summary ({"type":"summary","reference","manifest_digest",…,"blobs":[…]}).
// Lives on the network thread as the push's observer; the final report goes to stdout.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/transfer/push.h"

namespace layerpush::cli {

enum class OutputMode { kProgress, kJson, kQuiet };

// "512B", "1.5kB", "12.3MB", "1.23GB": decimal units, as docker prints sizes.
std::string human_bytes(std::uint64_t bytes);

// "TAG: digest: sha256:… size: N" on stdout, as docker prints the end of a push.
void print_digest_line(const std::string& shown_reference, const std::string& digest,
                       std::uint64_t size);

class PushOutput : public engine::PushObserver {
 public:
  PushOutput(OutputMode mode, const engine::Image& image, std::FILE* err);

  void notice(const std::string& sentence) override;
  void blob_ready(std::size_t index, const engine::ImageBlob& blob) override;
  void blob_progress(std::size_t index, std::uint64_t bytes_sent) override;
  void blob_restart(std::size_t index, std::uint64_t offset, const std::string& why) override;
  void blob_done(std::size_t index, const engine::BlobReport& report) override;

  // Writes the result to stdout: "TAG: digest: sha256:… size: N", the JSON summary line, or the
  // digest.
  void finish(const engine::PushReport& report, const std::string& shown_reference);

 private:
  struct Line {
    std::string label;  // short digest, or the role until the digest is known
    std::uint64_t size = 0;
    std::uint64_t sent = 0;
    std::string state = "Waiting";
  };
  void redraw(bool force);
  std::string render(const Line& line) const;

  OutputMode mode_;
  bool terminal_;
  std::FILE* err_;
  std::vector<Line> lines_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace layerpush::cli
