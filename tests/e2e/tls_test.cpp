// HTTPS pushes: certificates verified by default (OpenSSL, with the host name), refused with a
// clear sentence when they do not verify, and accepted when trusted or when asked not to check.
#include "tests/e2e/push_fixture.h"

namespace layerpush::testing {
namespace {

class TlsPushTest : public PushTest {
 protected:
  LocalRegistry::Options registry_options() const override { return {.tls = true}; }
  void SetUp() override {
    PushTest::SetUp();
    image_ = make_image({"--format", "oci", "--out", dir("oci"), "--layers", "2",
                         "--layer-size", "1M", "--name", "e2e/tls:v1"});
  }
  nlohmann::json image_;
};

TEST_F(TlsPushTest, RefusesAnUntrustedCertificateNamingTheHost) {
  auto r = layerpush({"push", "--plain-http=false", "oci:" + dir("oci"), dest("e2e/tls:v1")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("TLS handshake with " + registry_->host() + " failed"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("certificate verify failed"), std::string::npos) << r.err;
}

TEST_F(TlsPushTest, PushesWhenTheCertificateIsTrusted) {
  // OpenSSL's default trust store honours SSL_CERT_FILE: trust the test's own certificate.
  auto summary = push_json({"--plain-http=false", "oci:" + dir("oci"), dest("e2e/tls:v1")},
                           {"SSL_CERT_FILE=" + registry_->certificate_file().string()});
  EXPECT_EQ(summary["manifest_digest"], image_["manifest_digest"]);
  EXPECT_EQ(registry_manifest_digest("e2e/tls:v1"), image_["manifest_digest"]);
}

TEST_F(TlsPushTest, PushesWithoutVerificationOnlyWhenAskedAndWarns) {
  auto r = layerpush({"push", "--plain-http=false", "--tls-verify=false", "oci:" + dir("oci"),
                      dest("e2e/tls:v1")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: TLS certificates are not verified for " + registry_->host()),
            std::string::npos)
      << r.err;
  EXPECT_EQ(registry_manifest_digest("e2e/tls:v1"), image_["manifest_digest"]);
}

TEST_F(TlsPushTest, LoopbackDefaultsToPlainHttpWhichATlsRegistryRefuses) {
  // As docker does, 127.0.0.1 gets plain HTTP unless told otherwise; a TLS-only registry then
  // answers 400, which is reported as a failed push.
  auto r = layerpush({"push", "oci:" + dir("oci"), dest("e2e/tls:v1")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("push of " + dest("e2e/tls:v1") + " failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("400"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace layerpush::testing

namespace layerpush::testing {
namespace {

// A host that is not loopback by name gets https unless --plain-http is given. "2130706433" is
// 127.0.0.1 written as one decimal number: the resolver reaches this test's own registry, while
// layerpush's loopback rule (localhost, 127.x.y.z, ::1) does not recognize it.
class NonLoopbackNameTest : public PushTest {};

TEST_F(NonLoopbackNameTest, UsesHttpsUnlessPlainHttpIsGiven) {
  auto image = make_image({"--format", "oci", "--out", dir("oci"), "--layers", "1",
                           "--layer-size", "64K", "--name", "e2e/name:v1"});
  const std::string host = "2130706433:" + std::to_string(registry_->port());
  auto https = layerpush({"push", "oci:" + dir("oci"), host + "/e2e/name:v1"});
  EXPECT_EQ(https.exit_code, 1);
  EXPECT_NE(https.err.find("TLS handshake with " + host + " failed"), std::string::npos)
      << https.err;
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0);

  auto plain = layerpush({"push", "--plain-http", "oci:" + dir("oci"), host + "/e2e/name:v1"});
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(registry_manifest_digest("e2e/name:v1"), image["manifest_digest"]);
}

}  // namespace
}  // namespace layerpush::testing

namespace layerpush::testing {
namespace {

TEST_F(TlsPushTest, TrustsACaFileGivenOnTheCommandLine) {
  auto summary = push_json({"--plain-http=false", "--ca-file",
                            registry_->certificate_file().string(), "oci:" + dir("oci"),
                            dest("e2e/tls:v1")});
  EXPECT_EQ(summary["manifest_digest"], image_["manifest_digest"]);
  auto missing = layerpush({"push", "--plain-http=false", "--ca-file", dir("absent.pem"),
                            "oci:" + dir("oci"), dest("e2e/tls:v1")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot load CA file " + dir("absent.pem")), std::string::npos)
      << missing.err;
}

TEST_F(TlsPushTest, TrustsDockersCertsDFolderForTheRegistry) {
  // As /etc/docker/certs.d/HOST:PORT/ca.crt, under a folder of the test's own.
  const auto certs_d = temp_.path() / "certs.d";
  std::filesystem::create_directories(certs_d / registry_->host());
  std::filesystem::copy_file(registry_->certificate_file(), certs_d / registry_->host() / "ca.crt");
  auto summary = push_json({"--plain-http=false", "oci:" + dir("oci"), dest("e2e/tls:v1")},
                           {"LAYERPUSH_CERTS_D=" + certs_d.string()});
  EXPECT_EQ(summary["manifest_digest"], image_["manifest_digest"]);
}

}  // namespace
}  // namespace layerpush::testing

namespace layerpush::testing {
namespace {

class ClientCertificateTest : public PushTest {
 protected:
  LocalRegistry::Options registry_options() const override {
    LocalRegistry::Options options;
    options.tls = true;
    options.require_client_certificate = true;
    return options;
  }
};

TEST_F(ClientCertificateTest, PresentsTheClientCertificateWhenGiven) {
  auto image = make_image({"--format", "oci", "--out", dir("oci"), "--layers", "1",
                           "--layer-size", "64K", "--name", "e2e/mtls:v1"});
  const std::string ca = registry_->certificate_file().string();
  auto without = layerpush({"push", "--plain-http=false", "--ca-file", ca, "oci:" + dir("oci"),
                            dest("e2e/mtls:v1")});
  EXPECT_EQ(without.exit_code, 1);
  EXPECT_NE(without.err.find(registry_->host()), std::string::npos) << without.err;
  auto with = layerpush({"push", "--json", "--plain-http=false", "--ca-file", ca, "--cert-file",
                         registry_->client_certificate_file().string(), "--key-file",
                         registry_->client_key_file().string(), "oci:" + dir("oci"),
                         dest("e2e/mtls:v1")});
  ASSERT_EQ(with.exit_code, 0) << with.err;
  EXPECT_EQ(summary_of(with.out)["manifest_digest"], image["manifest_digest"]);
}

}  // namespace
}  // namespace layerpush::testing
