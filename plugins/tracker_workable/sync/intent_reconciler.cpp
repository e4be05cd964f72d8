// intent_reconciler.cpp - write intents an interrupted run left behind (status writes, contact
// notes, documents), resolved before anything else by reading Tracker back: a write Tracker shows
// is recorded as done; one it does not show is dropped, so the change is decided again from
// Workable's data (README "Exactly once": record before writing, read back when unsure). Create intents
// ("int/") are resolved where the application is met again (person_writer.cpp).
#include <boost/json.hpp>

#include "sync/sync_run.hpp"

namespace ats::tracker_workable {

namespace {
std::string text(const boost::json::object &o, const char *k) {
    auto it = o.find(k);
    return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
}
struct Intent {
    std::string id; // the key's suffix
    boost::json::object body;
};
std::vector<Intent> intents(const SyncState &state, const std::string &prefix) {
    std::vector<Intent> out;
    state.scan(prefix, [&](std::string_view k, std::string_view v) {
        boost::system::error_code ec;
        auto j = boost::json::parse(v, ec);
        out.push_back(
            {std::string(k.substr(prefix.size())), !ec && j.is_object() ? j.get_object() : boost::json::object{}});
    });
    return out;
}
} // namespace

void SyncRun::reconcile_leftover_intents() {
    ats::sdk::Host::Batch batch;

    // Status writes: one batched read of the links (A14).
    auto statuses = intents(state_, "sint/");
    if (!statuses.empty()) {
        std::vector<std::string> links;
        for (const auto &i : statuses) links.push_back(text(i.body, "l"));
        std::unordered_map<std::string, std::string> now;
        for (const auto &l : tracker_.links_by_ids(links)) now[l.id] = l.status;
        for (const auto &i : statuses) {
            auto rec = state_.app(i.id);
            auto it = now.find(text(i.body, "l"));
            if (rec && it != now.end() && it->second == text(i.body, "s")) {
                rec->status = text(i.body, "s");
                rec->outcome = text(i.body, "oc");
                rec->stage = text(i.body, "st");
                batch.put(state_keys::app(i.id), encode_app_record(*rec));
                ++summary.intents_confirmed;
            } else {
                ++summary.intents_not_applied;
            }
            batch.erase(state_keys::status_intent(i.id));
        }
    }

    // Contact notes: the person's notes with our subject and exactly the intended text.
    for (const auto &i : intents(state_, "cint/")) {
        bool found = false;
        for (const auto &n : tracker_.notes_of_person(i.id))
            found = found || (n.subject == cfg_.contacts.note_subject && n.note == text(i.body, "t"));
        if (found) {
            auto k = i.body.find("k");
            batch.put_secret(state_keys::person_contacts(i.id),
                             boost::json::serialize(k != i.body.end() ? k->value() : boost::json::array{}));
            ++summary.intents_confirmed;
        } else {
            ++summary.intents_not_applied;
        }
        batch.erase(state_keys::contact_intent(i.id));
    }

    // Documents: a résumé of the resource with the same file name and size.
    for (const auto &i : intents(state_, "dint/")) {
        const std::string res = text(i.body, "r"), file = text(i.body, "f");
        int64_t size = -1;
        if (auto z = i.body.find("z"); z != i.body.end() && z->value().is_int64()) size = z->value().get_int64();
        std::string found;
        if (!res.empty())
            for (const auto &d : tracker_.documents_of_person(res))
                if (d.file_name == file && d.size == size) found = d.id;
        if (!found.empty()) {
            batch.put(state_keys::document(i.id), found);
            ++summary.intents_confirmed;
        } else {
            ++summary.intents_not_applied;
        }
        batch.erase(state_keys::document_intent(i.id));
    }
    if (batch.size() > 0) state_.apply(batch);
}

} // namespace ats::tracker_workable
