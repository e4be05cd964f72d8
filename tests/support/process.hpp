// process.hpp - run child processes from tests (the host CLI, the sandbox emulator, ...).
//
// run_process: fork/exec, feed stdin, capture stdout/stderr, enforce a timeout (SIGKILL).
// ChildProcess: a background process (e.g. a server) whose output goes to files; the destructor
// SIGKILLs and reaps it so a failing test never leaves a stray process behind.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace ats::test {

using namespace std::chrono_literals;

struct ProcessResult {
    int exit_code = -1; // exit status when the process exited normally, else -1
    int signal = 0;     // the signal that ended it, 0 when it exited normally
    std::string out, err;
    bool timed_out = false; // killed because it outlived the timeout
};

// Runs argv[0] (looked up in PATH when it has no '/') with the current environment plus
// `extra_env` (which overrides), writes `stdin_data` to its stdin and collects its output.
// Throws std::runtime_error when the process cannot be started.
ProcessResult run_process(std::vector<std::string> argv, std::map<std::string, std::string> extra_env = {},
                          std::chrono::milliseconds timeout = 120s, std::string stdin_data = "");

class ChildProcess {
public:
    // Starts argv in the background; stdout/stderr go to files in a private temp folder
    // (read them any time with read_out()/read_err()). Throws when it cannot start.
    explicit ChildProcess(std::vector<std::string> argv, std::map<std::string, std::string> extra_env = {});
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;
    ~ChildProcess(); // SIGKILL (if still running), reap, remove the output files

    pid_t pid() const { return pid_; }
    bool running(); // false once it has exited (reaps it)
    void kill(int sig);
    // Waits for exit; on timeout SIGKILLs it (result.timed_out = true). Idempotent.
    ProcessResult wait(std::chrono::milliseconds timeout = 120s);

    std::string read_out() const;
    std::string read_err() const;
    const std::string &out_path() const { return out_path_; }
    const std::string &err_path() const { return err_path_; }

    // Polls read_out()+read_err() until `needle` appears; false on timeout or early exit.
    bool wait_for_output(const std::string &needle, std::chrono::milliseconds timeout = 30s);

private:
    pid_t pid_ = -1;
    bool reaped_ = false;
    int status_ = 0;
    std::string dir_, out_path_, err_path_;
    void reap_status(int status);
};

} // namespace ats::test
