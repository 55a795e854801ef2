// End-to-end pushes through the project's fault proxy (tools/faultproxy) in front of a real
// registry: the test scripts the faults, layerpush pushes to the proxy, and skopeo then checks
// what landed by asking the registry directly, so nothing lost or corrupt can hide behind the
// proxy.
#pragma once

#include <chrono>
#include <thread>

#include "tests/e2e/push_fixture.h"
#include "tests/support/fault_proxy.h"

namespace layerpush::testing {

class ProxyPushTest : public PushTest {
 protected:
  void start_proxy(const nlohmann::json& rules, FaultProxy::Options options = {}) {
    proxy_ = FaultProxy::start(registry_->host(), rules, options);
  }
  // The destination as layerpush sees it: through the proxy.
  std::string via(const std::string& repo_and_tag) const { return proxy_->host() + "/" + repo_and_tag; }

  // Makes a small OCI image of `layers` layers of `size`; returns mkimage's report.
  nlohmann::json small_image(const std::string& name, int layers = 3, const std::string& size = "2M") {
    return make_image({"--format", "oci", "--out", dir("oci"), "--layers", std::to_string(layers),
                       "--layer-size", size, "--name", name});
  }

  // Pushes the OCI image through the proxy, timing it.
  CommandResult push_via(const std::string& repo_and_tag, std::vector<std::string> flags = {},
                         int timeout_s = 120) {
    flags.insert(flags.begin(), {"push", "--json"});
    flags.push_back("oci:" + dir("oci"));
    flags.push_back(via(repo_and_tag));
    const auto start = std::chrono::steady_clock::now();
    auto result = layerpush(flags, {}, timeout_s);
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    settle_proxy_log();
    return result;
  }

  // The proxy logs an exchange just after its last byte went out, so the client may finish
  // first: waits until the log has stopped growing.
  void settle_proxy_log() const {
    if (!proxy_) return;
    auto logged = proxy_->requests().size();
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      const auto again = proxy_->requests().size();
      if (again == logged) return;
      logged = again;
    }
  }

  // Skopeo reads the image back from the registry itself: manifest digest and every blob.
  void expect_image_intact(const std::string& repo_and_tag, const nlohmann::json& image) {
    EXPECT_EQ(registry_manifest_digest(repo_and_tag), image["manifest_digest"]);
    const auto blobs = copy_back(repo_and_tag);
    for (const auto& layer : image["layers"]) EXPECT_TRUE(blobs.count(layer["digest"])) << layer;
    EXPECT_TRUE(blobs.count(image["config_digest"]));
  }

  // Requests the proxy logged with `action` ("respond", "reset", ...).
  int proxy_actions(const std::string& action) const {
    int n = 0;
    for (const auto& r : proxy_->requests()) n += r.action == action;
    return n;
  }

  std::unique_ptr<FaultProxy> proxy_;
  double seconds_ = 0;
};

}  // namespace layerpush::testing
