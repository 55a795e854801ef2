// The rule every producer follows: the piece it handed over last stays out of the network's
// reach until the blob's digest and size have been checked, so a corrupt blob is never completed
// on the wire. hold() sends the previous piece and keeps the new one; release() sends the last.
// Producer thread only.
#pragma once

#include <optional>
#include <utility>

#include "engine/http/blob_pipe.h"

namespace layerpush::engine {

class HeldBack {
 public:
  explicit HeldBack(BlobPipe& pipe) : pipe_(pipe) {}
  ~HeldBack() {
    if (held_) pipe_.untake(*held_);  // never sent: back to the pipe's free list
  }
  HeldBack(const HeldBack&) = delete;
  HeldBack& operator=(const HeldBack&) = delete;

  // False once the consumer closed the pipe; `next` is then given back to it.
  bool hold(Buffer next) {
    if (held_ && !pipe_.push(*std::exchange(held_, std::nullopt))) {
      pipe_.untake(next);
      return false;
    }
    held_ = next;
    return true;
  }
  bool release() { return !held_ || pipe_.push(*std::exchange(held_, std::nullopt)); }

 private:
  BlobPipe& pipe_;
  std::optional<Buffer> held_;
};

}  // namespace layerpush::engine
