// Command-line flags with environment overrides: BRIDGING_<FLAG> (upper case) sets a flag's
// default, an explicit --flag on the command line wins. Call instead of absl::ParseCommandLine.
#pragma once

#include <string>
#include <vector>

namespace bridging::server {

// Applies environment overrides, then parses the command line; exits with usage on error.
std::vector<char*> ParseFlagsWithEnv(int argc, char** argv);

// The environment variable that overrides `flag_name` ("redis_addr" -> BRIDGING_REDIS_ADDR).
std::string EnvNameForFlag(const std::string& flag_name);

}  // namespace bridging::server
