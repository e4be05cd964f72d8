// Notes and descriptions from upstream: HTML to plain text (tags, entities, numeric character
// references, scripts and comments) and note_text with an untrusted content type. Input: the
// content type (first line) and the content (the rest).
#include "ats/shared/html_text.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string_view in(reinterpret_cast<const char *>(data), size);
    ats::shared::html_to_text(in);
    size_t nl = in.find('\n');
    if (nl != std::string_view::npos) ats::shared::note_text(in.substr(nl + 1), in.substr(0, nl));
    return 0;
}
