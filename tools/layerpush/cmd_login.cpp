// `layerpush login [HOST]` and `layerpush logout [HOST]`: keep credentials as `docker login` does
// (in the credential helper the config file names, else in the file), after checking them
// against the registry. The password comes from standard input or the terminal, never argv.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "engine/image/reference.h"
#include "engine/registry/login.h"
#include "engine/util/error.h"
#include "tools/layerpush/commands.h"
#include "tools/layerpush/connection_flags.h"
#include "tools/layerpush/password_input.h"

namespace layerpush::cli {
namespace {
using engine::Error;
using engine::ErrorKind;

struct LoginArgs {
  std::string host = "docker.io";
  std::string username;
  bool password_stdin = false;
  std::string authfile;
  ConnectionFlags connection;
};

// "registry.example.com:5000", "https://registry.example.com/", "docker.io" -> a registry host.
std::string registry_host(std::string text) {
  if (auto scheme = text.find("://"); scheme != std::string::npos) text = text.substr(scheme + 3);
  if (auto slash = text.find('/'); slash != std::string::npos) text = text.substr(0, slash);
  try {
    return engine::parse_reference(text + "/probe/name").registry;
  } catch (const engine::ReferenceError& e) {
    throw Error(ErrorKind::kUsage, "registry \"" + text + "\" is invalid: " + e.what());
  }
}

// The password: one line from standard input, or typed at the terminal without echo.
std::string read_password(const LoginArgs& args) {
  std::string password;
  if (args.password_stdin) {
    password = read_password_line(std::cin);
  } else {
    std::ifstream tty("/dev/tty");
    if (!tty) throw Error(ErrorKind::kUsage, "no terminal to ask for a password; use --password-stdin");
    std::fprintf(stderr, "Password: ");
    termios saved{};
    const bool terminal = ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (terminal) {
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    password = read_password_line(tty);
    if (terminal) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::fprintf(stderr, "\n");
  }
  if (password.empty()) throw Error(ErrorKind::kUsage, "the password is empty");
  return password;
}

std::string config_file(const LoginArgs& args) {
  auto path = engine::docker_config_path(args.authfile.empty() ? std::nullopt
                                                               : std::optional(args.authfile));
  if (!path) throw Error(ErrorKind::kUsage, "no HOME or DOCKER_CONFIG to keep credentials in; use --authfile");
  return *path;
}

int run_login(const LoginArgs& args) {
  const std::string host = registry_host(args.host);
  if (args.username.empty()) throw Error(ErrorKind::kUsage, "login needs --username");
  const engine::Credentials credentials{args.username, read_password(args), ""};
  const auto tls = tls_settings(args.connection, host);
  try {
    engine::verify_login(host, credentials, use_plain_http(args.connection, host), tls);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kUsage || e.kind() == ErrorKind::kInput) throw;
    throw Error(e.kind(), "login to " + host + " failed: " + e.what());
  }
  const std::string path = config_file(args);
  const std::string helper = engine::save_login(path, host, credentials);
  std::printf("Login Succeeded (credentials for %s saved %s %s)\n", host.c_str(),
              helper.empty() ? "in" : "by", helper.empty() ? path.c_str() : helper.c_str());
  return 0;
}

int run_logout(const LoginArgs& args) {
  const std::string host = registry_host(args.host);
  const std::string path = config_file(args);
  if (engine::remove_login(path, host))
    std::printf("Removed login credentials for %s\n", host.c_str());
  else
    std::printf("Not logged in to %s\n", host.c_str());
  return 0;
}
}  // namespace

CommandRunner add_login_command(CLI::App& app) {
  auto args = std::make_shared<LoginArgs>();
  auto* login = app.add_subcommand("login", "Check credentials and save them for a registry");
  login->add_option("HOST", args->host, "Registry host[:port] (default docker.io)");
  login->add_option("-u,--username", args->username, "User name")->required();
  login->add_flag("--password-stdin", args->password_stdin, "Read the password from standard input");
  add_refused_password_option(*login);
  login->add_option("--authfile", args->authfile, "Docker config file to write");
  add_connection_flags(*login, args->connection);
  return [login, args] { return login->parsed() ? run_login(*args) : -1; };
}

CommandRunner add_logout_command(CLI::App& app) {
  auto args = std::make_shared<LoginArgs>();
  auto* logout = app.add_subcommand("logout", "Remove saved credentials for a registry");
  logout->add_option("HOST", args->host, "Registry host[:port] (default docker.io)");
  logout->add_option("--authfile", args->authfile, "Docker config file to change");
  return [logout, args] { return logout->parsed() ? run_logout(*args) : -1; };
}

}  // namespace layerpush::cli
