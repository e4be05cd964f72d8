// document_sync.cpp - the applicant's CVs: Kombo attachments of type CV (of the application and of
// its candidate) attached to the Tracker resource as résumé documents, exactly once per Kombo
// attachment ("doc/<attachment id>" records the Tracker document, or why it was refused).
//
// Only applications that are new or changed in Workable get here, so a sync with nothing changed
// lists and downloads nothing. A refused CV (content type not allowed, over cvs.max_bytes) is
// reported once and never downloaded again; a failed one (network, Tracker) is retried by the next
// sync (the application record keeps documents_pending).
#include <boost/json.hpp>

#include "ats/shared/ascii.hpp"
#include "sync/sync_run.hpp"

namespace ats::tracker_workable {

namespace {
std::string media_type(const std::string &content_type) {
    std::string t = ats::shared::ascii_lower(content_type.substr(0, content_type.find(';')));
    while (!t.empty() && t.back() == ' ') t.pop_back();
    return t;
}
} // namespace

bool SyncRun::sync_documents(Work &w, const std::string &resource_id, StateOps &ops) {
    bool complete = true;
    try {
        std::vector<KomboAttachment> all = kombo_.application_attachments(w.app.id, &call_);
        if (!w.app.candidate_id.empty())
            for (auto &a : kombo_.candidate_attachments(w.app.candidate_id, &call_)) all.push_back(std::move(a));
        std::unordered_set<std::string> seen;
        for (const auto &a : all) {
            if (a.type != "CV" || !seen.insert(a.id).second) continue;
            std::string done;
            if (host_.state_get(state_keys::document(a.id), done)) continue; // attached or refused before
            auto refuse = [&](const std::string &why) {
                ++summary.documents_refused;
                summary.add_item("documents_refused",
                                 boost::json::serialize(boost::json::object{{"application_id", w.app.id},
                                                                            {"attachment_id", a.id},
                                                                            {"file_name", a.file_name},
                                                                            {"reason", why}}));
                ops.push_back({true, state_keys::document(a.id), "refused: " + why, true}); // names the file
            };
            bool allowed = false;
            for (const auto &t : cfg_.cvs.content_types)
                allowed = allowed || media_type(t) == media_type(a.content_type);
            if (!allowed) {
                refuse("content type '" + a.content_type + "' is not in cvs.content_types");
                continue;
            }
            std::string bytes;
            try {
                bytes = kombo_.download_attachment(a, cfg_.cvs.max_bytes, &call_);
            } catch (const ats::sdk::Error &e) {
                if (e.code() != ATS_ERR_INVALID_ARGUMENT) throw;
                refuse(e.what()); // over cvs.max_bytes
                continue;
            }
            summary.document_bytes += static_cast<int64_t>(bytes.size());
            // Intent first: a crash after attachDocument is found by reading the documents back.
            host_.state_put_secret(
                state_keys::document_intent(a.id), // the file name may name the person
                boost::json::serialize(boost::json::object{
                    {"r", resource_id}, {"f", a.file_name}, {"z", static_cast<int64_t>(bytes.size())}}));
            tracker_.explain(w.app.id, "CV " + a.id + " (" + a.content_type + ") of the application", "");
            std::string doc_id = tracker_.attach_resume(resource_id, a.file_name, bytes);
            ops.push_back({true, state_keys::document(a.id), doc_id});
            ops.push_back({false, state_keys::document_intent(a.id), ""});
            ++summary.documents_attached;
        }
    } catch (const std::exception &e) {
        if (call_.cancelled()) throw;
        complete = false;
        ++summary.documents_failed;
        summary.add_error(w.app.id, std::string("CV: ") + e.what());
        host_.warn("workable sync: CV of application " + w.app.id + " failed (retried next sync): " + e.what(),
                   call_.raw());
    }
    return complete;
}

} // namespace ats::tracker_workable
