// What a bridgectl command is: the contract method it calls, how its arguments and options
// fill the request, and how its answer is shown. The table of them is in command_table.cc.
#pragma once

#include <google/protobuf/message.h>

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "scripts/bridgectl/gateway_client.h"
#include "scripts/bridgectl/render.h"

namespace bridging::bridgectl {

// How a positional resource name may be shortened on the command line.
enum class NameKind {
  kName,         // given in full
  kOwnOrg,       // an organisation; the caller's own when left out
  kParticipant,  // a full name, or the charity's own reference ("SF-005")
  kPlan,         // a full name, or a plan id within the caller's practice
};

struct Argument {
  std::string name;   // shown in help, e.g. "PARTICIPANT"
  std::string field;  // request field it fills
  NameKind kind = NameKind::kName;
  std::string help;
};

struct Option {
  std::string name;   // typed as --name
  std::string field;  // request field it fills; empty when the command reads it itself
  std::string help;
  bool is_switch = false;  // --erase: no value, sets true
  bool required = false;
  bool repeated = false;  // may be given more than once (or as a comma list)
};

struct Invocation;

struct Command {
  std::string group;  // "consent"
  std::string verb;   // "withdraw"
  std::string
      role;  // who uses it, for help: "charity", "practice", "researcher", "operator", "any"
  std::string summary;
  std::string method;  // "bridging.consent.v1.ConsentService/WithdrawConsent"; empty for run
  std::vector<Argument> arguments;
  std::vector<Option> options;
  std::map<std::string, std::string> fixed;  // fields always set, e.g. page_size
  std::vector<std::string> columns;          // table columns (field paths in the list items)
  // Adjusts the request after arguments and options are set (update masks, etags).
  std::function<absl::Status(Invocation&)> prepare;
  // Shows the answer; Render() when unset.
  std::function<absl::Status(Invocation&, const google::protobuf::Message&)> present;
  // Does the whole command itself (imports, raw calls); `method` is then unused.
  std::function<absl::Status(Invocation&)> run;
};

// One run of a command.
struct Invocation {
  Invocation(const Command& command, GatewayClient& client, std::ostream& out, std::ostream& err)
      : command(command), client(client), out(out), err(err) {}

  const Command& command;
  GatewayClient& client;
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> options;  // as typed, by option name
  OutputFormat format = OutputFormat::kTable;
  int limit = 0;  // list commands: most items to fetch (0: all)
  std::unique_ptr<google::protobuf::Message> request;
  std::ostream& out;
  std::ostream& err;
  absl::Time now;
  bool interactive = false;  // stderr is a terminal: progress bars

  bool Has(const std::string& option) const { return options.count(option) > 0; }
  std::string Value(const std::string& option) const {
    auto it = options.find(option);
    return it == options.end() || it->second.empty() ? "" : it->second.back();
  }
};

// Every command bridgectl knows, grouped for help.
const std::vector<Command>& Commands();

}  // namespace bridging::bridgectl
