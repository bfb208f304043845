// Computes a script's SHA-1 with OpenSSL (the name Redis gives the script).
#include "libs/store/script.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <utility>

namespace bridging::store {

Script::Script(std::string source) : source_(std::move(source)) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // EVP_Digest rather than SHA1(): the low-level SHA1 API is deprecated in OpenSSL 3.
  if (EVP_Digest(source_.data(), source_.size(), digest, &len, EVP_sha1(), nullptr) != 1) {
    std::abort();  // SHA-1 unavailable means a broken OpenSSL; nothing sensible to do
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  sha1_.resize(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    sha1_[2 * i] = kDigits[digest[i] >> 4];
    sha1_[2 * i + 1] = kDigits[digest[i] & 0xf];
  }
}

}  // namespace bridging::store
