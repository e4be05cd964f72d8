#pragma once
// Workable attachments (Kombo type CV, COVER_LETTER, OTHER) of generated applications. A record
// keeps a declared `size` and a `content_seed`; the bytes are made on download (attachment_bytes),
// so an 11 MB CV costs nothing until someone fetches it. Which CVs may land in Tracker is decided
// here too (cv_refusal), so the generator and /_sandbox/expected share one rule.
#include "generator.hpp"

#include <cstddef>
#include <string>

namespace ats::sandbox {

// The largest CV Tracker accepts from the sync, in bytes (10 MiB).
inline constexpr std::size_t kMaxCvBytes = 10485760;

// "" when a CV of this content type and size must land in Tracker; otherwise why not.
std::string cv_refusal(const std::string &type, const std::string &content_type, std::size_t size);

// Adds 0..3 attachments of one application; `number` (1-based) is the person's application count so
// that one person's files have different names.
void add_application_attachments(World &world, Rng &rng, const json::object &person, const std::string &application_id,
                                 const std::string &candidate_id, EpochMs created_ms, int number);

// The file's bytes: the stored base64 `data` of older fixtures, or generated from content_seed and
// size (a header matching content_type, then deterministic filler).
std::string attachment_bytes(const json::object &attachment);

} // namespace ats::sandbox
