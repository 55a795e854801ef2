// A ByteSink that gzip-compresses what it is given (ISA-L igzip, level 1) and passes the
// compressed bytes on; used for --gzip-layers. One stream per object; not thread-safe.
#pragma once

#include <memory>

#include "tools/mkimage/sink.h"

namespace layerpush::mkimage {

class GzipSink : public ByteSink {
 public:
  explicit GzipSink(ByteSink& next);
  ~GzipSink() override;
  GzipSink(const GzipSink&) = delete;
  GzipSink& operator=(const GzipSink&) = delete;

  using ByteSink::write;
  void write(std::span<const std::byte> data) override;
  // Writes the last block and the gzip trailer. Nothing may be written afterwards.
  void finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
  ByteSink& next_;
};

}  // namespace layerpush::mkimage
