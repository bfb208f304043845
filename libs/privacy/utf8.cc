// Implements the UTF-8 helpers.
#include "libs/privacy/utf8.h"

namespace bridging::privacy {

uint32_t DecodeAt(absl::string_view s, size_t pos, int* length) {
  const unsigned char c = s[pos];
  int len = 1;
  uint32_t cp = c;
  if (c >= 0xF0) {
    len = 4, cp = c & 0x07;
  } else if (c >= 0xE0) {
    len = 3, cp = c & 0x0F;
  } else if (c >= 0xC0) {
    len = 2, cp = c & 0x1F;
  }
  if (pos + len > s.size()) len = 1;  // only on invalid input, which callers refuse first
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[pos + k]) & 0x3F);
  *length = len;
  return cp;
}

bool IsLetter(uint32_t cp) {
  if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp < 0x2000) return true;         // Latin extensions, Greek, Cyrillic, Arabic, Indic...
  if (cp < 0x2E00) return false;        // general punctuation, symbols, arrows, dingbats
  if (cp < 0x3040) return false;        // CJK punctuation
  return cp < 0xFE00 || cp >= 0x10000;  // CJK and the rest; not the presentation forms
}

bool IsUpper(uint32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  if (cp >= 0xC0 && cp <= 0xDE) return cp != 0xD7;
  // Latin Extended-A alternates upper and lower case; the parity flips twice.
  if (cp >= 0x100 && cp <= 0x137) return cp % 2 == 0;
  if (cp >= 0x139 && cp <= 0x148) return cp % 2 == 1;
  if (cp >= 0x14A && cp <= 0x177) return cp % 2 == 0;
  if (cp == 0x178) return true;
  if (cp >= 0x179 && cp <= 0x17E) return cp % 2 == 1;
  if (cp >= 0x391 && cp <= 0x3A9) return true;  // Greek capitals
  if (cp >= 0x400 && cp <= 0x42F) return true;  // Cyrillic capitals
  return false;
}

}  // namespace bridging::privacy
