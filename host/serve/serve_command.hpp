// serve_command.hpp - the `ats-host serve` and `ats-host hash-token` subcommands, called by the
// host/cli dispatcher after it parsed the global flags (--plugins, --manifests, --data-dir, log
// options) into `runtime_options`.
//
// Exit codes of `serve`: 0 after a graceful shutdown (SIGTERM/SIGINT), 2 bad command line,
// 3 the service could not start (tokens file, manifests, plugins, listen address, TLS files).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "runtime.hpp"

namespace ats::serve {

// `args` are the arguments after "serve".
int run_serve(const ats::host::Runtime::Options &runtime_options, const std::vector<std::string> &args);
void print_serve_help(std::ostream &out);

// Reads one token from `in` (a trailing newline is ignored) and prints its SHA-256 hex, the form
// the tokens file stores. Exit code 0, or 2 for an empty token.
int run_hash_token(std::istream &in, std::ostream &out, std::ostream &err);

// The OpenAPI 3.1 document served at /openapi.json (host/serve/openapi.json, compiled in).
const char *openapi_document();

} // namespace ats::serve
