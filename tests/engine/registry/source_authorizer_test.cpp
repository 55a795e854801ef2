// The source's shared Authorization: one renewal for downloads refused together, a later
// refusal renews again, and a failed renewal reaches everyone who waited for it.
#include "engine/registry/source_authorizer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "engine/util/error.h"

namespace layerpush::engine {
namespace {

TEST(SourceAuthorizerTest, StartsWithTheHeaderItWasGiven) {
  SourceAuthorizer auth("Bearer first", [] { return std::string("Bearer next"); });
  EXPECT_EQ(auth.current().value, "Bearer first");
  EXPECT_EQ(auth.current().generation, 0);
}

TEST(SourceAuthorizerTest, ConcurrentRefusalsShareOneRenewal) {
  std::atomic<int> calls = 0;
  SourceAuthorizer auth("Bearer old", [&] {
    ++calls;
    // Long enough that the other threads arrive while this renewal is in flight.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return "Bearer new-" + std::to_string(calls.load());
  });
  const auto seen = auth.current();
  std::vector<std::string> got(8);
  {
    std::vector<std::jthread> threads;
    for (auto& slot : got)
      threads.emplace_back([&auth, &slot, seen] { slot = auth.renew(seen.generation).value; });
  }
  EXPECT_EQ(calls, 1);
  for (const auto& value : got) EXPECT_EQ(value, "Bearer new-1");
  EXPECT_EQ(auth.current().generation, 1);
  // A refusal of the new header renews again; one of the old header does not.
  EXPECT_EQ(auth.renew(0).value, "Bearer new-1");
  EXPECT_EQ(auth.renew(1).value, "Bearer new-2");
  EXPECT_EQ(calls, 2);
}

TEST(SourceAuthorizerTest, AFailedRenewalReachesItsWaitersAndKeepsTheHeader) {
  std::atomic<int> calls = 0;
  SourceAuthorizer auth("Bearer old", [&]() -> std::string {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    throw Error(ErrorKind::kRegistry, "authentication to r.example failed");
  });
  std::atomic<int> failures = 0;
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&] {
        try {
          auth.renew(0);
        } catch (const Error& e) {
          failures += std::string(e.what()) == "authentication to r.example failed";
        }
      });
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(failures, 4);
  EXPECT_EQ(auth.current().value, "Bearer old");
  EXPECT_EQ(auth.current().generation, 0);
}

}  // namespace
}  // namespace layerpush::engine
