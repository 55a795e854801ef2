#include "tests/support/fake_credential_helper.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace layerpush::testing {
namespace {

void write_script(const std::filesystem::path& bin, const std::string& name,
                  const std::string& body) {
  std::filesystem::create_directories(bin);
  const auto path = bin / ("docker-credential-" + name);
  std::ofstream out(path);
  out << "#!/bin/sh\n" << body;
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
}

}  // namespace

void write_file_backed_helper(const std::filesystem::path& bin, const std::string& name,
                              const std::filesystem::path& store) {
  std::filesystem::create_directories(store);
  // `store` gets {"ServerURL":S,...} as one line; `get` and `erase` get the server name.
  write_script(bin, name, "store='" + store.string() + R"SH('
printf '%s\n' "$*" >> "$store/argv.log"
env >> "$store/env.log"
input=$(cat)
if [ "$1" = store ]; then
  server=$(printf '%s' "$input" | sed -n 's/.*"ServerURL":"\([^"]*\)".*/\1/p')
else
  server=$(printf '%s' "$input" | head -n 1)
fi
echo "$1 $server" >> "$store/calls.log"
file="$store/$(printf '%s' "$server" | tr -c 'A-Za-z0-9.-' '_').json"
case "$1" in
  store) printf '%s' "$input" > "$file"; exit 0 ;;
  get) [ -f "$file" ] && exec cat "$file" ;;
  erase) [ -f "$file" ] && exec rm "$file" ;;
  *) echo "unknown action $1"; exit 1 ;;
esac
echo "credentials not found in native keychain"
exit 1
)SH");
}

void write_failing_helper(const std::filesystem::path& bin, const std::string& name) {
  write_script(bin, name, R"(input=$(cat)
echo "cannot $1: $input"
echo "cannot $1: $input" >&2
exit 1
)");
}

std::filesystem::path helper_store_file(const std::filesystem::path& store, std::string server) {
  for (char& c : server)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
  return store / (server + ".json");
}

std::string path_with_first(const std::filesystem::path& bin) {
  const char* path = std::getenv("PATH");
  return "PATH=" + bin.string() + ":" + (path ? path : "/usr/bin:/bin");
}

}  // namespace layerpush::testing
