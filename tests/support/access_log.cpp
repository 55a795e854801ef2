#include "tests/support/access_log.h"

#include <algorithm>
#include <charconv>

namespace layerpush::testing {
namespace {

// Takes the text up to the next `stop` from `rest`, or nullopt if there is none.
std::optional<std::string_view> take_until(std::string_view& rest, std::string_view stop) {
  std::size_t at = rest.find(stop);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view token = rest.substr(0, at);
  rest.remove_prefix(at + stop.size());
  return token;
}

// gorilla/handlers escapes '"' and '\' in the URI; undo that.
std::string unescape(std::string_view quoted) {
  std::string out;
  for (std::size_t i = 0; i < quoted.size(); ++i) {
    if (quoted[i] == '\\' && i + 1 < quoted.size()) ++i;
    out += quoted[i];
  }
  return out;
}

}  // namespace

std::optional<LoggedRequest> parse_access_log_line(std::string_view line) {
  // HOST - USER [DATE] "METHOD URI PROTO" STATUS SIZE "REFERER" "AGENT"
  std::string_view rest = line;
  auto host = take_until(rest, " - ");
  if (!host || host->empty() || host->find(' ') != std::string_view::npos) return std::nullopt;
  if (!take_until(rest, " [") || !take_until(rest, "] \"")) return std::nullopt;
  auto method = take_until(rest, " ");
  auto uri = take_until(rest, " ");
  auto proto = take_until(rest, "\" ");
  if (!method || !uri || !proto || method->empty() || !proto->starts_with("HTTP/"))
    return std::nullopt;
  LoggedRequest request{std::string(*method), unescape(*uri), 0};
  auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), request.status);
  if (error != std::errc() || end != rest.data() + 3) return std::nullopt;
  return request;
}

std::size_t complete_lines_end(std::string_view text) {
  std::size_t last = text.rfind('\n');
  return last == std::string_view::npos ? 0 : last + 1;
}

std::vector<LoggedRequest> parse_access_log(std::string_view text) {
  std::vector<LoggedRequest> requests;
  std::string_view rest = text.substr(0, complete_lines_end(text));
  while (auto line = take_until(rest, "\n"))
    if (auto request = parse_access_log_line(*line)) requests.push_back(std::move(*request));
  return requests;
}

int max_open_uploads(const std::vector<LoggedRequest>& requests) {
  int open = 0, most = 0;
  for (const auto& r : requests) {
    if (r.uri.find("/blobs/uploads/") == std::string::npos) continue;
    if (r.method == "POST" && r.status == 202) most = std::max(most, ++open);
    if (r.method == "PUT" && r.status == 201) --open;
  }
  return most;
}

}  // namespace layerpush::testing
