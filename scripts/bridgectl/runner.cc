// Implements the bridgectl command line.
#include "scripts/bridgectl/runner.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <ostream>
#include <set>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "libs/common/crypto.h"
#include "libs/common/status_macros.h"
#include "scripts/bridgectl/call_steps.h"
#include "scripts/bridgectl/command.h"
#include "scripts/bridgectl/proto_text.h"

namespace bridging::bridgectl {
namespace {

// A mistake on the command line (exit 2), told apart from errors the gateway returns.
struct UsageError {
  std::string message;
  const Command* command = nullptr;  // whose usage to show
};

struct GlobalOptions {
  ClientOptions client;
  std::string key_file;
  std::string ca_file;
  OutputFormat format = OutputFormat::kTable;
  std::string request_id;
  int limit = 0;
  bool help = false;
};

constexpr const char* kGlobalHelp =
    "Global options (anywhere on the line):\n"
    "  --gateway HOST:PORT   the gateway's gRPC address (env BRIDGING_GATEWAY; default "
    "127.0.0.1:7100)\n"
    "  --tls                 speak TLS to the gateway, verified against the system's roots\n"
    "  --ca-file FILE        speak TLS, verified against this PEM CA (env "
    "BRIDGING_GATEWAY_CA_FILE)\n"
    "  --key-file FILE       your API key, from a file (or env BRIDGING_API_KEY, or env "
    "BRIDGING_KEY_FILE)\n"
    "  --output FORMAT       table (default), json or csv; --json and --csv for short\n"
    "  --limit N             list commands: stop after N items\n"
    "  --request-id ID       for writes: the same id makes a retried command harmless\n"
    "  --timeout SECONDS     per call (default 30)\n";

constexpr const char* kExitHelp =
    "Exit codes: 0 done, 1 other failure, 2 wrong command line, 3 invalid input, 4 key not\n"
    "accepted, 5 not allowed, 6 not found, 7 changed by someone else or already exists,\n"
    "8 the suite is unavailable or busy (try again), 9 a history does not verify.\n";

std::string Usage(const Command& command) {
  std::string line =
      absl::StrCat("bridgectl ", command.group, command.verb.empty() ? "" : " ", command.verb);
  for (const Argument& argument : command.arguments) {
    line += argument.kind == NameKind::kOwnOrg ? absl::StrCat(" [", argument.name, "]")
                                               : absl::StrCat(" ", argument.name);
  }
  for (const Option& option : command.options) {
    if (option.required) absl::StrAppend(&line, " --", option.name, " VALUE");
  }
  return line;
}

std::string CommandHelp(const Command& command) {
  std::string out = absl::StrCat("Usage: ", Usage(command), " [options]\n\n", command.summary, " (",
                                 command.role, ")\n");
  if (!command.arguments.empty()) {
    out += "\nArguments:\n";
    for (const Argument& argument : command.arguments) {
      std::string help = argument.help;
      if (argument.kind == NameKind::kOwnOrg) help = "default: your own organisation";
      if (argument.kind == NameKind::kParticipant) {
        help = "charities/ID/participants/ID, or your own reference for her (e.g. SF-005)";
      }
      if (argument.kind == NameKind::kPlan) help = "practices/ID/plans/ID, or just the plan ID";
      absl::StrAppend(&out, "  ", absl::StrFormat("%-22s", argument.name), help, "\n");
    }
  }
  if (!command.options.empty()) {
    out += "\nOptions:\n";
    for (const Option& option : command.options) {
      const std::string flag = absl::StrCat("--", option.name, option.is_switch ? "" : " VALUE");
      absl::StrAppend(&out, "  ", absl::StrFormat("%-22s", flag), option.help,
                      option.required ? " (required)" : "", option.repeated ? " (may repeat)" : "",
                      "\n");
    }
  }
  out += "\n";
  out += kGlobalHelp;
  return out;
}

std::string GeneralHelp() {
  std::string out =
      "bridgectl: Bridging from a terminal, through the gateway's public API.\n\n"
      "Usage: bridgectl COMMAND [ARGUMENTS] [OPTIONS]; bridgectl COMMAND --help for more.\n";
  const std::pair<const char*, const char*> kRoles[] = {{"charity", "The charity"},
                                                        {"practice", "Practices"},
                                                        {"researcher", "Researchers"},
                                                        {"operator", "Operators"},
                                                        {"any", "Everyone"}};
  for (const auto& [role, title] : kRoles) {
    absl::StrAppend(&out, "\n", title, ":\n");
    for (const Command& command : Commands()) {
      if (command.role != role) continue;
      const std::string name =
          absl::StrCat(command.group, command.verb.empty() ? "" : " ", command.verb);
      absl::StrAppend(&out, "  ", absl::StrFormat("%-28s", name), command.summary, "\n");
    }
  }
  absl::StrAppend(&out, "\n", kGlobalHelp, "\n", kExitHelp);
  return out;
}

// Takes the global options out of `args`; the rest is the command and its own words.
std::variant<GlobalOptions, UsageError> TakeGlobalOptions(
    std::vector<std::string>& args, const std::function<std::string(const char*)>& env) {
  GlobalOptions global;
  if (std::string gateway = env("BRIDGING_GATEWAY"); !gateway.empty()) {
    global.client.gateway = gateway;
  }
  global.ca_file = env("BRIDGING_GATEWAY_CA_FILE");
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::string value;
    bool has_value = false;
    if (!absl::StartsWith(name, "--") && name != "-h") {
      rest.push_back(name);
      continue;
    }
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto take = [&]() -> std::optional<std::string> {
      if (has_value) return value;
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    static const std::set<std::string> kWithValue = {
        "--gateway", "--key-file", "--ca-file", "--output", "--limit", "--request-id", "--timeout"};
    if (name == "--help" || name == "-h") {
      global.help = true;
    } else if (name == "--tls") {
      global.client.tls = true;
    } else if (name == "--json") {
      global.format = OutputFormat::kJson;
    } else if (name == "--csv") {
      global.format = OutputFormat::kCsv;
    } else if (kWithValue.count(name)) {
      std::optional<std::string> v = take();
      if (!v) return UsageError{absl::StrCat(name, " needs a value")};
      if (name == "--gateway") global.client.gateway = *v;
      if (name == "--key-file") global.key_file = *v;
      if (name == "--ca-file") global.ca_file = *v;
      if (name == "--request-id") global.request_id = *v;
      if (name == "--output") {
        if (*v == "table")
          global.format = OutputFormat::kTable;
        else if (*v == "json")
          global.format = OutputFormat::kJson;
        else if (*v == "csv")
          global.format = OutputFormat::kCsv;
        else
          return UsageError{"--output: table, json or csv"};
      }
      if (name == "--limit" && (!absl::SimpleAtoi(*v, &global.limit) || global.limit < 1)) {
        return UsageError{"--limit: a whole number of at least 1"};
      }
      if (name == "--timeout") {
        int seconds = 0;
        if (!absl::SimpleAtoi(absl::StripSuffix(*v, "s"), &seconds) || seconds < 1 ||
            seconds > 3600) {
          return UsageError{"--timeout: seconds, 1 to 3600"};
        }
        global.client.timeout = absl::Seconds(seconds);
      }
    } else {
      // The command's own option; its value, if it takes one, follows as a plain word.
      rest.push_back(args[i]);
    }
  }
  args = std::move(rest);
  return global;
}

absl::StatusOr<std::string> ReadOptionFile(absl::string_view option, const std::string& file) {
  std::ifstream in(file);
  if (!in) return absl::NotFoundError(absl::StrCat(option, ": cannot read ", file));
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

absl::StatusOr<std::string> LoadKey(const GlobalOptions& global,
                                    const std::function<std::string(const char*)>& env) {
  std::string file = global.key_file;
  if (file.empty()) {
    if (std::string key = env("BRIDGING_API_KEY"); !key.empty()) return key;
    file = env("BRIDGING_KEY_FILE");
  }
  if (file.empty()) return std::string();
  absl::StatusOr<std::string> key = ReadOptionFile("--key-file", file);
  if (!key.ok()) return key.status();
  return std::string(absl::StripAsciiWhitespace(*key));
}

const Command* FindCommand(std::vector<std::string>& words) {
  if (words.empty()) return nullptr;
  for (const Command& command : Commands()) {
    if (command.group != words[0]) continue;
    if (command.verb.empty()) {
      words.erase(words.begin());
      return &command;
    }
    if (words.size() > 1 && command.verb == words[1]) {
      words.erase(words.begin(), words.begin() + 2);
      return &command;
    }
  }
  return nullptr;
}

// Splits the command's words into positional arguments and its options.
std::optional<UsageError> ParseCommandWords(const std::vector<std::string>& words,
                                            Invocation& call) {
  const Command& command = call.command;
  for (size_t i = 0; i < words.size(); ++i) {
    if (!absl::StartsWith(words[i], "--")) {
      call.positional.push_back(words[i]);
      continue;
    }
    std::string name = words[i].substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const Option* option = nullptr;
    for (const Option& o : command.options) {
      if (o.name == name) option = &o;
    }
    if (option == nullptr) {
      return UsageError{absl::StrCat("unknown option --", name), &command};
    }
    if (option->is_switch) {
      call.options[name].push_back(value.value_or("true"));
      continue;
    }
    if (!value) {
      if (i + 1 >= words.size())
        return UsageError{absl::StrCat("--", name, " needs a value"), &command};
      value = words[++i];
    }
    if (!option->repeated && call.options.count(name)) {
      return UsageError{absl::StrCat("--", name, " given twice"), &command};
    }
    call.options[name].push_back(*value);
  }
  size_t needed = 0;
  for (const Argument& argument : command.arguments) {
    if (argument.kind != NameKind::kOwnOrg) ++needed;
  }
  const size_t most = command.arguments.size();
  if (call.positional.size() < needed && !command.run) {
    return UsageError{absl::StrCat(command.arguments[call.positional.size()].name, " is required"),
                      &command};
  }
  if (call.positional.size() > most) {
    return UsageError{absl::StrCat("unexpected \"", call.positional[most], "\""), &command};
  }
  for (const Option& option : command.options) {
    if (option.required && !call.options.count(option.name)) {
      return UsageError{absl::StrCat("--", option.name, " is required"), &command};
    }
  }
  return std::nullopt;
}

// Builds the request from arguments, options and fixed fields, then runs `prepare`.
absl::Status BuildRequest(Invocation& call, const google::protobuf::MethodDescriptor& method,
                          const std::string& request_id) {
  const Command& command = call.command;
  call.request = GatewayClient::NewMessage(*method.input_type());
  google::protobuf::Message& request = *call.request;
  for (const auto& [field, value] : command.fixed) {
    RETURN_IF_ERROR(SetField(request, field, value, field, call.now));
  }
  for (size_t i = 0; i < command.arguments.size(); ++i) {
    const Argument& argument = command.arguments[i];
    const std::string given = i < call.positional.size() ? call.positional[i] : "";
    ASSIGN_OR_RETURN(std::string name, ExpandName(call, argument.kind, given));
    RETURN_IF_ERROR(SetField(request, argument.field, name, argument.name, call.now));
  }
  for (const Option& option : command.options) {
    auto it = call.options.find(option.name);
    if (it == call.options.end() || option.field.empty()) continue;
    for (const std::string& value : it->second) {
      RETURN_IF_ERROR(SetField(request, option.field, value, "--" + option.name, call.now));
    }
  }
  if (const auto* id = request.GetDescriptor()->FindFieldByName("request_id")) {
    // A fresh id per command: the gateway client retries with it, so a retry after a lost
    // answer does the write once. Give --request-id to make re-running the command safe.
    const std::string value = request_id.empty() ? absl::StrCat("cli-", RandomId(24)) : request_id;
    request.GetReflection()->SetString(&request, id, value);
  }
  if (command.prepare) RETURN_IF_ERROR(command.prepare(call));
  return absl::OkStatus();
}

std::string Hint(const absl::Status& status, const GlobalOptions& global) {
  switch (status.code()) {
    case absl::StatusCode::kUnauthenticated:
      return "check your API key (--key-file FILE, or BRIDGING_API_KEY); it may be revoked or "
             "expired";
    case absl::StatusCode::kPermissionDenied:
      return "your key's organisation or role may not do this (bridgectl whoami)";
    case absl::StatusCode::kAborted:
      return "someone changed it since it was read: look at it again and retry";
    case absl::StatusCode::kUnavailable:
      return absl::StrCat("is the suite running? (gateway ", global.client.gateway,
                          "); nothing was lost, retrying is safe");
    case absl::StatusCode::kResourceExhausted:
      return "too many calls at once for your organisation: wait a moment and retry";
    default:
      return "";
  }
}

}  // namespace

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return kExitInvalid;
    case absl::StatusCode::kUnauthenticated:
      return kExitUnauthenticated;
    case absl::StatusCode::kPermissionDenied:
      return kExitPermissionDenied;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kAlreadyExists:
      return kExitConflict;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      return kExitUnavailable;
    case absl::StatusCode::kDataLoss:
      return kExitDataLoss;
    default:
      return kExitFailed;
  }
}

