// libtracker.so: the `tracker` provider. Exports only `ats_plugin_entry` (AtsPlugin.cmake).
#include "ats/tracker/provider.hpp"

#include <ats_plugin.hpp>

ATS_EXPORT_PLUGIN(ats::tracker::TrackerProvider)
