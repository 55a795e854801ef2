#include "tools/mkimage/gzip_sink.h"

#include <isa-l/igzip_lib.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace layerpush::mkimage {
namespace {

// Level 1 is ISA-L's fastest level with real matching; it keeps --gzip-layers close to the speed
// of plain layers, and test images need a valid gzip stream, not a small one.
constexpr int kLevel = 1;
constexpr std::size_t kOutBufferSize = 256 << 10;

}  // namespace

struct GzipSink::State {
  isal_zstream stream{};
  std::vector<std::uint8_t> level_buf = std::vector<std::uint8_t>(ISAL_DEF_LVL1_DEFAULT);
  std::vector<std::byte> out = std::vector<std::byte>(kOutBufferSize);
};

GzipSink::GzipSink(ByteSink& next) : state_(std::make_unique<State>()), next_(next) {
  isal_deflate_init(&state_->stream);
  state_->stream.gzip_flag = IGZIP_GZIP;
  state_->stream.level = kLevel;
  state_->stream.level_buf = state_->level_buf.data();
  state_->stream.level_buf_size = static_cast<std::uint32_t>(state_->level_buf.size());
}

GzipSink::~GzipSink() = default;

void GzipSink::write(std::span<const std::byte> data) {
  isal_zstream& s = state_->stream;
  // avail_in is 32 bits wide: feed very large spans in pieces.
  while (!data.empty()) {
    std::size_t piece = std::min<std::size_t>(data.size(), 1u << 30);
    s.next_in = reinterpret_cast<std::uint8_t*>(const_cast<std::byte*>(data.data()));
    s.avail_in = static_cast<std::uint32_t>(piece);
    while (s.avail_in > 0) {
      s.next_out = reinterpret_cast<std::uint8_t*>(state_->out.data());
      s.avail_out = static_cast<std::uint32_t>(state_->out.size());
      if (isal_deflate(&s) != COMP_OK) throw std::runtime_error("gzip compression failed");
      next_.write(std::span(state_->out.data(), state_->out.size() - s.avail_out));
    }
    data = data.subspan(piece);
  }
}

void GzipSink::finish() {
  isal_zstream& s = state_->stream;
  s.end_of_stream = 1;
  s.avail_in = 0;
  while (s.internal_state.state != ZSTATE_END) {
    s.next_out = reinterpret_cast<std::uint8_t*>(state_->out.data());
    s.avail_out = static_cast<std::uint32_t>(state_->out.size());
    if (isal_deflate(&s) != COMP_OK) throw std::runtime_error("gzip compression failed");
    next_.write(std::span(state_->out.data(), state_->out.size() - s.avail_out));
  }
}

}  // namespace layerpush::mkimage
