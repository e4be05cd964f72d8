#include "attachments.hpp"

#include <boost/beast/core/detail/base64.hpp>

#include <algorithm>

namespace ats::sandbox {

namespace {

// Content types of CVs that must land (the plugin's allow list, brief of the CV feature).
const char *const kAllowedCvTypes[] = {
    "application/pdf",    "application/x-pdf",
    "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/rtf",    "text/rtf",
    "text/plain",         "application/vnd.oasis.opendocument.text"};

struct Format {
    const char *content_type, *extension;
    int weight; // out of 100
};
// Mostly PDFs and Word files; some types a CV may not have in Tracker (an image, an archive).
const Format kCvFormats[] = {{"application/pdf", ".pdf", 45},
                             {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", 14},
                             {"application/msword", ".doc", 6},
                             {"application/x-pdf", ".pdf", 5},
                             {"application/rtf", ".rtf", 4},
                             {"text/rtf", ".rtf", 3},
                             {"text/plain", ".txt", 5},
                             {"application/vnd.oasis.opendocument.text", ".odt", 4},
                             {"image/png", ".png", 7},
                             {"application/zip", ".zip", 7}};

std::string header_for(const std::string &content_type) {
    if (content_type == "application/pdf" || content_type == "application/x-pdf") return "%PDF-1.4\n% sandbox CV\n";
    if (content_type == "image/png") return std::string("\x89PNG\r\n\x1a\n", 8);
    if (content_type == "application/zip" || content_type.find("openxml") != std::string::npos ||
        content_type.find("opendocument") != std::string::npos)
        return std::string("PK\x03\x04", 4);
    if (content_type == "application/msword") return std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    if (content_type.find("rtf") != std::string::npos) return "{\\rtf1\\ansi sandbox CV\n";
    return "Curriculum vitae (sandbox)\n";
}

std::string base_name(const json::object &person, int number) {
    std::string first = str_of(person, "first_name"), last = str_of(person, "last_name");
    std::string name =
        truthy(person, "nameless") || (first.empty() && last.empty()) ? std::string("Applicant") : first + " " + last;
    return number > 1 ? name + " " + std::to_string(number) : name;
}

json::object record(Rng &rng, const std::string &application_id, const std::string &candidate_id, const char *type,
                    const std::string &file_name, const std::string &content_type, std::size_t size,
                    EpochMs created_ms) {
    return json::object{{"id", kombo_id(rng)},
                        {"remote_id", std::to_string(rng.between(100000000, 999999999))},
                        {"application_id", application_id},
                        {"candidate_id", candidate_id},
                        {"type", type},
                        {"file_name", file_name},
                        {"content_type", content_type},
                        {"size", size},
                        {"content_seed", static_cast<std::int64_t>(rng.next() >> 1)},
                        {"created_ms", created_ms}};
}

} // namespace

std::string cv_refusal(const std::string &type, const std::string &content_type, std::size_t size) {
    if (type != "CV") return "type " + type + " is not a CV";
    if (std::find(std::begin(kAllowedCvTypes), std::end(kAllowedCvTypes), content_type) == std::end(kAllowedCvTypes))
        return "content type " + content_type + " is not allowed for a CV";
    if (size > kMaxCvBytes)
        return "size " + std::to_string(size) + " exceeds " + std::to_string(kMaxCvBytes) + " bytes";
    return "";
}

void add_application_attachments(World &world, Rng &rng, const json::object &person, const std::string &application_id,
                                 const std::string &candidate_id, EpochMs created_ms, int number) {
    std::string name = base_name(person, number);
    if (rng.chance(0.8)) {
        std::int64_t roll = rng.between(0, 99), acc = 0;
        const Format *format = &kCvFormats[0];
        for (const auto &f : kCvFormats)
            if (roll < (acc += f.weight)) {
                format = &f;
                break;
            }
        // Small files keep the state small even when a sync attaches every CV; one CV in 40 is over
        // Tracker's limit (declared size only: the bytes are made on download).
        std::size_t size = static_cast<std::size_t>(rng.between(1200, 6000));
        if (rng.chance(0.025)) size = kMaxCvBytes + static_cast<std::size_t>(rng.between(1, 2 * 1024 * 1024));
        world.add_kombo("attachments", record(rng, application_id, candidate_id, "CV", name + " CV" + format->extension,
                                              format->content_type, size, created_ms));
    }
    if (rng.chance(0.2))
        world.add_kombo("attachments",
                        record(rng, application_id, candidate_id, "COVER_LETTER", name + " Cover Letter.pdf",
                               "application/pdf", static_cast<std::size_t>(rng.between(800, 3000)), created_ms));
    if (rng.chance(0.08))
        world.add_kombo("attachments",
                        record(rng, application_id, candidate_id, "OTHER", name + " Portfolio.pdf", "application/pdf",
                               static_cast<std::size_t>(rng.between(800, 3000)), created_ms));
}

std::string attachment_bytes(const json::object &a) {
    if (const json::value *data = field(a, "data"); data && data->is_string()) {
        std::string in(data->as_string());
        std::string raw(boost::beast::detail::base64::decoded_size(in.size()), '\0');
        raw.resize(boost::beast::detail::base64::decode(raw.data(), in.data(), in.size()).first);
        return raw;
    }
    std::size_t size = static_cast<std::size_t>(int_or(a, "size", 0));
    std::string content_type = str_of(a, "content_type");
    std::string out = header_for(content_type);
    out.resize(std::min(out.size(), size));
    out.reserve(size);
    // xorshift64*: fast, deterministic per attachment; text types stay printable.
    std::uint64_t x = static_cast<std::uint64_t>(int_or(a, "content_seed", 1)) | 1;
    bool text = content_type == "text/plain" || content_type.find("rtf") != std::string::npos;
    static const char printable[] = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ.,\n0123456789";
    while (out.size() < size) {
        x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
        std::uint64_t r = x * 0x2545F4914F6CDD1DULL;
        for (int i = 0; i < 8 && out.size() < size; ++i, r >>= 8)
            out += text ? printable[(r & 0xff) % (sizeof printable - 1)] : static_cast<char>(r & 0xff);
    }
    return out;
}

} // namespace ats::sandbox
