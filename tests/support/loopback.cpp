#include "tests/support/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace layerpush::testing {
namespace {

class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "socket");
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

}  // namespace

std::uint16_t free_loopback_port() {
  Socket s;
  sockaddr_in address = loopback(0);
  if (::bind(s.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    throw std::system_error(errno, std::generic_category(), "bind 127.0.0.1:0");
  socklen_t length = sizeof address;
  ::getsockname(s.fd(), reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

int http_get_status(std::uint16_t port, std::string_view path, int timeout_ms) {
  Socket s;
  timeval timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(s.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(s.fd(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address = loopback(port);
  if (::connect(s.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return -1;
  std::string request = "GET " + std::string(path) +
                        " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nConnection: close\r\n\r\n";
  if (::send(s.fd(), request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size()))
    return -1;
  // "HTTP/1.1 200 OK": the status line is all we need.
  std::string reply;
  char buf[512];
  while (reply.find("\r\n") == std::string::npos) {
    ssize_t n = ::recv(s.fd(), buf, sizeof buf, 0);
    if (n <= 0) return -1;
    reply.append(buf, static_cast<std::size_t>(n));
  }
  if (reply.compare(0, 5, "HTTP/") != 0) return -1;
  std::size_t space = reply.find(' ');
  if (space == std::string::npos || space + 4 > reply.size()) return -1;
  int status = 0;
  for (std::size_t i = space + 1; i < space + 4; ++i) {
    if (reply[i] < '0' || reply[i] > '9') return -1;
    status = status * 10 + (reply[i] - '0');
  }
  return status;
}

}  // namespace layerpush::testing
