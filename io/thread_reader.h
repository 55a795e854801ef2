// One RangeReader per worker thread and shape, made on first use and kept for the thread's life:
// an io_uring ring costs a system call and locked memory to set up, too much to pay per blob.
// A thread uses at most two shapes (a blob's buffers, and the small pieces of a read that only
// verifies); asking for a third replaces the one of the other buffer size.
#pragma once

#include "io/range_reader.h"

namespace layerpush::io {

// The calling thread's reader of `backend` with options.buffer_size; valid until the thread
// asks for another shape in the same slot, or ends. Throws as make_reader() does.
RangeReader& thread_reader(Backend backend, ReaderOptions options);

}  // namespace layerpush::io
