#include "engine/tls_context.h"

namespace layerpush::engine {
namespace ssl = boost::asio::ssl;

std::unique_ptr<ssl::context> make_tls_context(bool verify) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (verify) {
    context->set_default_verify_paths();
    context->set_verify_mode(ssl::verify_peer);
  } else {
    context->set_verify_mode(ssl::verify_none);
  }
  return context;
}

}  // namespace layerpush::engine
