#include "state_crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace ats::host {
namespace {

constexpr unsigned char kVersion = 0x01;
constexpr size_t kIdLen = 8, kNonceLen = 12, kTagLen = 16;

struct CtxFree {
    void operator()(EVP_CIPHER_CTX *c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

std::string sha256(std::string_view a, std::string_view b = {}) {
    std::string in(a);
    in.append(b);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(in.data(), in.size(), out, &n, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    return std::string(reinterpret_cast<char *>(out), n);
}

const unsigned char *u(std::string_view s) { return reinterpret_cast<const unsigned char *>(s.data()); }

} // namespace

SealingKey sealing_key_from_material(std::string_view material) {
    if (material.size() < 16) throw std::invalid_argument("the state key is shorter than 16 bytes");
    SealingKey k;
    k.key = sha256("ats-state-key/v1\n", material);
    k.id = sha256("ats-state-key-id/v1\n", k.key).substr(0, kIdLen);
    return k;
}

std::string row_aad(std::string_view tenant, std::string_view key) {
    std::string a(tenant);
    a.push_back('\0');
    a.append(key);
    return a;
}

std::string seal(const SealingKey &k, std::string_view aad, std::string_view plaintext) {
    std::string nonce = random_bytes(kNonceLen);
    std::string out;
    out.reserve(1 + kIdLen + kNonceLen + plaintext.size() + kTagLen);
    out.push_back(static_cast<char>(kVersion));
    out += k.id;
    out += nonce;
    Ctx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    std::string ct(plaintext.size(), '\0');
    unsigned char tag[kTagLen];
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceLen, nullptr) != 1 ||
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, u(k.key), u(nonce)) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, u(aad), static_cast<int>(aad.size())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(ct.data()), &len, u(plaintext),
                          static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(ct.data()) + len, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagLen, tag) != 1)
        throw std::runtime_error("AES-256-GCM encryption failed");
    out += ct;
    out.append(reinterpret_cast<char *>(tag), kTagLen);
    return out;
}

std::string sealed_key_id(std::string_view s) {
    if (s.size() < 1 + kIdLen + kNonceLen + kTagLen || static_cast<unsigned char>(s[0]) != kVersion) return "";
    return std::string(s.substr(1, kIdLen));
}

std::string open_sealed(const std::vector<SealingKey> &keys, std::string_view aad, std::string_view sealed) {
    std::string id = sealed_key_id(sealed);
    if (id.empty()) throw std::runtime_error("a sealed state value is malformed");
    const SealingKey *k = nullptr;
    for (const auto &c : keys)
        if (c.id == id) k = &c;
    if (!k)
        throw std::runtime_error("a state value was sealed with key id " + hex_of(id) +
                                 ", which is not configured (host.state_key / host.previous_state_keys)");
    std::string_view nonce = sealed.substr(1 + kIdLen, kNonceLen);
    std::string_view ct = sealed.substr(1 + kIdLen + kNonceLen, sealed.size() - (1 + kIdLen + kNonceLen + kTagLen));
    std::string tag(sealed.substr(sealed.size() - kTagLen));
    std::string pt(ct.size(), '\0');
    Ctx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceLen, nullptr) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, u(k->key), u(nonce)) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, u(aad), static_cast<int>(aad.size())) != 1 ||
        EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(pt.data()), &len, u(ct),
                          static_cast<int>(ct.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagLen, tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(pt.data()) + len, &len) != 1)
        throw std::runtime_error("a sealed state value does not authenticate (altered, or moved from another row)");
    return pt;
}

std::string hmac_sha256_raw(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), u(data), data.size(), out, &n))
        throw std::runtime_error("HMAC-SHA-256 failed");
    return std::string(reinterpret_cast<char *>(out), n);
}

std::string base64_encode(std::string_view bytes) {
    static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8 | (unsigned char)bytes[i + 2];
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (i + 1 == bytes.size()) {
        unsigned v = (unsigned char)bytes[i] << 16;
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == bytes.size()) {
        unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8;
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::string base64url_encode(std::string_view bytes) {
    std::string s = base64_encode(bytes);
    while (!s.empty() && s.back() == '=') s.pop_back();
    for (char &c : s) {
        if (c == '+')
            c = '-';
        else if (c == '/')
            c = '_';
    }
    return s;
}

std::optional<std::string> base64_decode(std::string_view text, bool url_alphabet, bool exact) {
    const char c62 = url_alphabet ? '-' : '+', c63 = url_alphabet ? '_' : '/';
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=' && !url_alphabet) break;
        int v = -1;
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == c62)
            v = 62;
        else if (c == c63)
            v = 63;
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    if (exact && (bits >= 6 || (acc & ((1u << bits) - 1)) != 0)) return std::nullopt;
    return out;
}

std::string identity_hash_text(std::string_view key, std::string_view data) {
    return "h1." + base64url_encode(hmac_sha256_raw(key, data));
}

std::string random_bytes(size_t n) {
    std::string out(n, '\0');
    if (n && RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("the system random generator failed");
    return out;
}

std::string hex_of(std::string_view bytes) {
    static const char *h = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(h[c >> 4]);
        out.push_back(h[c & 15]);
    }
    return out;
}

} // namespace ats::host
