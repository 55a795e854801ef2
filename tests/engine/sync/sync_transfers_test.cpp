#include "engine/sync/sync_transfers.h"

#include <gtest/gtest.h>

#include "hashing/sha256.h"

namespace layerpush::engine {
namespace {

ImageBlob blob(const std::string& name, std::uint64_t size) {
  ImageBlob b;
  b.role = name;
  b.digest = hashing::sha256_of(name);
  b.size = size;
  return b;
}

Image image_of(std::vector<ImageBlob> blobs) {
  Image image;
  image.blobs = std::move(blobs);
  return image;
}

TEST(SyncTransfers, EachBlobIsUploadedOncePerRegistryAndMountedElsewhere) {
  const Image a = image_of({blob("config-a", 10), blob("base", 1000), blob("a", 500)});
  const Image b = image_of({blob("config-b", 10), blob("base", 1000), blob("b", 700)});
  const Image c = image_of({blob("config-c", 10), blob("base", 1000)});
  const auto plan = plan_transfers({{&a, "r1", "team/a", "src"},
                                    {&b, "r1", "team/b", "src"},
                                    {&c, "r2", "team/c", "src"}});
  // base: upload to r1/team/a, mount into r1/team/b, and a separate upload to r2 (another registry).
  ASSERT_EQ(plan.blobs.size(), 7u);
  std::size_t uploads_of_base = 0, mounts_of_base = 0;
  for (const auto& task : plan.tasks) {
    if (plan.blobs[task.blob].blob->role != "base") continue;
    (task.upload ? uploads_of_base : mounts_of_base) += 1;
    if (!task.upload) {
      EXPECT_EQ(plan.blobs[task.blob].home, "team/a");
      EXPECT_EQ(task.images, std::vector<std::size_t>{1});
    }
  }
  EXPECT_EQ(uploads_of_base, 2u);
  EXPECT_EQ(mounts_of_base, 1u);
  // The upload of base in r1 names the mount that waits for it.
  for (const auto& task : plan.tasks)
    if (task.upload && plan.blobs[task.blob].blob->role == "base" && plan.blobs[task.blob].registry == "r1") {
      ASSERT_EQ(task.mounts.size(), 1u);
      EXPECT_FALSE(plan.tasks[task.mounts[0]].upload);
    }
  EXPECT_EQ(plan.tasks_per_image, (std::vector<std::size_t>{3, 3, 2}));
}

TEST(SyncTransfers, UploadsStartLargestFirstAndMountsAreNotAmongThem) {
  const Image a = image_of({blob("small", 1), blob("big", 300), blob("mid", 20)});
  const Image b = image_of({blob("big", 300)});
  const auto plan = plan_transfers({{&a, "r", "x/a", "s"}, {&b, "r", "x/b", "s"}});
  std::vector<std::string> order;
  for (const auto t : plan.uploads) order.push_back(plan.blobs[plan.tasks[t].blob].blob->role);
  EXPECT_EQ(order, (std::vector<std::string>{"big", "mid", "small"}));
  EXPECT_EQ(plan.tasks.size(), 4u);
}

TEST(SyncTransfers, ImagesOfOneRepositoryShareATask) {
  // v2 and latest name one manifest: one task per blob, both images waiting for it.
  const Image v2 = image_of({blob("config", 5), blob("layer", 50)});
  const auto plan = plan_transfers({{&v2, "r", "x/a", "s"}, {&v2, "r", "x/a", "s"}});
  ASSERT_EQ(plan.tasks.size(), 2u);
  for (const auto& task : plan.tasks) EXPECT_EQ(task.images, (std::vector<std::size_t>{0, 1}));
}

}  // namespace
}  // namespace layerpush::engine
