// private_files.hpp - the data directory and the files in it are readable by their owner only:
// applicants' personal data and credentials live there. New directories are created 0700 and new
// files 0600; an existing directory or file that other users can read or write is refused (the
// error names the path and the fix) unless the operator allows a shared data directory
// (`--allow-shared-data-dir`), e.g. a service account group on purpose.
#pragma once

#include <string>

namespace ats::host {

// Creates `dir` (and its parents) when missing; the leaf gets mode 0700. Throws HostError(usage,
// ATS_ERR_FORBIDDEN) when `dir` exists with group/other permission bits and !allow_shared.
void ensure_private_dir(const std::string &dir, bool allow_shared);

// Creates an empty `file` with mode 0600 when missing; refuses an existing one that group/others
// can read or write (same error shape). Missing is fine when create == false.
void ensure_private_file(const std::string &file, bool allow_shared, bool create = true);

} // namespace ats::host
