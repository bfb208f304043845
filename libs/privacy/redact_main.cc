// bridging-redact: redacts stdin with RedactText and prints the text and the findings (type,
// offsets, detector). For trying the detectors on real wording without running a service.
#include <iostream>
#include <iterator>
#include <string>

#include "libs/privacy/redact.h"

int main() {
  const std::string text((std::istreambuf_iterator<char>(std::cin)),
                         std::istreambuf_iterator<char>());
  auto redaction = bridging::privacy::RedactText(text);
  if (!redaction.ok()) {
    std::cerr << redaction.status() << "\n";
    return 1;
  }
  std::cout << redaction->text << "\n";
  for (const auto& f : redaction->findings) {
    std::cout << bridging::privacy::TypeName(f.type) << " [" << f.original_begin << ", "
              << f.original_end << ") " << f.detector << "\n";
  }
  return 0;
}
