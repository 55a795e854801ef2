// Upload URLs: the registry's base URL, the digest appended to the final PUT, and the ranges of
// PATCH chunks.
#include "engine/registry/upload_url.h"

#include <gtest/gtest.h>

#include <string>

namespace layerpush::engine {
namespace {

const std::string kDigest =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

Origin origin(std::string scheme, std::string host, std::string port) {
  return Origin{std::move(scheme), std::move(host), std::move(port)};
}

// "scheme host port", so that a failed comparison prints readably.
std::string show(const Origin& o) { return o.scheme + " " + o.host + " " + o.port; }

TEST(RegistryBaseTest, HostWithoutPortGetsTheSchemesDefaultPort) {
  Url https = registry_base("registry.example.com", false);
  EXPECT_EQ(show(https.origin), show(origin("https", "registry.example.com", "443")));
  EXPECT_EQ(https.target, "/");
  EXPECT_EQ(https.str(), "https://registry.example.com/");

  Url plain = registry_base("registry.example.com", true);
  EXPECT_EQ(show(plain.origin), show(origin("http", "registry.example.com", "80")));
  EXPECT_EQ(plain.target, "/");
  EXPECT_EQ(plain.str(), "http://registry.example.com/");
}

TEST(RegistryBaseTest, HostWithPortKeepsIt) {
  Url u = registry_base("localhost:5000", true);
  EXPECT_EQ(show(u.origin), show(origin("http", "localhost", "5000")));
  EXPECT_EQ(u.str(), "http://localhost:5000/");

  Url ip = registry_base("127.0.0.1:5443", false);
  EXPECT_EQ(show(ip.origin), show(origin("https", "127.0.0.1", "5443")));
  EXPECT_EQ(ip.str(), "https://127.0.0.1:5443/");
}

TEST(RegistryBaseTest, Ipv6HostLosesItsBracketsInTheOriginAndKeepsThemInText) {
  Url u = registry_base("[::1]:5000", true);
  EXPECT_EQ(show(u.origin), show(origin("http", "::1", "5000")));
  EXPECT_EQ(u.target, "/");
  EXPECT_EQ(u.origin.host_header(), "[::1]:5000");
  EXPECT_EQ(u.str(), "http://[::1]:5000/");

  Url no_port = registry_base("[fe80::1:ab]", false);
  EXPECT_EQ(show(no_port.origin), show(origin("https", "fe80::1:ab", "443")));
  EXPECT_EQ(no_port.str(), "https://[fe80::1:ab]/");
}

TEST(WithDigestTest, AppendsWithAmpersandAfterAnExistingQuery) {
  EXPECT_EQ(with_digest("/v2/x/blobs/uploads/u?_state=abc%2Bdef==", kDigest),
            "/v2/x/blobs/uploads/u?_state=abc%2Bdef==&digest=" + kDigest);
  EXPECT_EQ(with_digest("/u?a=1&b=2", kDigest), "/u?a=1&b=2&digest=" + kDigest);
}

TEST(WithDigestTest, LeavesATargetThatAlreadyNamesTheDigest) {
  // Where a redirect of the final PUT points: it is sent as given.
  const std::string target = "/upload/u?sig=x&digest=" + kDigest;
  EXPECT_EQ(with_digest(target, kDigest), target);
  EXPECT_EQ(with_digest("/u?digest=" + kDigest, kDigest), "/u?digest=" + kDigest);
  // A parameter that merely ends in "digest" is not the digest.
  EXPECT_EQ(with_digest("/u?olddigest=1", kDigest), "/u?olddigest=1&digest=" + kDigest);
}

TEST(WithDigestTest, StartsAQueryWhenThereIsNone) {
  EXPECT_EQ(with_digest("/v2/x/blobs/uploads/u", kDigest),
            "/v2/x/blobs/uploads/u?digest=" + kDigest);
  EXPECT_EQ(with_digest("/", "sha256:ab"), "/?digest=sha256:ab");
}

TEST(WithDigestTest, ResolvedLocationThenDigestKeepsTheState) {
  Url request = parse_url("http://127.0.0.1:5000/v2/x/blobs/uploads/");
  Url u = resolve_location(request, "/v2/x/blobs/uploads/uuid?_state=abc%2Bdef==");
  EXPECT_EQ(with_digest(u.target, kDigest),
            "/v2/x/blobs/uploads/uuid?_state=abc%2Bdef==&digest=" + kDigest);
}

TEST(ContentRangeTest, IsInclusiveWithoutUnit) {
  EXPECT_EQ(content_range(0, 1), "0-0");
  EXPECT_EQ(content_range(0, 1048576), "0-1048575");
  EXPECT_EQ(content_range(1048576, 10), "1048576-1048585");
}

TEST(ParseRangeEndTest, ReadsTheEndOfARegistryRange) {
  EXPECT_EQ(parse_range_end("0-0"), 0u);
  EXPECT_EQ(parse_range_end("0-1048575"), 1048575u);
  EXPECT_EQ(parse_range_end("bytes=0-99"), 99u);
  EXPECT_EQ(parse_range_end("0-18446744073709551615"), UINT64_MAX);
}

TEST(ParseRangeEndTest, RefusesOtherForms) {
  for (const char* bad :
       {"", "0-", "1-5", "0-5x", "-5", "0-99999999999999999999", "bytes 0-5", "0--1"})
    EXPECT_EQ(parse_range_end(bad), std::nullopt) << bad;
}

}  // namespace
}  // namespace layerpush::engine
