// install_layout.hpp - where an ats-host finds its plugins when no --plugins is given, both in the
// build tree and in an installed prefix (packaging/README.md).
#pragma once

#include <string>

namespace ats::host {

// The folder of the running executable (symlinks resolved); "." when it cannot be read.
std::string executable_dir();

// The default plugins folder: `<exe>/../plugins` when it exists (the build tree: build/bin and
// build/plugins), else the installed layout's `<exe>/<bin-to-plugins>` (bin/ ->
// lib/ats-host/plugins/). Relative to the executable, so a prefix can be moved or packaged.
std::string default_plugins_dir();

} // namespace ats::host
