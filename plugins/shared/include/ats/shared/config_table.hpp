// config_table.hpp - a provider's configuration keys declared once, in one table.
//
// Each row says: the key's path in provider_config ("workable.kombo.page_size"), its type, its range
// (or length, pattern, allowed values), an example, a description, and where the parsed value is
// stored (a member of the provider's config struct). The struct member's initial value is the
// default. From that one table come
//   * the JSON Schema the plugin publishes in its descriptor (config_schema_json), and
//   * the parser: type, range, pattern and required checks, unknown keys refused, errors naming
//     the field ("provider_config.workable.cvs.max_bytes: must be between 1 and 104857600, not 0").
// A key therefore cannot be in the schema and not parsed, nor parsed and not in the schema.
//
// What a table cannot say (a value that depends on another key, a method-dependent credential) is
// a rule run after every key is stored (Table::rule).
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace ats::shared::config {

namespace bj = boost::json;

enum class Type { string, integer, boolean, string_list, string_map };

// A value read from provider_config, already checked against its row.
using Value = std::variant<std::string, int64_t, bool, std::vector<std::string>, std::map<std::string, std::string>>;

struct Row {
    std::string path; // from the root of provider_config, sections separated by '.'
    Type type = Type::string;
    std::string description;
    bj::value example; // published as "examples"; also what the table's own test sets
    bool required = false;
    bool secret = false;     // "x-secret": the manifest may give a secret reference; never echoed
    bool has_default = true; // false: the member's initial value is not a default worth publishing
    // integer: the value's bounds; string: minimum length; string_list: minimum number of items.
    std::optional<int64_t> min, max;
    std::string pattern;             // string, list items, map values: must match (ECMAScript)
    std::vector<std::string> one_of; // string: allowed values

    static Row text(std::string path, std::string description) {
        return Row(std::move(path), Type::string, std::move(description));
    }
    static Row integer(std::string path, int64_t lo, int64_t hi, std::string description) {
        Row r(std::move(path), Type::integer, std::move(description));
        r.min = lo;
        r.max = hi;
        return r;
    }
    static Row boolean(std::string path, std::string description) {
        return Row(std::move(path), Type::boolean, std::move(description));
    }
    static Row list(std::string path, std::string description) {
        return Row(std::move(path), Type::string_list, std::move(description));
    }
    static Row map(std::string path, std::string description) {
        return Row(std::move(path), Type::string_map, std::move(description));
    }

    Row &with_example(bj::value v) {
        example = std::move(v);
        return *this;
    }
    Row &must_be_given() {
        required = true;
        return *this;
    }
    Row &as_secret() {
        secret = true;
        return *this;
    }
    Row &no_default() {
        has_default = false;
        return *this;
    }
    Row &at_least(int64_t n) {
        min = n;
        return *this;
    } // length (string) or items (list)
    Row &matching(std::string p) {
        pattern = std::move(p);
        return *this;
    }
    Row &one_of_values(std::vector<std::string> v) {
        one_of = std::move(v);
        return *this;
    }

    Row(std::string p, Type t, std::string d) : path(std::move(p)), type(t), description(std::move(d)) {}
};

struct Section {
    std::string path;
    std::string description;
    bool required = false;
    std::string unknown_key_hint; // appended to "unknown key" errors inside this section
};

// Throws ats::sdk::Error(ATS_ERR_INVALID_ARGUMENT) "<field>: <problem>".
[[noreturn]] void bad(const std::string &field, const std::string &problem);

// The untyped part of a table: rows, sections, schema, reading and checking values.
class Layout {
public:
    explicit Layout(std::string root_where) : where_(std::move(root_where)) {}

    const std::string &where() const { return where_; }
    std::string field(const std::string &path) const { return where_ + "." + path; }
    const std::vector<Row> &rows() const { return rows_; }
    const std::vector<Section> &sections() const { return sections_; }
    std::vector<std::string> key_paths() const;

    // The JSON Schema: {"type":"object","properties":..,"required":..,"additionalProperties":false}.
    // `defaults` gives each row's published default (null = none).
    bj::object schema(const std::vector<bj::value> &defaults) const;

    // The row's value in `root`, checked, or nullopt when absent/null. Throws naming the field.
    std::optional<Value> read(const bj::object &root, const Row &row) const;
    // Refuses keys no row or section declares (the schema says additionalProperties: false).
    void refuse_unknown_keys(const bj::object &root) const;

protected:
    void add_section(Section s);
    void add_row(Row r);

private:
    const Section *find_section(const std::string &path) const;
    std::string where_;
    std::vector<Section> sections_;
    std::vector<Row> rows_;
};

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

// A member of the config struct as a published value (for the schema's "default"). An empty
// std::optional member (a key whose absence means "as another key") has none.
template <class T>
bj::value to_json(const T &v) {
    if constexpr (is_optional<T>::value)
        return v ? to_json(*v) : bj::value();
    else if constexpr (std::is_same_v<T, bool>)
        return bj::value(v);
    else if constexpr (std::is_integral_v<T>)
        return bj::value(static_cast<int64_t>(v));
    else if constexpr (std::is_same_v<T, std::string>)
        return bj::value(v);
    else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
        bj::array a;
        for (const auto &s : v) a.emplace_back(s);
        return a;
    } else {
        bj::object o;
        for (const auto &[k, s] : v) o[k] = s;
        return o;
    }
}

