#include "engine/image/reference.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace layerpush::engine {
namespace {

const std::string kDigest =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// The message `check` throws as a ReferenceError, or "(accepted)".
template <class Check>
std::string refusal_of(Check check) {
  try {
    check();
  } catch (const ReferenceError& e) {
    return e.what();
  }
  return "(accepted)";
}

// The message parse_reference throws for `text`, or "(accepted)".
std::string error_of(const std::string& text) {
  return refusal_of([&] { parse_reference(text); });
}

struct Valid {
  std::string text;
  std::string registry;
  std::string repository;
  std::string tag;     // "" for none
  std::string digest;  // "" for none
  std::string normalized;
};

const std::vector<Valid>& valid_references() {
  static const std::vector<Valid> cases = {
      {"ubuntu", "docker.io", "library/ubuntu", "latest", "", "docker.io/library/ubuntu:latest"},
      {"ubuntu:22.04", "docker.io", "library/ubuntu", "22.04", "",
       "docker.io/library/ubuntu:22.04"},
      {"library/ubuntu", "docker.io", "library/ubuntu", "latest", "",
       "docker.io/library/ubuntu:latest"},
      {"docker.io/ubuntu", "docker.io", "library/ubuntu", "latest", "",
       "docker.io/library/ubuntu:latest"},
      {"docker.io/library/ubuntu", "docker.io", "library/ubuntu", "latest", "",
       "docker.io/library/ubuntu:latest"},
      {"index.docker.io/library/ubuntu", "docker.io", "library/ubuntu", "latest", "",
       "docker.io/library/ubuntu:latest"},
      {"index.docker.io/ubuntu:20.04", "docker.io", "library/ubuntu", "20.04", "",
       "docker.io/library/ubuntu:20.04"},
      {"team/app", "docker.io", "team/app", "latest", "", "docker.io/team/app:latest"},
      {"docker.io/team/app:v1", "docker.io", "team/app", "v1", "", "docker.io/team/app:v1"},
      {"localhost/app", "localhost", "app", "latest", "", "localhost/app:latest"},
      {"localhost:5000/team/app:v1", "localhost:5000", "team/app", "v1", "",
       "localhost:5000/team/app:v1"},
      {"127.0.0.1:5000/a/b@" + kDigest, "127.0.0.1:5000", "a/b", "", kDigest,
       "127.0.0.1:5000/a/b@" + kDigest},
      {"[::1]:5000/x/y:tag", "[::1]:5000", "x/y", "tag", "", "[::1]:5000/x/y:tag"},
      {"[::1]/xy", "[::1]", "xy", "latest", "", "[::1]/xy:latest"},
      {"[fe80::1:AB]:80/xy", "[fe80::1:AB]:80", "xy", "latest", "", "[fe80::1:AB]:80/xy:latest"},
      {"registry.example.com/a/b/c:1.0", "registry.example.com", "a/b/c", "1.0", "",
       "registry.example.com/a/b/c:1.0"},
      {"Registry.Example.COM/app", "Registry.Example.COM", "app", "latest", "",
       "Registry.Example.COM/app:latest"},
      {"my-registry.local:443/app", "my-registry.local:443", "app", "latest", "",
       "my-registry.local:443/app:latest"},
      {"example:5000/app", "example:5000", "app", "latest", "", "example:5000/app:latest"},
      {"10.0.0.1/xy", "10.0.0.1", "xy", "latest", "", "10.0.0.1/xy:latest"},
      {"registry.example.com:443/team/app:v1@" + kDigest, "registry.example.com:443", "team/app",
       "v1", kDigest, "registry.example.com:443/team/app:v1@" + kDigest},
      {"ubuntu:22.04@" + kDigest, "docker.io", "library/ubuntu", "22.04", kDigest,
       "docker.io/library/ubuntu:22.04@" + kDigest},
      {"ubuntu@" + kDigest, "docker.io", "library/ubuntu", "", kDigest,
       "docker.io/library/ubuntu@" + kDigest},
      {"a.b", "docker.io", "library/a.b", "latest", "", "docker.io/library/a.b:latest"},
      {"a_b", "docker.io", "library/a_b", "latest", "", "docker.io/library/a_b:latest"},
      {"a__b", "docker.io", "library/a__b", "latest", "", "docker.io/library/a__b:latest"},
      {"a---b", "docker.io", "library/a---b", "latest", "", "docker.io/library/a---b:latest"},
      {"team/a-b.c_d__e0/9x", "docker.io", "team/a-b.c_d__e0/9x", "latest", "",
       "docker.io/team/a-b.c_d__e0/9x:latest"},
      {"ab", "docker.io", "library/ab", "latest", "", "docker.io/library/ab:latest"},
      {"app:V1.0-RC_1", "docker.io", "library/app", "V1.0-RC_1", "",
       "docker.io/library/app:V1.0-RC_1"},
      {"app:_", "docker.io", "library/app", "_", "", "docker.io/library/app:_"},
      // Without a '/', docker reads these as names with tags, not as hosts.
      {"localhost", "docker.io", "library/localhost", "latest", "",
       "docker.io/library/localhost:latest"},
      {"localhost:5000", "docker.io", "library/localhost", "5000", "",
       "docker.io/library/localhost:5000"},
  };
  return cases;
}

TEST(ReferenceTest, ParsesAndNormalizesValidReferences) {
  for (const auto& c : valid_references()) {
    SCOPED_TRACE(c.text);
    Reference ref;
    ASSERT_NO_THROW(ref = parse_reference(c.text)) << error_of(c.text);
    EXPECT_EQ(ref.registry, c.registry);
    EXPECT_EQ(ref.repository, c.repository);
    EXPECT_EQ(ref.tag.value_or(""), c.tag);
    EXPECT_EQ(ref.digest ? ref.digest->str() : "", c.digest);
    EXPECT_EQ(ref.str(), c.normalized);
    EXPECT_EQ(ref.manifest_reference(), c.digest.empty() ? c.tag : c.digest);
    EXPECT_EQ(ref.api_host(), c.registry == "docker.io" ? "registry-1.docker.io" : c.registry);
  }
}

TEST(ReferenceTest, NormalizedFormParsesToTheSameReference) {
  for (const auto& c : valid_references()) {
    SCOPED_TRACE(c.text);
    const auto once = parse_reference(c.text);
    const auto twice = parse_reference(once.str());
    EXPECT_EQ(twice.registry, once.registry);
    EXPECT_EQ(twice.repository, once.repository);
    EXPECT_EQ(twice.tag, once.tag);
    EXPECT_EQ(twice.digest, once.digest);
    EXPECT_EQ(twice.str(), once.str());
  }
}

TEST(ReferenceTest, TagAndDigestTogetherArePushedByDigest) {
  const auto ref = parse_reference("localhost:5000/app:v1@" + kDigest);
  ASSERT_TRUE(ref.tag);
  EXPECT_EQ(*ref.tag, "v1");
  EXPECT_EQ(ref.manifest_reference(), kDigest);
  EXPECT_EQ(ref.api_host(), "localhost:5000");
}

TEST(ReferenceTest, TagIsAtMost128Characters) {
  const std::string tag128 = "v" + std::string(127, 'a');
  const auto ref = parse_reference("app:" + tag128);
  EXPECT_EQ(ref.tag, tag128);
  EXPECT_EQ(error_of("app:" + tag128 + "b"), "tag is 129 characters; the limit is 128");
}

TEST(ReferenceTest, RepositoryAsTypedIsTwoTo255Characters) {
  EXPECT_EQ(parse_reference("ab").repository, "library/ab");
  EXPECT_EQ(parse_reference("localhost/ab").repository, "ab");
  EXPECT_EQ(error_of("a"), "repository name \"a\" is 1 character; it must be 2 to 255");
  EXPECT_EQ(error_of("localhost/a"), "repository name \"a\" is 1 character; it must be 2 to 255");
  EXPECT_EQ(error_of("docker.io/a:v1"),
            "repository name \"a\" is 1 character; it must be 2 to 255");
  EXPECT_EQ(error_of(std::string(256, 'a')), "repository name is 256 characters; the limit is 255");
  EXPECT_EQ(error_of("localhost/" + std::string(256, 'a')),
            "repository name is 256 characters; the limit is 255");
  // A 255-character path passes the path rule, but with a registry in front the whole name is
  // always longer than 255, so it is the whole-name rule that refuses it.
  EXPECT_EQ(
      error_of(std::string(255, 'a')),
      "full name (registry \"docker.io\", '/' and repository) is 273 characters; the limit is "
      "255");
  EXPECT_EQ(
      error_of("localhost/" + std::string(255, 'a')),
      "full name (registry \"localhost\", '/' and repository) is 265 characters; the limit is "
      "255");
}

TEST(ReferenceTest, WholeNameIsAtMost255Characters) {
  const std::string path245 = "ab/" + std::string(242, 'c');
  EXPECT_EQ(parse_reference("localhost/" + path245).str(), "localhost/" + path245 + ":latest");
  EXPECT_EQ(parse_reference(path245).str(), "docker.io/" + path245 + ":latest");
  EXPECT_EQ(
      error_of("localhost/" + path245 + "c"),
      "full name (registry \"localhost\", '/' and repository) is 256 characters; the limit is "
      "255");
  // library/ counts: docker.io/library/ is 18 characters, leaving 237 for a one-component name.
  EXPECT_EQ(parse_reference(std::string(237, 'a')).repository.size(), 245u);
  EXPECT_EQ(
      error_of(std::string(238, 'a')),
      "full name (registry \"docker.io\", '/' and repository) is 256 characters; the limit is "
      "255");
  // index.docker.io is counted as docker.io.
  EXPECT_EQ(
      error_of("index.docker.io/" + std::string(238, 'a')),
      "full name (registry \"docker.io\", '/' and repository) is 256 characters; the limit is "
      "255");
}

struct Invalid {
  std::string text;
  std::string message;
};

TEST(ReferenceTest, RefusesEachBrokenRuleWithOneSentence) {
  const std::string bad_component =
      "\" is invalid: components are lowercase letters and digits separated by '.', '_', '__' or "
      "'-'";
  const std::string uppercase = "\" has uppercase letters; repository names must be lowercase";
  const std::string empty_component =
      "\" has an empty component; each '/' must stand between two components";
  const std::string bad_host_name =
      "\" is invalid: a host name is labels of letters, digits and '-' separated by '.', each "
      "label "
      "starting and ending with a letter or digit";
  const std::vector<Invalid> cases = {
      {"", "reference is empty"},
      {"app:-x", "tag \"-x\" must start with a letter, digit or underscore"},
      {"app:.x", "tag \".x\" must start with a letter, digit or underscore"},
      {"app:a$b", "tag \"a$b\" has the character '$'; tags are letters, digits, '_', '.' and '-'"},
      {"app:", "reference \"app:\" has an empty tag after ':'"},
      {"Foo/bar", "repository path component \"Foo" + uppercase},
      {"Ubuntu", "repository path component \"Ubuntu" + uppercase},
      {"team/App:v1", "repository path component \"App" + uppercase},
      {"localhost:5000/Team/app", "repository path component \"Team" + uppercase},
      {"a..b", "repository path component \"a..b" + bad_component},
      {"a_-b", "repository path component \"a_-b" + bad_component},
      {"a___b", "repository path component \"a___b" + bad_component},
      {"a.-b", "repository path component \"a.-b" + bad_component},
      {"team/-ab", "repository path component \"-ab" + bad_component},
      {"ab-", "repository path component \"ab-" + bad_component},
      {".ab", "repository path component \".ab" + bad_component},
      {"ab_", "repository path component \"ab_" + bad_component},
      {"a b", "repository path component \"a b" + bad_component},
      {"ab:v1:v2", "repository path component \"ab:v1" + bad_component},
      {"a//b", "repository path \"a//b" + empty_component},
      {"ab/", "repository path \"ab/" + empty_component},
      {"/ab", "repository path \"/ab" + empty_component},
      {"localhost:5000/app/", "repository path \"app/" + empty_component},
      {"localhost:5000/",
       "reference \"localhost:5000/\" has no repository after registry host "
       "\"localhost:5000\""},
      {"example.com/:v1",
       "reference \"example.com/:v1\" has no repository after registry host "
       "\"example.com\""},
      {":v1", "reference \":v1\" has no repository name"},
      {"@" + kDigest, "reference \"@" + kDigest + "\" has no repository name"},
      {"app@sha256:abc", "digest \"sha256:abc\" has 3 hex digits; sha256 needs 64"},
      {"app@", "digest \"\" has no algorithm; expected sha256:<64 hex digits>"},
      {"app:v1@md5:abc", "digest algorithm \"md5\" is not supported; only sha256 is"},
      {"app@sha256:" + std::string(64, 'A'),
       "digest \"sha256:" + std::string(64, 'A') + "\" must be lowercase hex after sha256:"},
      {"exa mple.com/app", "registry host \"exa mple.com" + bad_host_name},
      {"-bad.com/app", "registry host \"-bad.com" + bad_host_name},
      {"bad-.com/app", "registry host \"bad-.com" + bad_host_name},
      {"a..com/app", "registry host \"a..com" + bad_host_name},
      {":5000/app", "registry host \":5000" + bad_host_name},
      {"localhost:abc/app",
       "registry host \"localhost:abc\" is invalid: the port after ':' must be digits"},
      {"localhost:/app",
       "registry host \"localhost:\" is invalid: the port after ':' must be digits"},
      {"::1/app",
       "registry host \"::1\" is invalid: an IPv6 address must be in brackets, as in [::1]:5000"},
      {"[::1/app", "registry host \"[::1\" is invalid: '[' has no matching ']'"},
      {"[zz]:5000/app",
       "registry host \"[zz]:5000\" is invalid: an IPv6 address in brackets is hex digits and ':'"},
      {"[]:5000/app",
       "registry host \"[]:5000\" is invalid: an IPv6 address in brackets is hex digits and ':'"},
      // Without '.' or ':' a bracketed first component is not a host, just a bad component.
      {"[]/app", "repository path component \"[]" + bad_component},
      // A '.' makes the first component a host, so it is held to the host rules.
      {"a_b.c/app", "registry host \"a_b.c" + bad_host_name},
      {"[::1]x.y/app", "registry host \"[::1]x.y\" is invalid: only ':PORT' may follow ']'"},
      {"[::1]:/app", "registry host \"[::1]:\" is invalid: the port after ':' must be digits"},
      {std::string(64, 'a'), "reference \"" + std::string(64, 'a') +
                                 "\" is a 64-digit hex string, which docker refuses as a name "
                                 "because it reads as an image ID"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(error_of(c.text), c.message);
  }
}

TEST(ReferenceTest, ErrorsAreInvalidArgument) {
  EXPECT_THROW(parse_reference("a..b"), std::invalid_argument);
  EXPECT_THROW(parse_reference(""), ReferenceError);
}

TEST(ReferenceTest, HandBuiltValuesFormatThemselves) {
  Reference ref;
  ref.registry = "ghcr.io";
  ref.repository = "org/tool";
  ref.tag = "1.2";
  EXPECT_EQ(ref.str(), "ghcr.io/org/tool:1.2");
  EXPECT_EQ(ref.api_host(), "ghcr.io");
  EXPECT_EQ(ref.manifest_reference(), "1.2");
  ref.digest = hashing::Digest::parse(kDigest);
  EXPECT_EQ(ref.manifest_reference(), kDigest);
  EXPECT_EQ(ref.str(), "ghcr.io/org/tool:1.2@" + kDigest);
}

TEST(LoopbackRegistryTest, KnowsLoopbackHosts) {
  for (const char* host :
       {"localhost", "localhost:5000", "LocalHost:5000", "127.0.0.1", "127.0.0.1:5000",
        "127.1.2.3:80", "127.255.255.255", "[::1]", "[::1]:5000", "::1", "[0:0:0:0:0:0:0:1]:5000",
        "[::ffff:127.0.0.1]:5000"}) {
    SCOPED_TRACE(host);
    EXPECT_TRUE(is_loopback_registry(host));
  }
}

TEST(LoopbackRegistryTest, RefusesLookalikes) {
  for (const char* host : {"",
                           "localhost.example.com",
                           "127.example.com",
                           "10.0.0.1",
                           "10.0.0.1:5000",
                           "128.0.0.1",
                           "0.0.0.0",
                           "127.0.0",
                           "127.0.0.1.5",
                           "127.0.0.256",
                           "127.0.0.01",
                           "127..0.1",
                           "localhost:",
                           "localhost:abc",
                           "127.0.0.1:",
                           "[::2]:5000",
                           "[::1]x",
                           "[::1",
                           "[::1]:",
                           "::2",
                           "[127.0.0.1]",
                           "docker.io",
                           "example.com:5000",
                           "127.0.0.1:5000:1",
                           "mylocalhost"}) {
    SCOPED_TRACE(host);
    EXPECT_FALSE(is_loopback_registry(host));
  }
}

// The bare tag of `layerpush tag REF NEWTAG`: the same rule as a tag inside a reference.
std::string tag_error_of(const std::string& tag) {
  return refusal_of([&] { check_tag(tag); });
}

TEST(CheckTag, AcceptsWhatAReferenceAccepts) {
  const std::vector<std::string> tags = {"v1",      "latest", "_x", "1.2.3-rc.1",
                                         "A_b-C.d", "9",      std::string(128, 'a')};
  for (const auto& tag : tags) {
    SCOPED_TRACE(tag);
    EXPECT_EQ(tag_error_of(tag), "(accepted)");
    EXPECT_EQ(parse_reference("app:" + tag).tag, tag);
  }
}

TEST(CheckTag, NamesTheRuleAndTheValue) {
  EXPECT_EQ(tag_error_of(""), "tag is empty; tags are 1 to 128 characters");
  EXPECT_EQ(tag_error_of(std::string(129, 'a')), "tag is 129 characters; the limit is 128");
  EXPECT_EQ(tag_error_of("-x"), "tag \"-x\" must start with a letter, digit or underscore");
  EXPECT_EQ(tag_error_of(".x"), "tag \".x\" must start with a letter, digit or underscore");
  EXPECT_EQ(tag_error_of("v1:2"),
            "tag \"v1:2\" has the character ':'; tags are letters, digits, '_', '.' and '-'");
  EXPECT_EQ(tag_error_of("a/b"),
            "tag \"a/b\" has the character '/'; tags are letters, digits, '_', '.' and '-'");
  EXPECT_EQ(tag_error_of("a@sha256"),
            "tag \"a@sha256\" has the character '@'; tags are letters, digits, '_', '.' and '-'");
}

}  // namespace
}  // namespace layerpush::engine
