// Implements environment overrides over absl flags.
#include "libs/server/flags.h"

#include <cstdlib>
#include <iostream>

#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace bridging::server {

std::string EnvNameForFlag(const std::string& flag_name) {
  return absl::StrCat("BRIDGING_", absl::AsciiStrToUpper(flag_name));
}

std::vector<char*> ParseFlagsWithEnv(int argc, char** argv) {
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    const char* value = std::getenv(EnvNameForFlag(std::string(name)).c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      std::cerr << "invalid value in " << EnvNameForFlag(std::string(name)) << ": " << error
                << "\n";
      std::exit(2);
    }
  }
  return absl::ParseCommandLine(argc, argv);
}

}  // namespace bridging::server
