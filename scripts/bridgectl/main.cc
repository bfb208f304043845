// bridgectl: the Bridging command line, over the gateway's public API. Wiring only; the
// commands are in command_table.cc, the command line in runner.cc.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "scripts/bridgectl/runner.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto env = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value == nullptr ? "" : value;
  };
  return bridging::bridgectl::Run(args, std::cout, std::cerr, isatty(STDERR_FILENO) == 1, env);
}
