// Self-test input of architecture.includes_check_can_fail (the included side). Never compiled.
#pragma once
