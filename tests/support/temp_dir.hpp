// temp_dir.hpp - a unique temporary directory, removed recursively at destruction.
#pragma once

#include <boost/filesystem.hpp>
#include <string>

namespace ats::test {

class TempDir {
public:
    explicit TempDir(const std::string &prefix = "ats-test") {
        auto base = boost::filesystem::temp_directory_path();
        path_ = base / boost::filesystem::unique_path(prefix + "-%%%%-%%%%-%%%%");
        boost::filesystem::create_directories(path_);
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    ~TempDir() {
        boost::system::error_code ec;
        boost::filesystem::remove_all(path_, ec); // best effort: a test must not throw here
    }
    const boost::filesystem::path &path() const { return path_; }
    std::string str() const { return path_.string(); }
    // Path of a child entry (not created).
    std::string operator/(const std::string &name) const { return (path_ / name).string(); }

private:
    boost::filesystem::path path_;
};

} // namespace ats::test
