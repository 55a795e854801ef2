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
