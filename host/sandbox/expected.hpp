#pragma once
// What a correct Workable -> Tracker sync must produce, computed from the generator's ground truth
// (the person each application really belongs to), never from matching code.
#include "world.hpp"

#include <string>

namespace ats::sandbox {

// pending_status: the Tracker status name expected for PENDING applications ("Applied" by default).
json::object expected_end_state(World &world, const std::string &pending_status);

} // namespace ats::sandbox
