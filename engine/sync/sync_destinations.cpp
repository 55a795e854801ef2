// Step 2 of a sync (skip unchanged: one client per destination repository, authenticated, and
// one HEAD per destination tag) and the tokens step 3's mounts need.
#include <map>
#include <set>

#include "engine/registry/tag.h"
#include "engine/sync/sync_run.h"

namespace layerpush::engine {
namespace asio = boost::asio;

void SyncRun::connect_destinations() {
  std::map<std::string, std::size_t> by_name;
  repository_index_.assign(images_.size(), 0);
  for (std::size_t i = 0; i < images_.size(); ++i) {
    const auto& image = images_[i];
    if (image.failure) continue;
    const std::string& host = image.destination.registry;
    auto destination = destinations_.find(host);
    if (destination == destinations_.end()) {
      Destination made;
      static_cast<RegistryOptions&>(made.push) = registry_options(config_, host, options_);
      made.push.jobs = options_.jobs;
      made.push.chunk_size = options_.chunk_size;
      made.push.max_request_size = options_.max_request_size;
      made.push.io_backend = backend_;
      made.push.upload_state = options_.upload_state;
      made.credentials = load_credentials(host, made.push.authfile);
      made.pool = std::make_unique<ConnectionPool>(made.push.tls, made.push.timeouts);
      destination = destinations_.emplace(host, std::move(made)).first;
    }
    const std::string name = host + "/" + image.destination.repository;
    auto [found, fresh] = by_name.emplace(name, repositories_.size());
    if (fresh) {
      Repository repository{host, name, nullptr, {}};
      repository.client = std::make_unique<RegistryClient>(
          registry_base(image.destination.api_host(), destination->second.push.plain_http),
          image.destination.repository, *destination->second.pool, options_.retry);
      repositories_.push_back(std::move(repository));
    }
    repository_index_[i] = found->second;
  }
}

asio::awaitable<void> SyncRun::authenticate(std::size_t repository) {
  auto& target = repositories_[repository];
  co_await target.client->authenticate(destinations_.at(target.registry).credentials);
}

asio::awaitable<void> SyncRun::check_destination(std::size_t i) {
  const auto& image = images_[i];
  if (image.failure) co_return;
  const std::string destination = image.destination.str();
  if (state_ && state_->image(destination) == image.digest) {
    image_done(i, ImageAction::kSkipped);
    co_return;
  }
  auto& client = *repository_of(i).client;
  const std::string tag = *image.destination.tag;
  std::optional<Error> failure;
  try {
    const auto current = co_await client.manifest_digest(tag);
    if (current && current->str() == image.digest) {
      image_done(i, ImageAction::kSkipped);
      co_return;
    }
    if (current && options_.no_clobber) {
      image_done(i, ImageAction::kRefused,
                 tag_points_elsewhere(client.where(), tag, *current) + "; --no-clobber leaves it");
      co_return;
    }
    to_copy_.push_back(i);
  } catch (const Error& e) {
    failure = e;
  }
  if (failure) {
    if (!options_.keep_going) throw *failure;
    image_done(i, ImageAction::kFailed, failure->what());
  }
}

void SyncRun::plan_and_authorize_mounts() {
  copies_.clear();
  for (const std::size_t i : to_copy_) {
    const auto& image = images_[i];
    copies_.push_back({&*image.image, image.destination.registry, image.destination.repository,
                       image.source.registry});
  }
  transfers_ = plan_transfers(copies_);
  tasks_left_ = transfers_.tasks_per_image;
  blob_failure_.assign(transfers_.blobs.size(), std::nullopt);
  std::set<std::size_t> widened;
  for (const auto& task : transfers_.tasks) {
    if (task.upload) continue;
    auto& repository = repository_of(to_copy_[task.image_repository]);
    if (repository.mount_sources.insert(transfers_.blobs[task.blob].home).second)
      widened.insert(repository_index_[to_copy_[task.image_repository]]);
  }
  // A token must also grant pull on each repository mounted from: one more token per
  // repository that mounts (none for Basic or anonymous registries).
  if (options_.dry_run || widened.empty()) return;
  std::vector<std::size_t> order(widened.begin(), widened.end());
  for (const std::size_t r : order)
    for (const auto& from : repositories_[r].mount_sources)
      repositories_[r].client->add_pull_scope(from);
  mount_order_ = order;
  run_parallel(order.size(), options_.jobs, &SyncRun::authorize_mounts);
}

asio::awaitable<void> SyncRun::authorize_mounts(std::size_t k) {
  co_await repositories_[mount_order_[k]].client->renew_authorization();
}

}  // namespace layerpush::engine
