// The steps of one blob's upload session that push_blob() strings together with its retries:
// opening a session (a journaled one the registry still holds, else a new one), one attempt at
// sending what the registry does not hold yet, asking where a session stands after a failure,
// and making requests smaller after a registry refused a large body. Network thread only.
#pragma once

#include <chrono>
#include <cstdint>

#include "engine/image/image.h"
#include "engine/transfer/push_context.h"

namespace layerpush::engine {

// Where a blob's upload stands: the session's newest Location (or where a redirect sent the
// next request) and the bytes the registry acknowledged.
struct UploadCursor {
  Url location;
  std::uint64_t offset = 0;
  std::uint64_t sending = 0;  // body length of the request in flight, 0 for none
  // When the newest body bytes were written; after the commit, when its last byte went.
  std::chrono::steady_clock::time_point body_sent_at{};
};

// A session to send into: the journaled one if the registry still has it, else a new one.
asio::awaitable<UploadCursor> open_session(PushContext& context, const ImageBlob& blob);

// One attempt at the rest of a blob from cursor.offset; moves the cursor with every
// acknowledged chunk and then resets `retries`. Throws engine::Error (or Redirected). A blob
// sent whole in one PUT carries `ahead`'s POST behind it, if it wants one.
asio::awaitable<void> send_rest(PushContext& context, const ImageBlob& blob, std::size_t index,
                                UploadCursor& cursor, int& retries, SessionAhead* ahead);

// After a failed attempt: where to go on from, as the registry sees it (a fresh session if it
// forgot this one).
asio::awaitable<void> resync(PushContext& context, const ImageBlob& blob, UploadCursor& cursor);

// After `refusal` of a `refused_length`-byte body: makes the next requests smaller, or rethrows
// the refusal when they cannot get any smaller.
void shrink_requests(RegistryClient& client, const Error& refusal, std::uint64_t refused_length);

}  // namespace layerpush::engine
