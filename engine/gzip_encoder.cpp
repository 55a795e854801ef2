#include "engine/gzip_encoder.h"

#include <isa-l/igzip_lib.h>

#include <stdexcept>
#include <string>

namespace layerpush::engine {
namespace {
constexpr std::size_t kOutputPiece = 256 << 10;

std::size_t level_buffer_size(int level) {
  switch (level) {
    case 0: return 0;
    case 1: return ISAL_DEF_LVL1_DEFAULT;
    case 2: return ISAL_DEF_LVL2_DEFAULT;
    case 3: return ISAL_DEF_LVL3_DEFAULT;
  }
  throw std::invalid_argument("gzip level " + std::to_string(level) + " is not 0 to 3");
}
}  // namespace

struct GzipEncoder::State {
  isal_zstream stream{};
  std::vector<std::uint8_t> level_buffer;
  std::vector<std::uint8_t> output = std::vector<std::uint8_t>(kOutputPiece);
};

GzipEncoder::GzipEncoder(int level) : state_(std::make_unique<State>()) {
  state_->level_buffer.resize(level_buffer_size(level));
  isal_deflate_init(&state_->stream);
  state_->stream.gzip_flag = IGZIP_GZIP;
  state_->stream.level = static_cast<std::uint32_t>(level);
  state_->stream.level_buf = state_->level_buffer.empty() ? nullptr : state_->level_buffer.data();
  state_->stream.level_buf_size = static_cast<std::uint32_t>(state_->level_buffer.size());
  state_->stream.flush = NO_FLUSH;
}

GzipEncoder::~GzipEncoder() = default;

bool GzipEncoder::feed(std::span<const std::byte> input, bool last, const Sink& sink) {
  auto& s = state_->stream;
  s.next_in = reinterpret_cast<std::uint8_t*>(const_cast<std::byte*>(input.data()));
  s.avail_in = static_cast<std::uint32_t>(input.size());
  s.end_of_stream = last ? 1 : 0;
  for (;;) {
    s.next_out = state_->output.data();
    s.avail_out = static_cast<std::uint32_t>(state_->output.size());
    if (isal_deflate(&s) != COMP_OK) throw std::runtime_error("gzip compression failed");
    const std::size_t produced = state_->output.size() - s.avail_out;
    if (produced > 0 &&
        !sink(std::as_bytes(std::span(state_->output.data(), produced))))
      return false;
    const bool done = last ? s.internal_state.state == ZSTATE_END : s.avail_in == 0;
    // A full output buffer may mean more output is pending even with no input left.
    if (done && s.avail_out > 0) return true;
  }
}

}  // namespace layerpush::engine
