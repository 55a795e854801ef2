// URLs: parsing, resolving a Location against the request that returned it (the query kept byte
// for byte), and Host headers.
#include "engine/http/url.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/util/error.h"

namespace layerpush::engine {
namespace {

Origin origin(std::string scheme, std::string host, std::string port) {
  return Origin{std::move(scheme), std::move(host), std::move(port)};
}

// "scheme host port", so that a failed comparison prints readably.
std::string show(const Origin& o) { return o.scheme + " " + o.host + " " + o.port; }

// The kind of engine::Error that parse_url throws for `text`; fails the test if it accepts it.
ErrorKind parse_error_kind(const std::string& text) {
  try {
    Url u = parse_url(text);
    ADD_FAILURE() << "parse_url accepted \"" << text << "\" as " << u.str();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    return e.kind();
  }
  return ErrorKind::kUsage;
}

TEST(ParseUrlTest, SplitsOriginAndTarget) {
  Url u = parse_url("https://registry.example.com:8443/v2/team/app/blobs/uploads/?mount=x&from=y");
  EXPECT_EQ(show(u.origin), show(origin("https", "registry.example.com", "8443")));
  EXPECT_EQ(u.target, "/v2/team/app/blobs/uploads/?mount=x&from=y");
  EXPECT_EQ(u.str(), "https://registry.example.com:8443/v2/team/app/blobs/uploads/?mount=x&from=y");
}

TEST(ParseUrlTest, EmptyPathBecomesSlash) {
  Url u = parse_url("http://example.com");
  EXPECT_EQ(show(u.origin), show(origin("http", "example.com", "80")));
  EXPECT_EQ(u.target, "/");

  Url with_query = parse_url("http://example.com?a=b");
  EXPECT_EQ(with_query.target, "/?a=b");
}

TEST(ParseUrlTest, KeepsPercentEncodingsAndPaddingExactly) {
  Url u = parse_url("http://h:1/v2/a%2Fb/x?_state=abc%2Bdef%3d==&n=%20");
  EXPECT_EQ(u.target, "/v2/a%2Fb/x?_state=abc%2Bdef%3d==&n=%20");
}

TEST(ParseUrlTest, Ipv6Literal) {
  Url u = parse_url("https://[2001:db8::7]:9000/v2/");
  EXPECT_EQ(show(u.origin), show(origin("https", "2001:db8::7", "9000")));
  EXPECT_EQ(u.target, "/v2/");
  EXPECT_EQ(u.str(), "https://[2001:db8::7]:9000/v2/");
}

TEST(ParseUrlTest, RefusesRelativeAndNonHttpUrlsAsRegistryErrors) {
  EXPECT_EQ(parse_error_kind("/v2/x"), ErrorKind::kRegistry);
  EXPECT_EQ(parse_error_kind("ftp://example.com/x"), ErrorKind::kRegistry);
  EXPECT_EQ(parse_error_kind("not a url"), ErrorKind::kRegistry);
  EXPECT_EQ(parse_error_kind(""), ErrorKind::kRegistry);
}

// RFC 3986 section 6.2.3: an empty port means the scheme's default ("http://h:/" is "http://h/").
TEST(ParseUrlTest, EmptyPortMeansTheDefaultPort) {
  Url u = parse_url("http://registry.example.com:/v2/");
  EXPECT_EQ(show(u.origin), show(origin("http", "registry.example.com", "80")));
  EXPECT_EQ(u.origin.host_header(), "registry.example.com");
}

// RFC 3986 section 3.1: schemes are case-insensitive; a Location of "HTTPS://…" is https.
TEST(ParseUrlTest, SchemeIsCaseInsensitive) {
  Url u = parse_url("HTTPS://registry.example.com/v2/");
  EXPECT_EQ(show(u.origin), show(origin("https", "registry.example.com", "443")));
}

class ResolveLocationTest : public ::testing::Test {
 protected:
  const Url request_ = parse_url("http://127.0.0.1:5000/v2/team/app/blobs/uploads/");
};

TEST_F(ResolveLocationTest, AbsoluteLocationOnAnotherHostPortAndScheme) {
  Url u = resolve_location(request_, "https://uploads.example.com:8443/up/x?sig=a%2Fb%3D&exp=1");
  EXPECT_EQ(show(u.origin), show(origin("https", "uploads.example.com", "8443")));
  EXPECT_EQ(u.target, "/up/x?sig=a%2Fb%3D&exp=1");
  EXPECT_EQ(u.str(), "https://uploads.example.com:8443/up/x?sig=a%2Fb%3D&exp=1");
}

TEST_F(ResolveLocationTest, AbsoluteLocationWithoutPortGetsTheDefaultOfItsScheme) {
  Url u = resolve_location(request_, "https://s3.example.com/bucket/key?X-Amz-Signature=ab%2B");
  EXPECT_EQ(show(u.origin), show(origin("https", "s3.example.com", "443")));
  EXPECT_EQ(u.target, "/bucket/key?X-Amz-Signature=ab%2B");
}

TEST_F(ResolveLocationTest, PathAbsoluteLocationKeepsTheRequestsOriginAndTheExactQuery) {
  const std::string location = "/v2/x/blobs/uploads/uuid?_state=abc%2Bdef==";
  Url u = resolve_location(request_, location);
  EXPECT_EQ(show(u.origin), show(origin("http", "127.0.0.1", "5000")));
  EXPECT_EQ(u.target, location);
  EXPECT_EQ(u.str(), "http://127.0.0.1:5000" + location);
}

TEST_F(ResolveLocationTest, RealisticDistributionStateIsKeptByteForByte) {
  // docker-registry 2.8's _state: base64url of an HMAC and JSON, '=' padded, percent-encoded.
  const std::string location =
      "/v2/team/app/blobs/uploads/6b3b3c5e-9f1a-4f3e-a1d2-1c2b3a4d5e6f?_state="
      "Zk9kR3N%2B%2F%2Fv0%3D%3D%0AeyJOYW1lIjoidGVhbS9hcHAiLCJVVUlEIjoiNmIzYiJ9==";
  EXPECT_EQ(resolve_location(request_, location).target, location);
}

TEST_F(ResolveLocationTest, RelativeLocationWithoutSlashResolvesAgainstTheRequestFolder) {
  Url u = resolve_location(request_, "uuid-1?_state=a%2Bb%3D==");
  EXPECT_EQ(show(u.origin), show(request_.origin));
  EXPECT_EQ(u.target, "/v2/team/app/blobs/uploads/uuid-1?_state=a%2Bb%3D==");

  // Against a request whose path does not end in '/', the last segment is replaced.
  Url patch = parse_url("http://127.0.0.1:5000/v2/team/app/blobs/uploads/old-uuid?_state=x");
  Url v = resolve_location(patch, "new-uuid?_state=y%2F==");
  EXPECT_EQ(v.target, "/v2/team/app/blobs/uploads/new-uuid?_state=y%2F==");
}

TEST_F(ResolveLocationTest, NetworkPathLocationTakesTheRequestsScheme) {
  Url u = resolve_location(request_, "//other.example:7000/p?q=%2B");
  EXPECT_EQ(show(u.origin), show(origin("http", "other.example", "7000")));
  EXPECT_EQ(u.target, "/p?q=%2B");
}

TEST_F(ResolveLocationTest, Ipv6RequestOriginIsKeptForRelativeLocations) {
  Url request = parse_url("http://[::1]:5000/");
  Url u = resolve_location(request, "/v2/x/blobs/uploads/u?_state=s%3D");
  EXPECT_EQ(show(u.origin), show(origin("http", "::1", "5000")));
  EXPECT_EQ(u.str(), "http://[::1]:5000/v2/x/blobs/uploads/u?_state=s%3D");
}

TEST_F(ResolveLocationTest, LocationWithoutQueryHasNone) {
  Url u = resolve_location(request_, "/v2/x/blobs/uploads/u");
  EXPECT_EQ(u.target, "/v2/x/blobs/uploads/u");
}

TEST_F(ResolveLocationTest, InvalidLocationIsARegistryError) {
  try {
    resolve_location(request_, "http://[bad/x");
    FAIL() << "an invalid Location was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kRegistry);
    EXPECT_NE(std::string(e.what()).find("http://[bad/x"), std::string::npos) << e.what();
  }
}

TEST_F(ResolveLocationTest, NonHttpLocationIsARegistryError) {
  try {
    resolve_location(request_, "ftp://example.com/x");
    FAIL() << "an ftp Location was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kRegistry);
  }
}

TEST(HostHeaderTest, LeavesOutDefaultPorts) {
  EXPECT_EQ(origin("https", "r.example.com", "443").host_header(), "r.example.com");
  EXPECT_EQ(origin("http", "r.example.com", "80").host_header(), "r.example.com");
}

TEST(HostHeaderTest, KeepsOtherPortsIncludingTheOtherSchemesDefault) {
  EXPECT_EQ(origin("https", "r.example.com", "80").host_header(), "r.example.com:80");
  EXPECT_EQ(origin("http", "r.example.com", "443").host_header(), "r.example.com:443");
  EXPECT_EQ(origin("http", "127.0.0.1", "5000").host_header(), "127.0.0.1:5000");
}

TEST(HostHeaderTest, BracketsIpv6) {
  EXPECT_EQ(origin("http", "::1", "5000").host_header(), "[::1]:5000");
  EXPECT_EQ(origin("http", "::1", "80").host_header(), "[::1]");
  EXPECT_EQ(origin("https", "2001:db8::7", "443").host_header(), "[2001:db8::7]");
}

TEST(HostHeaderTest, OfParsedUrls) {
  EXPECT_EQ(parse_url("https://r.example.com/v2/").origin.host_header(), "r.example.com");
  EXPECT_EQ(parse_url("https://r.example.com:443/v2/").origin.host_header(), "r.example.com");
  EXPECT_EQ(parse_url("http://[::1]:80/v2/").origin.host_header(), "[::1]");
  EXPECT_EQ(parse_url("http://[::1]:8080/v2/").origin.host_header(), "[::1]:8080");
}

}  // namespace
}  // namespace layerpush::engine