// A checked value into a member of the matching C++ type.
template <class T>
void assign(T &member, Value &&v) {
    if constexpr (is_optional<T>::value)
        assign(member.emplace(), std::move(v));
    else if constexpr (std::is_same_v<T, bool>)
        member = std::get<bool>(v);
    else if constexpr (std::is_integral_v<T>)
        member = static_cast<T>(std::get<int64_t>(v));
    else if constexpr (std::is_same_v<T, std::string>)
        member = std::move(std::get<std::string>(v));
    else if constexpr (std::is_same_v<T, std::vector<std::string>>)
        member = std::move(std::get<std::vector<std::string>>(v));
    else
        member = std::move(std::get<std::map<std::string, std::string>>(v));
}

template <class Config>
class Table : public Layout {
public:
    using Store = std::function<void(Config &, Value &&, const std::string &field)>;
    using Show = std::function<bj::value(const Config &)>;
    using Rule = std::function<void(Config &, const Layout &)>;

    explicit Table(std::string root_where = "provider_config") : Layout(std::move(root_where)) {}

    Table &section(Section s) {
        Layout::add_section(std::move(s));
        return *this;
    }

    // A row stored in the member that `member(config)` returns (a reference); `adjust(value, field)`
    // may normalise the value of the member's type, or throw with bad().
    template <class Member, class Adjust>
    Table &key(Row row, Member member, Adjust adjust) {
        add(
            std::move(row),
            [member, adjust](Config &c, Value &&v, const std::string &field) {
                auto &m = member(c);
                std::remove_reference_t<decltype(m)> parsed{};
                assign(parsed, std::move(v));
                adjust(parsed, field);
                m = std::move(parsed);
            },
            [member](const Config &c) { return to_json(member(c)); });
        return *this;
    }
    template <class Member>
    Table &key(Row row, Member member) {
        return key(std::move(row), member, [](auto &, const std::string &) {});
    }
    // A row whose value is stored by hand (e.g. a name turned into an enum); `show` reads it back.
    Table &key_stored_by(Row row, Store store, Show show) {
        add(std::move(row), std::move(store), std::move(show));
        return *this;
    }
    // Run after every row is stored, in the order declared.
    Table &rule(Rule r) {
        rules_.push_back(std::move(r));
        return *this;
    }
    // Every section, row and rule of `other`, stored in the part of Config that `part` returns.
    template <class Part, class Project>
    Table &include(const Table<Part> &other, Project part) {
        for (const auto &s : other.sections()) Layout::add_section(s);
        for (size_t i = 0; i < other.rows().size(); ++i) {
            auto store = other.stores_[i];
            auto show = other.shows_[i];
            add(
                other.rows()[i],
                [store, part](Config &c, Value &&v, const std::string &field) { store(part(c), std::move(v), field); },
                [show, part](const Config &c) { return show(part(c)); });
        }
        for (const auto &r : other.rules_) rules_.push_back([r, part](Config &c, const Layout &l) { r(part(c), l); });
        return *this;
    }

    // Parses `root` (the whole provider_config) into `start`: absent keys keep start's values.
    Config parse(const bj::object &root, Config start = Config{}) const {
        refuse_unknown_keys(root);
        for (size_t i = 0; i < rows().size(); ++i)
            if (auto v = read(root, rows()[i])) stores_[i](start, std::move(*v), field(rows()[i].path));
        for (const auto &r : rules_) r(start, *this);
        return start;
    }
    // Every row's value as stored in `c`, by path: what a parse made of each key.
    std::map<std::string, bj::value> values(const Config &c) const {
        std::map<std::string, bj::value> out;
        for (size_t i = 0; i < rows().size(); ++i) out[rows()[i].path] = shows_[i](c);
        return out;
    }
    // The schema, with the members' initial values of a default Config as defaults.
    bj::object schema() const {
        Config fresh{};
        std::vector<bj::value> defaults;
        for (size_t i = 0; i < rows().size(); ++i)
            defaults.push_back(rows()[i].has_default && !rows()[i].required && !rows()[i].secret ? shows_[i](fresh)
                                                                                                 : bj::value());
        return Layout::schema(defaults);
    }
    std::string schema_json() const { return bj::serialize(schema()); }

private:
    template <class Other>
    friend class Table; // include() reads another table's stores and rules
    void add(Row row, Store store, Show show) {
        add_row(std::move(row));
        stores_.push_back(std::move(store));
        shows_.push_back(std::move(show));
    }
    std::vector<Store> stores_;
    std::vector<Show> shows_;
    std::vector<Rule> rules_;
};

// `member` argument of Table::key: ATS_CONFIG_MEMBER(client.page_size) is the member c.client.page_size.
#define ATS_CONFIG_MEMBER(path) \
    [](auto &c) -> auto & { return c.path; }

} // namespace ats::shared::config
