#include "sync/classify.hpp"

namespace ats::tracker_workable {

AppClass classify(const ClassifyInputs &in) {
    const KomboApplication &a = *in.app;
    if (a.deleted()) return AppClass::deleted;
    // An application retried from the pending list earlier in this run and met again on a page
    // with the same data was already attempted: trying again would process it twice in one run.
    if (in.tried_this_run && *in.tried_this_run == a.remote_updated_at) return AppClass::already_tried;
    if (in.record) {
        const AppRecord &r = *in.record;
        const bool workable_changed =
            r.outcome != a.outcome || r.stage != a.current_stage_name || r.remote_updated_at != a.remote_updated_at;
        if (workable_changed || r.documents_pending || in.full) return AppClass::changed;
        return AppClass::unchanged;
    }
    if (in.quarantined && !in.retry_quarantined && in.quarantined->app.remote_updated_at == a.remote_updated_at)
        return AppClass::quarantined;
    if (in.opportunity_id.empty()) return AppClass::unmapped;
    if (in.name_refused) return AppClass::invalid;
    return AppClass::fresh;
}

const char *to_string(AppClass c) {
    switch (c) {
    case AppClass::deleted: return "deleted";
    case AppClass::quarantined: return "quarantined";
    case AppClass::already_tried: return "already_tried";
    case AppClass::unchanged: return "unchanged";
    case AppClass::changed: return "changed";
    case AppClass::unmapped: return "unmapped";
    case AppClass::invalid: return "invalid";
    case AppClass::fresh: return "fresh";
    }
    return "?";
}

} // namespace ats::tracker_workable
