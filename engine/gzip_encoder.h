// Streaming gzip compression with ISA-L's igzip. The output depends only on the input bytes, the
// level and the sizes of the pieces fed in; layerpush always feeds the same piece sizes for the
// same file, so a layer compresses to the same bytes (and digest) on every push and machine.
// One encoder per stream; not thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace layerpush::engine {

class GzipEncoder {
 public:
  // ISA-L levels are 0 to 3; 1 is its fast default (bench/ measures the others).
  explicit GzipEncoder(int level = 1);
  ~GzipEncoder();
  GzipEncoder(const GzipEncoder&) = delete;
  GzipEncoder& operator=(const GzipEncoder&) = delete;

  using Sink = std::function<bool(std::span<const std::byte>)>;
  // Compresses `input`; compressed output goes to `sink` in pieces as it fills. `last` ends the
  // stream (writes the gzip trailer). Returns false if the sink asked to stop.
  bool feed(std::span<const std::byte> input, bool last, const Sink& sink);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace layerpush::engine
