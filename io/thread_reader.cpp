#include "io/thread_reader.h"

#include <array>
#include <memory>

namespace layerpush::io {

RangeReader& thread_reader(Backend backend, ReaderOptions options) {
  thread_local std::array<std::unique_ptr<RangeReader>, 2> readers;
  thread_local std::size_t first_size = 0;  // the buffer size of slot 0, the first one asked for
  for (auto& reader : readers)
    if (reader && reader->backend() == backend && reader->buffer_size() == options.buffer_size)
      return *reader;
  if (first_size == 0) first_size = options.buffer_size;
  auto& slot = readers[options.buffer_size == first_size ? 0 : 1];
  slot = make_reader(backend, options);
  return *slot;
}

}  // namespace layerpush::io
