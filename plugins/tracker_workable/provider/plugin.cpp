// The tracker_workable plugin: exports WorkableTrackerProvider through the C ABI (one symbol).
#include "provider/workable_provider.hpp"

ATS_EXPORT_PLUGIN(ats::tracker_workable::WorkableTrackerProvider)
