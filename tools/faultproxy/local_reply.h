// Replies the fault proxy makes itself instead of asking the registry: a scripted response,
// a redirect, and OCI-style error bodies. Pure functions; safe from any thread.
#pragma once

#include <boost/beast/http.hpp>
#include <string>

#include "tools/faultproxy/rules.h"

namespace layerpush::faultproxy {

using Reply = boost::beast::http::response<boost::beast::http::string_body>;

// The `respond` action's status, headers and body, Content-Length set.
Reply scripted_reply(const Respond& respond);
// `status` with Location: `location` and no body.
Reply redirect_reply(int status, const std::string& location);
// `status` with {"errors":[{"code":CODE,"message":MESSAGE}]}, as a registry answers.
Reply error_reply(int status, const std::string& code, const std::string& message);

}  // namespace layerpush::faultproxy
