// file_text.hpp - a whole file's bytes, the way every test reads back what a program wrote.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace ats::test {

// The file's bytes as they are (binary); "" when it cannot be opened, which the caller's
// assertion on the content then reports.
inline std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace ats::test
