// child_process.hpp - starting and reaping helper processes (the plugin worker), and saying in
// words how one ended ("killed by SIGSEGV").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace ats::host {

// The ats-plugin-worker executable: env ATS_PLUGIN_WORKER, else next to this executable, else the
// build tree's bin folder (tests run from there). "" when none exists.
std::string plugin_worker_executable();

// Starts `argv` (argv[0] = path) with `pass_fd` as its descriptor 3 and its stdout sent to our
// stderr (stdout of ats-host carries results). Throws std::runtime_error naming the executable.
pid_t spawn_child(const std::vector<std::string> &argv, int pass_fd);

// Waits until the child ends or `timeout` passes (then kills it with SIGKILL and reaps it).
// Returns the wait status; `timed_out` tells whether it had to be killed.
int wait_child(pid_t pid, std::chrono::milliseconds timeout, bool &timed_out);

// "SIGSEGV", "SIGABRT", ... or "signal N".
std::string signal_name(int signo);
// "was killed by SIGSEGV (signal 11)" / "exited with status 3".
std::string describe_exit(int wait_status);

} // namespace ats::host
