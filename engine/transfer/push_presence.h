// A push's first round trip: GET /v2/ with, pipelined behind it on the connections the push will
// use, a HEAD for the manifest the tag names and for every blob whose digest is known, except
// each lane's first blob, which is asked with the POST that opens its upload session where it is
// missing (RegistryClient::check_presence). Across a real network round trips, not bytes, are
// what a push of small layers waits for: this one replaces a HEAD per blob in each lane, each
// lane's first POST and the GET /v2/ ahead of everything.
#pragma once

#include "engine/image/image.h"
#include "engine/image/reference.h"
#include "engine/registry/registry_session.h"
#include "engine/transfer/push_context.h"

namespace layerpush::engine {

struct PushPresence {
  KnownPresence known;
  // Per image blob: the upload session opened for a missing blob `open` named.
  std::vector<std::optional<Url>> sessions;
  // The tag already names this manifest: the registry accepted it only with every blob in.
  bool already_there = false;
};

// Authenticates `session` too (a registry that wants it answers the first batch 401, and the
// HEADs go again once authorized). `image.manifest_bytes`, if set, is the manifest pushed.
// `open` names the blobs (image indices, at most `jobs`, digests known) asked with the POST
// instead of a HEAD. A session opened for an image that turns out to be there already is
// closed again.
PushPresence authenticate_and_look(RegistrySession& session, const Image& image,
                                   const Reference& destination, int jobs,
                                   const std::vector<std::size_t>& open);

}  // namespace layerpush::engine
