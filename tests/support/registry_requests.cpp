// The log-reading half of LocalRegistry: the access log is re-read from disk on every call, so
// results include requests that finished a moment ago. The registry writes an access-log line
// before the response leaves its buffer for small responses such as upload replies, so once a
// client has its answer, the line is in the file.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "tests/support/access_log.h"
#include "tests/support/registry.h"

namespace layerpush::testing {

std::string LocalRegistry::log_text() const {
  std::ifstream in(root_ / "registry.log", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<LoggedRequest> LocalRegistry::requests() const {
  std::string text = log_text();
  if (log_mark_ > text.size()) return {};
  return parse_access_log(std::string_view(text).substr(log_mark_));
}

void LocalRegistry::forget_requests() { log_mark_ = complete_lines_end(log_text()); }

int LocalRegistry::count_requests(std::string_view method, std::string_view uri_part) const {
  auto all = requests();
  return static_cast<int>(std::count_if(all.begin(), all.end(), [&](const LoggedRequest& r) {
    return r.method == method && r.uri.find(uri_part) != std::string::npos;
  }));
}

int LocalRegistry::max_open_uploads() const { return testing::max_open_uploads(requests()); }

}  // namespace layerpush::testing
