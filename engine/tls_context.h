// The TLS client settings for registry connections: TLS 1.2 or newer, peers verified against the
// system's trust store unless verification was turned off.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>

namespace layerpush::engine {

std::unique_ptr<boost::asio::ssl::context> make_tls_context(bool verify);

}  // namespace layerpush::engine
