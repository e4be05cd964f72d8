#include "process.hpp"

#include "file_text.hpp"

#include <boost/filesystem.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

namespace ats::test {
namespace {

// argv/envp arrays built BEFORE fork: after fork in a threaded process only async-signal-safe
// calls are allowed, so the child must not allocate.
struct ExecArgs {
    std::vector<std::string> env_storage;
    std::vector<char *> argv, envp;
    ExecArgs(std::vector<std::string> &args, const std::map<std::string, std::string> &extra) {
        if (args.empty()) throw std::runtime_error("run_process: empty argv");
        for (char **e = environ; *e; ++e) {
            std::string kv(*e);
            auto eq = kv.find('=');
            if (eq != std::string::npos && extra.count(kv.substr(0, eq))) continue;
            env_storage.push_back(std::move(kv));
        }
        for (const auto &[k, v] : extra) env_storage.push_back(k + "=" + v);
        for (auto &a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        for (auto &e : env_storage) envp.push_back(e.data());
        envp.push_back(nullptr);
    }
};

[[noreturn]] void exec_child(ExecArgs &ea) {
    // Own process group, so a kill of the group reaches grandchildren too.
    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    execvpe(ea.argv[0], ea.argv.data(), ea.envp.data());
    const char msg[] = "run_process: exec failed\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(127);
}

void fill_status(ProcessResult &r, int status) {
    if (WIFEXITED(status)) {
        r.exit_code = WEXITSTATUS(status);
        r.signal = 0;
    } else if (WIFSIGNALED(status)) {
        r.exit_code = -1;
        r.signal = WTERMSIG(status);
    }
}

} // namespace

ProcessResult run_process(std::vector<std::string> args, std::map<std::string, std::string> extra_env,
                          std::chrono::milliseconds timeout, std::string stdin_data) {
    ExecArgs ea(args, extra_env);
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC))
        throw std::runtime_error(std::string("run_process: pipe: ") + std::strerror(errno));
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("run_process: fork: ") + std::strerror(errno));
    if (pid == 0) {
        dup2(in_pipe[0], 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        exec_child(ea);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    int in_fd = in_pipe[1];
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
    if (stdin_data.empty()) {
        close(in_fd);
        in_fd = -1;
    }

    ProcessResult r;
    size_t in_off = 0;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int fds_open = 2;
    int out_fd = out_pipe[0], err_fd = err_pipe[0];
    char buf[65536];
    while (fds_open > 0 || in_fd >= 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            r.timed_out = true;
            ::kill(-pid, SIGKILL);
            ::kill(pid, SIGKILL);
            break;
        }
        pollfd p[3];
        int n = 0;
        if (out_fd >= 0) p[n++] = {out_fd, POLLIN, 0};
        if (err_fd >= 0) p[n++] = {err_fd, POLLIN, 0};
        if (in_fd >= 0) p[n++] = {in_fd, POLLOUT, 0};
        int rc = poll(p, n, static_cast<int>(std::min<long long>(left.count(), 200)));
        if (rc < 0 && errno != EINTR) break;
        for (int i = 0; i < n; ++i) {
            if (!p[i].revents) continue;
            if (p[i].fd == in_fd) {
                ssize_t w = write(in_fd, stdin_data.data() + in_off, stdin_data.size() - in_off);
                if (w > 0) in_off += static_cast<size_t>(w);
                if (w < 0 && errno != EAGAIN) in_off = stdin_data.size(); // EPIPE: child closed stdin
                if (in_off >= stdin_data.size()) {
                    close(in_fd);
                    in_fd = -1;
                }
                continue;
            }
            ssize_t got = read(p[i].fd, buf, sizeof buf);
            if (got > 0) {
                (p[i].fd == out_fd ? r.out : r.err).append(buf, static_cast<size_t>(got));
            } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                if (p[i].fd == out_fd) {
                    close(out_fd);
                    out_fd = -1;
                } else {
                    close(err_fd);
                    err_fd = -1;
                }
                --fds_open;
            }
        }
    }
    if (in_fd >= 0) close(in_fd);
    if (out_fd >= 0) close(out_fd);
    if (err_fd >= 0) close(err_fd);
    int status = 0;
    // Output closed: the child has exited or is about to (or it closed its fds itself).
    while (true) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) break;
        if (std::chrono::steady_clock::now() >= deadline) {
            r.timed_out = true;
            ::kill(-pid, SIGKILL);
            ::kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(5ms);
    }
    fill_status(r, status);
    return r;
}

ChildProcess::ChildProcess(std::vector<std::string> args, std::map<std::string, std::string> extra_env) {
    ExecArgs ea(args, extra_env);
    auto dir = boost::filesystem::temp_directory_path() / boost::filesystem::unique_path("ats-child-%%%%-%%%%-%%%%");
    boost::filesystem::create_directories(dir);
    dir_ = dir.string();
    out_path_ = dir_ + "/stdout";
    err_path_ = dir_ + "/stderr";
    int out = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || err < 0 || devnull < 0)
        throw std::runtime_error("ChildProcess: cannot open output files in " + dir_);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error(std::string("ChildProcess: fork: ") + std::strerror(errno));
    if (pid_ == 0) {
        dup2(devnull, 0);
        dup2(out, 1);
        dup2(err, 2);
        exec_child(ea);
    }
    close(out);
    close(err);
    close(devnull);
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && !reaped_) {
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);
        int st = 0;
        while (waitpid(pid_, &st, 0) < 0 && errno == EINTR) {}
    }
    boost::system::error_code ec;
    if (!dir_.empty()) boost::filesystem::remove_all(dir_, ec);
}

void ChildProcess::reap_status(int status) {
    reaped_ = true;
    status_ = status;
}

bool ChildProcess::running() {
    if (reaped_) return false;
    int st = 0;
    pid_t w = waitpid(pid_, &st, WNOHANG);
    if (w == pid_) {
        reap_status(st);
        return false;
    }
    return true;
}

void ChildProcess::kill(int sig) {
    if (!reaped_) ::kill(pid_, sig);
}

ProcessResult ChildProcess::wait(std::chrono::milliseconds timeout) {
    ProcessResult r;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!reaped_) {
        int st = 0;
        pid_t w = waitpid(pid_, &st, WNOHANG);
        if (w == pid_) {
            reap_status(st);
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            r.timed_out = true;
            ::kill(-pid_, SIGKILL);
            ::kill(pid_, SIGKILL);
            while (waitpid(pid_, &st, 0) < 0 && errno == EINTR) {}
            reap_status(st);
            break;
        }
        std::this_thread::sleep_for(5ms);
    }
    fill_status(r, status_);
    r.out = read_out();
    r.err = read_err();
    return r;
}

std::string ChildProcess::read_out() const { return read_file(out_path_); }
std::string ChildProcess::read_err() const { return read_file(err_path_); }

bool ChildProcess::wait_for_output(const std::string &needle, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (read_out().find(needle) != std::string::npos || read_err().find(needle) != std::string::npos) return true;
        if (!running())
            return read_out().find(needle) != std::string::npos || read_err().find(needle) != std::string::npos;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

} // namespace ats::test