int Run(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err,
        bool interactive, const std::function<std::string(const char*)>& env) {
  std::vector<std::string> words = argv;
  auto parsed = TakeGlobalOptions(words, env);
  if (auto* usage = std::get_if<UsageError>(&parsed)) {
    err << "bridgectl: " << usage->message << "\n";
    return kExitUsage;
  }
  GlobalOptions global = std::get<GlobalOptions>(std::move(parsed));
  if (words.empty() || words[0] == "help") {
    (words.empty() && !global.help ? err : out) << GeneralHelp();
    return words.empty() && !global.help ? kExitUsage : kExitOk;
  }
  const std::string typed =
      absl::StrJoin(words.begin(), words.begin() + std::min<size_t>(2, words.size()), " ");
  const Command* command = FindCommand(words);
  if (command == nullptr) {
    err << "bridgectl: no command \"" << typed << "\"; bridgectl help lists them\n";
    return kExitUsage;
  }
  if (global.help) {
    out << CommandHelp(*command);
    return kExitOk;
  }
  absl::StatusOr<std::string> key = LoadKey(global, env);
  if (!key.ok()) {
    err << "bridgectl: " << key.status().message() << "\n";
    return kExitUsage;
  }
  global.client.api_key = *key;
  if (!global.ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadOptionFile("--ca-file", global.ca_file);
    if (!ca.ok()) {
      err << "bridgectl: " << ca.status().message() << "\n";
      return kExitUsage;
    }
    global.client.tls = true;
    global.client.tls_root_certs = *ca;
  }
  GatewayClient client(global.client);
  Invocation call(*command, client, out, err);
  call.format = global.format;
  call.limit = global.limit;
  call.now = absl::Now();
  call.interactive = interactive;
  if (auto usage = ParseCommandWords(words, call)) {
    err << "bridgectl: " << usage->message << "\nUsage: " << Usage(*command)
        << " [options]   (bridgectl " << command->group << " " << command->verb << " --help)\n";
    return kExitUsage;
  }
  if (key->empty()) {
    err << "bridgectl: no API key: give --key-file FILE, or set BRIDGING_API_KEY\n";
    return kExitUsage;
  }
  absl::Status status;
  if (command->run) {
    status = command->run(call);
  } else {
    absl::StatusOr<const google::protobuf::MethodDescriptor*> method =
        GatewayClient::FindMethod(command->method);
    status = method.status();
    if (status.ok()) status = BuildRequest(call, **method, global.request_id);
    std::unique_ptr<google::protobuf::Message> response;
    if (status.ok()) {
      response = GatewayClient::NewMessage(*(*method)->output_type());
      status = command->fixed.count("page_size")
                   ? client.CallAllPages(**method, *call.request, *response, call.limit)
                   : client.Call(**method, *call.request, *response);
    }
    if (status.ok()) {
      if (command->present) {
        status = command->present(call, *response);
      } else {
        out << Render(*response, call.format, command->columns);
      }
    }
  }
  if (status.ok()) return kExitOk;
  std::string code = absl::AsciiStrToLower(absl::StatusCodeToString(status.code()));
  std::replace(code.begin(), code.end(), '_', ' ');
  err << "bridgectl: " << code << ": " << status.message() << "\n";
  if (std::string hint = Hint(status, global); !hint.empty()) err << "  (" << hint << ")\n";
  return ExitCodeFor(status);
}

}  // namespace bridging::bridgectl
