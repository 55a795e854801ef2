// TarIndex lookups: name normalization and find_file, which resolves symlinks component by
// component the way the kernel would inside the extracted tree (absolute targets start at the
// archive's root, ".." never climbs above it).
#include <deque>
#include <string>
#include <vector>

#include "io/tar_index.h"
#include "io/tar_internal.h"

namespace layerpush::io {
namespace {

// Symlinks and hard links followed per lookup, as the header promises (the kernel allows 40; no
// real layer nests nearly that deep). A link loop ends here and reads as absent.
constexpr int kMaxHops = 16;

void split_into(std::string_view path, std::deque<std::string>& out, bool at_front) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(start, slash - start);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    start = slash + 1;
  }
  if (at_front) {
    out.insert(out.begin(), parts.begin(), parts.end());
  } else {
    out.insert(out.end(), parts.begin(), parts.end());
  }
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : "/") + part;
  return out;
}

bool is_regular(char type) { return type == '0' || type == '7'; }  // '7': contiguous file

}  // namespace

namespace detail {

std::string normalize_tar_name(std::string_view name) {
  std::deque<std::string> parts;
  split_into(name, parts, false);
  return join({parts.begin(), parts.end()});
}

}  // namespace detail

TarIndex TarIndex::from_members(std::vector<TarMember> members) {
  TarIndex index;
  index.members_ = std::move(members);
  for (std::size_t i = 0; i < index.members_.size(); ++i) {
    TarMember& member = index.members_[i];
    member.name = detail::normalize_tar_name(member.name);
    index.by_name_[member.name] = i;  // later members replace earlier ones, as on extraction
  }
  return index;
}

const TarMember* TarIndex::find_file(std::string_view name) const {
  auto lookup = [this](const std::string& path) -> const TarMember* {
    auto it = by_name_.find(path);
    return it == by_name_.end() ? nullptr : &members_[it->second];
  };
  std::deque<std::string> todo;
  split_into(name, todo, false);
  std::vector<std::string> done;  // components resolved so far, no links among them
  int hops = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.front());
    todo.pop_front();
    if (part == "..") {
      if (!done.empty()) done.pop_back();
      continue;
    }
    done.push_back(std::move(part));
    const TarMember* member = lookup(join(done));
    if (member == nullptr) continue;  // folders need not have members of their own
    if (member->type == '2') {        // symlink: relative to its own folder
      if (++hops > kMaxHops) return nullptr;
      done.pop_back();
      if (member->link_target.starts_with('/')) done.clear();
      split_into(member->link_target, todo, true);
    } else if (member->type == '1' && todo.empty()) {  // hard link: an archive path
      if (++hops > kMaxHops) return nullptr;
      done.clear();
      split_into(member->link_target, todo, true);
    }
  }
  const TarMember* found = lookup(join(done));
  return found != nullptr && is_regular(found->type) ? found : nullptr;
}

}  // namespace layerpush::io
