#include "postgres_server.hpp"

#include "ats/shared/url_encoding.hpp"
#include "file_text.hpp"

#include <libpq-fe.h>

#include <boost/filesystem.hpp>

#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ats::test {
namespace fs = boost::filesystem;
namespace {

std::string find_bindir() {
    if (const char *d = std::getenv("ATS_PG_BINDIR"); d && *d) return d;
    std::string best;
    int best_version = -1;
    boost::system::error_code ec;
    for (fs::directory_iterator it("/usr/lib/postgresql", ec), end; !ec && it != end; it.increment(ec)) {
        int v = std::atoi(it->path().filename().string().c_str());
        if (v > best_version && fs::exists(it->path() / "bin" / "initdb")) {
            best_version = v;
            best = (it->path() / "bin").string();
        }
    }
    if (best.empty())
        throw std::runtime_error("PostgreSQL server binaries not found (install postgresql-15, or set ATS_PG_BINDIR)");
    return best;
}

// A port nobody listens on right now (the server binds it a moment later).
int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("no free port for PostgreSQL");
    }
    int port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

} // namespace

PostgresServer::PostgresServer() {
    bindir_ = find_bindir();
    if (::geteuid() == 0) {
        const char *name = std::getenv("ATS_PG_TEST_USER");
        if (!name || !*name) name = "nobody";
        const passwd *pw = ::getpwnam(name);
        if (!pw)
            throw std::runtime_error(std::string("PostgreSQL tests run as root need the user '") + name +
                                     "' (ATS_PG_TEST_USER)");
        uid_ = pw->pw_uid;
        gid_ = pw->pw_gid;
        switch_user_ = true;
    } else {
        uid_ = ::geteuid();
        gid_ = ::getegid();
    }
    // Under /tmp (not TMPDIR): the unix socket path must stay short, and the server's user must
    // be able to reach the folder.
    char tmpl[] = "/tmp/ats-pg-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    dir_ = tmpl;
    data_ = dir_ + "/data";
    log_ = dir_ + "/server.log";
    if (switch_user_ && ::chown(dir_.c_str(), uid_, gid_) != 0) {
        fs::remove_all(dir_);
        throw std::runtime_error("cannot give " + dir_ + " to the PostgreSQL user: " + std::strerror(errno));
    }
    try {
        std::string out;
        if (run({"initdb", "-D", data_, "-U", "ats", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync",
                 "--no-instructions"},
                out) != 0)
            throw std::runtime_error("initdb failed:\n" + out);
        for (int attempt = 0;; ++attempt) { // another process may take the free port first
            port_ = free_port();
            std::string opts = "-p " + std::to_string(port_) + " -k " + dir_ + " -c listen_addresses=127.0.0.1";
            if (run({"pg_ctl", "-D", data_, "-l", log_, "-o", opts, "-w", "-t", "60", "start"}, out) == 0) break;
            if (attempt == 2)
                throw std::runtime_error("the PostgreSQL server did not start:\n" + out + read_file(log_));
        }
        started_ = true;
    } catch (...) {
        boost::system::error_code ec;
        fs::remove_all(dir_, ec);
        throw;
    }
}

PostgresServer::~PostgresServer() {
    if (started_) {
        std::string out;
        if (run({"pg_ctl", "-D", data_, "-m", "fast", "-w", "-t", "30", "stop"}, out) != 0) {
            pid_t pid = postmaster_pid();
            if (pid > 0) ::kill(pid, SIGKILL);
        }
    }
    boost::system::error_code ec;
    fs::remove_all(dir_, ec);
}

pid_t PostgresServer::postmaster_pid() const {
    std::ifstream in(data_ + "/postmaster.pid");
    long pid = 0;
    in >> pid;
    return static_cast<pid_t>(pid);
}

int PostgresServer::run(const std::vector<std::string> &argv, std::string &output) const {
    const std::string out_path = dir_ + "/cmd.out";
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        if (switch_user_ && (::setgroups(0, nullptr) != 0 || ::setgid(gid_) != 0 || ::setuid(uid_) != 0)) _exit(126);
        int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::close(fd);
        }
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, 0);
        // The server must not inherit the test's descriptors (sockets, pipes of a harness).
        for (int f = 3; f < 1024; ++f) ::close(f);
        if (::chdir(dir_.c_str()) != 0) _exit(126);
        std::vector<std::string> args = argv;
        args[0] = bindir_ + "/" + argv[0];
        std::vector<char *> cargv;
        for (auto &a : args) cargv.push_back(a.data());
        cargv.push_back(nullptr);
        ::execv(cargv[0], cargv.data());
        _exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    output = read_file(out_path);
    ::unlink(out_path.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string PostgresServer::url(const std::string &database) const {
    return "postgresql://ats@/" + database + "?host=" + ats::shared::percent_encode(dir_) +
           "&port=" + std::to_string(port_);
}

std::string PostgresServer::create_database(const std::string &name) {
    PGconn *c = PQconnectdb(url("postgres").c_str());
    if (PQstatus(c) != CONNECTION_OK) {
        std::string msg = PQerrorMessage(c);
        PQfinish(c);
        throw std::runtime_error("cannot connect to the test PostgreSQL: " + msg);
    }
    PGresult *r = PQexec(c, ("CREATE DATABASE \"" + name + "\"").c_str());
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    std::string msg = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    if (!ok) throw std::runtime_error("CREATE DATABASE " + name + ": " + msg);
    return url(name);
}

} // namespace ats::test
