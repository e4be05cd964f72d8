// text_check.hpp - the substring test behind most assertions on a program's output.
#pragma once

#include <string>

namespace ats::test {

inline bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

} // namespace ats::test
