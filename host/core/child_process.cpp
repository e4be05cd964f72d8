#include "child_process.hpp"

#include <boost/filesystem.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

namespace ats::host {

std::string plugin_worker_executable() {
    namespace fs = boost::filesystem;
    boost::system::error_code ec;
    if (const char *env = std::getenv("ATS_PLUGIN_WORKER"); env && *env) return env;
    char buf[4096];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = '\0';
        auto beside = fs::path(buf).parent_path() / "ats-plugin-worker";
        if (fs::exists(beside, ec)) return beside.string();
    }
#ifdef ATS_PLUGIN_WORKER_BUILD_PATH
    if (fs::exists(ATS_PLUGIN_WORKER_BUILD_PATH, ec)) return ATS_PLUGIN_WORKER_BUILD_PATH;
#endif
    return "";
}

pid_t spawn_child(const std::vector<std::string> &argv, int pass_fd) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (pass_fd >= 0) posix_spawn_file_actions_adddup2(&fa, pass_fd, 3); // dup2 clears CLOEXEC
    posix_spawn_file_actions_adddup2(&fa, 2, 1);
    std::vector<char *> args;
    for (const auto &a : argv) args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    // A sanitizer build must let a plugin's SIGSEGV kill the worker as a signal (the host names
    // it) instead of turning it into an ordinary exit.
    std::vector<std::string> env_text;
    std::string asan = "ASAN_OPTIONS=handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_abort=0";
    for (char **e = environ; *e; ++e) {
        if (std::strncmp(*e, "ASAN_OPTIONS=", 13) == 0)
            asan = std::string(*e) + ":handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_abort=0";
        else
            env_text.emplace_back(*e);
    }
    env_text.push_back(asan);
    std::vector<char *> env;
    for (auto &e : env_text) env.push_back(e.data());
    env.push_back(nullptr);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, argv[0].c_str(), &fa, nullptr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    return pid;
}

int wait_child(pid_t pid, std::chrono::milliseconds timeout, bool &timed_out) {
    timed_out = false;
    auto until = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    auto pause = std::chrono::microseconds(200);
    for (;;) {
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0 && errno != EINTR) return 0; // already reaped elsewhere: nothing to tell
        if (std::chrono::steady_clock::now() >= until) break;
        std::this_thread::sleep_for(pause);
        pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(20));
    }
    timed_out = true;
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return status;
}

std::string signal_name(int signo) {
    switch (signo) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGTRAP: return "SIGTRAP";
    case SIGSYS: return "SIGSYS";
    default: return "signal " + std::to_string(signo);
    }
}

std::string describe_exit(int st) {
    if (WIFSIGNALED(st))
        return "was killed by " + signal_name(WTERMSIG(st)) + " (signal " + std::to_string(WTERMSIG(st)) + ")";
    if (WIFEXITED(st)) return "exited with status " + std::to_string(WEXITSTATUS(st));
    return "ended (wait status " + std::to_string(st) + ")";
}

} // namespace ats::host
