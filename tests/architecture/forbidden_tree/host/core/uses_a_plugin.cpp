// Self-test input of architecture.includes_check_can_fail: the host including a plugin's header
// is the line docs/architecture.md forbids first. Never compiled.
#include "ats/tracker/client.hpp"
