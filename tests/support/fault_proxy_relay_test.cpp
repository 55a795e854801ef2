// The fault proxy's header hygiene: Location kept on the proxy, hop-by-hop fields dropped.
// (docker-registry 2.8.2 builds Location from the forwarded Host header, so the rewrite is a
// safety net the proxy tests against a real registry never reach.)
#include <gtest/gtest.h>

#include "tools/faultproxy/relay.h"

namespace layerpush::faultproxy {
namespace {

TEST(FaultProxyRelayTest, RewritesOnlyLocationsOnTheUpstreamOrigin) {
  const std::string upstream = "127.0.0.1:5000";
  const std::string client = "127.0.0.1:6000";
  EXPECT_EQ(
      rewrite_location("http://127.0.0.1:5000/v2/r/blobs/uploads/u?_state=x", upstream, client),
      "http://127.0.0.1:6000/v2/r/blobs/uploads/u?_state=x");
  EXPECT_EQ(rewrite_location("http://127.0.0.1:5000", upstream, client), "http://127.0.0.1:6000");
  // Another port that merely starts the same, another host, relative and https stay.
  EXPECT_EQ(rewrite_location("http://127.0.0.1:50001/v2/", upstream, client),
            "http://127.0.0.1:50001/v2/");
  EXPECT_EQ(rewrite_location("http://s3.example/b?sig=1", upstream, client),
            "http://s3.example/b?sig=1");
  EXPECT_EQ(rewrite_location("/v2/r/blobs/uploads/u", upstream, client), "/v2/r/blobs/uploads/u");
  EXPECT_EQ(rewrite_location("https://127.0.0.1:5000/v2/", upstream, client),
            "https://127.0.0.1:5000/v2/");
}

TEST(FaultProxyRelayTest, StripsHopByHopFieldsAndThoseConnectionNames) {
  http::fields fields;
  fields.set(http::field::connection, "keep-alive, X-Private");
  fields.set("X-Private", "1");
  fields.set(http::field::keep_alive, "timeout=5");
  fields.set(http::field::proxy_authorization, "Basic eA==");
  fields.set(http::field::te, "trailers");
  fields.set(http::field::upgrade, "h2c");
  fields.set(http::field::authorization, "Bearer t");
  fields.set(http::field::transfer_encoding, "chunked");
  fields.set(http::field::host, "127.0.0.1:6000");
  strip_hop_by_hop(fields);
  for (auto gone :
       {"Connection", "X-Private", "Keep-Alive", "Proxy-Authorization", "TE", "Upgrade"})
    EXPECT_EQ(fields.count(gone), 0u) << gone;
  // End-to-end fields stay; so does the framing, which the serializer re-applies.
  EXPECT_EQ(fields[http::field::authorization], "Bearer t");
  EXPECT_EQ(fields[http::field::transfer_encoding], "chunked");
  EXPECT_EQ(fields[http::field::host], "127.0.0.1:6000");
}

}  // namespace
}  // namespace layerpush::faultproxy
