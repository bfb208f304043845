// UpdateAction latency at a fixed request rate as a ratio of the same raw Redis commands, same run.
//
// One redis-server (appendonly yes, appendfsync everysec, as the actions Redis runs) serves two
// open-loop phases at the same rate from the same number of client threads, one after another:
//   1. raw Redis through bridging::store::RedisStore: per request the commands UpdateAction
//      sends (GET of the action, LLEN of its history, EVALSHA of a small Lua script doing the
//      compare, SET, ZADD, INCR, RPUSH and XADD of the commit) with the service's own bytes,
//   2. UpdateAction through the in-process actions service, one channel per client, each
//      client changing owner_role on its own actions so no two calls race for one action.
// Latency is measured from each request's scheduled send time, so a stall counts against every
// request queued behind it. Machines running this are noisy, so the ratios matter.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_util.h"
#include "bridging/actions/v1/actions.grpc.pb.h"
#include "libs/auth/principal.h"
#include "libs/common/grpc_status.h"
#include "libs/common/proto_time.h"
#include "libs/server/service_host.h"
#include "libs/store/atomic_write.h"
#include "libs/store/redis_store.h"
#include "libs/store/script.h"
#include "libs/testing/redis_server.h"
#include "services/actions/action_rules.h"
#include "services/actions/action_store.h"
#include "services/actions/actions_service.h"
#include "services/actions/plan_manager.h"

ABSL_FLAG(double, rate, 2000, "Requests per second in each phase, over all clients");
ABSL_FLAG(int, seconds, 5, "Duration of each timed phase (raw Redis, UpdateAction)");
ABSL_FLAG(int, clients, 16, "Client threads in each phase, each with its own connection");
ABSL_FLAG(int, actions, 200, "Actions in the plan, shared out between the clients");
ABSL_FLAG(int, service_pool_size, 16,
          "Redis connections of the actions service (the actions binary's --redis_pool_size "
          "default)");

namespace bridging::bench {
namespace {

namespace v1 = actions::v1;

constexpr char kProgram[] = "actions_update_bench";
constexpr char kPractice[] = "practices/bench";
constexpr absl::Duration kWarmUp = absl::Seconds(1);
// Each update swaps an action's owner_role between these two, so none is a no-op.
constexpr const char* kOwnerRoles[2] = {"practice manager", "reception lead"};
// A description of a realistic length: it makes a stored action about 600 bytes.
constexpr char kDescription[] =
    "Patients who have experienced trauma told the co-production group that a ten-minute first "
    "appointment felt rushed and that repeating their history to several members of staff was "
    "distressing. Offer a twenty-minute first appointment with a named clinician, let patients "
    "choose a chaperone and a quiet place to wait, and record their preferences so that they "
    "do not have to explain them again at later visits.";

// The commands of one UpdateAction commit (services/actions/plan_manager.cc ChangeAction, run
// by libs/store/atomic_write.cc) written out for one fixed shape, without the generic op list.
// KEYS: action, plan index, sequence, history, outbox. ARGV: expected bytes, new bytes, score,
// member, history entry, outbox kind, subject, payload.
constexpr char kRawCommitLua[] = R"lua(
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
local seq = redis.call('INCR', KEYS[3])
redis.call('RPUSH', KEYS[4], seq .. ':' .. ARGV[5])
redis.call('XADD', KEYS[5], '*', 'seq', seq, 'kind', ARGV[6], 'subject', ARGV[7], 'payload',
           ARGV[8])
return seq
)lua";

// --- the actions service, in-process ----------------------------------------------------------

// The actions service wired as services/actions/main.cc wires it, without metrics.
// Members are destroyed in reverse order: the host stops before what it serves goes away.
struct ActionsService {
  std::unique_ptr<store::RedisStore> store;
  std::unique_ptr<auth::PrincipalCodec> codec;
  std::unique_ptr<actions::PlanManager> manager;
  std::unique_ptr<actions::ActionPlanServiceImpl> service;
  std::unique_ptr<server::ServiceHost> host;

  ~ActionsService() {
    if (host) host->Shutdown();
  }
};

absl::StatusOr<std::unique_ptr<ActionsService>> StartActionsService(int redis_port, int pool_size) {
  auto s = std::make_unique<ActionsService>();
  s->store = ServiceStore(redis_port, pool_size);
  s->codec = std::make_unique<auth::PrincipalCodec>(std::string(48, 'k'));
  s->manager = std::make_unique<actions::PlanManager>(*s->store, [] { return absl::Now(); });
  s->service = std::make_unique<actions::ActionPlanServiceImpl>(s->manager.get(), s->codec.get());
  absl::StatusOr<std::unique_ptr<server::ServiceHost>> host =
      StartHost("actions", {s->service.get()}, s->store.get());
  if (!host.ok()) return host.status();
  s->host = std::move(*host);
  return s;
}

// One action as its client last saw it.
struct OwnAction {
  std::string name;
  std::string etag;  // from the client's last UpdateAction (or CreateAction)
  int owner = 0;     // index into kOwnerRoles of its current owner_role
};

// One benchmark client: its own channel (so its own HTTP/2 connection) and stub, and the
// actions only it updates, so the etag it keeps stays valid.
struct Client {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::ActionPlanService::Stub> stub;
  std::vector<OwnAction> actions;
};

std::unique_ptr<grpc::ClientContext> PracticeContext(const auth::PrincipalCodec& codec) {
  return CallContext(codec, {kPractice, common::v1::ROLE_PRACTICE});
}

absl::Status Described(const grpc::Status& status, absl::string_view what) {
  return absl::Status(FromGrpcStatus(status).code(),
                      absl::StrCat(what, ": ", status.error_message()));
}

// Swaps the action's owner_role with the etag the client holds. After a failure the action is
// read again (its etag may have moved if the failed call committed after all).
absl::Status UpdateOwnerRole(Client& client, OwnAction& action, const auth::PrincipalCodec& codec) {
  v1::UpdateActionRequest request;
  request.mutable_action()->set_name(action.name);
  request.mutable_action()->set_owner_role(kOwnerRoles[1 - action.owner]);
  request.mutable_update_mask()->add_paths("owner_role");
  request.set_etag(action.etag);
  request.set_actor_role("practice manager");
  v1::Action updated;
  const grpc::Status status =
      client.stub->UpdateAction(PracticeContext(codec).get(), request, &updated);
  if (status.ok()) {
    action.etag = updated.etag();
    action.owner = 1 - action.owner;
    return absl::OkStatus();
  }
  v1::GetActionRequest get;
  get.set_name(action.name);
  v1::Action current;
  if (client.stub->GetAction(PracticeContext(codec).get(), get, &current).ok()) {
    action.etag = current.etag();
    action.owner = current.owner_role() == kOwnerRoles[1] ? 1 : 0;
  }
  return Described(status, absl::StrCat("UpdateAction ", action.name));
}

// Opens one channel per client, creates the plan and `action_count` actions through them (action
// j belongs to client j % count), so connections are open before the warm-up.
absl::StatusOr<std::vector<Client>> PrepareClients(int port, int count, int action_count,
                                                   const auth::PrincipalCodec& codec,
                                                   std::string* plan_name) {
  std::vector<Client> clients(count);
  for (int i = 0; i < count; ++i) {
    clients[i].channel = OwnChannel(port, i);
    clients[i].stub = v1::ActionPlanService::NewStub(clients[i].channel);
  }
  v1::CreatePlanRequest create_plan;
  create_plan.set_parent(kPractice);
  create_plan.mutable_plan()->set_title("Trauma-informed access 2026/27");
  v1::Plan plan;
  const grpc::Status created =
      clients[0].stub->CreatePlan(PracticeContext(codec).get(), create_plan, &plan);
  if (!created.ok()) return Described(created, "CreatePlan");
  *plan_name = plan.name();

  const common::v1::Date due = ToDate(TodayUtc(absl::Now()) + 90);
  for (int j = 0; j < action_count; ++j) {
    Client& owner = clients[j % count];
    v1::CreateActionRequest request;
    request.set_parent(plan.name());
    request.set_actor_role("practice manager");
    v1::Action* a = request.mutable_action();
    a->set_title(absl::StrCat("Offer a longer first appointment (", j, ")"));
    a->set_description(kDescription);
    a->set_principle(common::v1::PRINCIPLE_SAFETY);
    a->set_area(common::v1::AREA_APPOINTMENTS);
    a->set_owner_role(kOwnerRoles[0]);
    a->set_source(v1::ACTION_SOURCE_CO_PRODUCTION_GROUP);
    *a->mutable_due_date() = due;
    v1::Action action;
    const grpc::Status s = owner.stub->CreateAction(PracticeContext(codec).get(), request, &action);
    if (!s.ok()) return Described(s, absl::StrCat("CreateAction ", j));
    owner.actions.push_back({action.name(), action.etag(), 0});
  }
  return clients;
}

// --- the raw Redis equivalent -----------------------------------------------------------------

// One action's keys and bytes for the raw phase, copied from the service's own data.
struct RawAction {
  std::string key;          // holds the action bytes
  std::string history_key;  // gets one entry per update
  std::string member;       // the action id in the plan index
  std::string score;        // its due-day score
  std::string subject;      // the action name, as the outbox event's subject
  std::string values[2];    // two encodings of the same size; each update swaps them
  std::string entry;        // a history entry as UpdateAction writes it
};

struct RawKeys {
  std::string plan_index = "bench:plan_actions";
  std::string sequence = "bench:sequence";
  std::string outbox = "bench:outbox";
};

// Copies each client's actions (bytes, latest history entry, score) under bench: keys, so
// the raw phase moves the same bytes as UpdateAction does.
absl::StatusOr<std::vector<std::vector<RawAction>>> PrepareRaw(store::Store& store,
                                                               const std::vector<Client>& clients,
                                                               const std::string& plan,
                                                               const RawKeys& raw_keys) {
  std::vector<std::vector<RawAction>> raw(clients.size());
  for (size_t c = 0; c < clients.size(); ++c) {
    for (const OwnAction& action : clients[c].actions) {
      const std::string id = action.name.substr(action.name.rfind('/') + 1);
      absl::StatusOr<std::vector<store::Reply>> read =
          store.Pipeline({{"GET", actions::keys::Action(action.name)},
                          {"LINDEX", actions::keys::History(action.name), "-1"},
                          {"ZSCORE", actions::keys::PlanActions(plan), id}});
      if (!read.ok()) return read.status();
      int64_t sequence = 0;
      absl::string_view entry;
      if ((*read)[0].is_nil() || !store::SplitSequenced((*read)[1].str, &sequence, &entry)) {
        return absl::InternalError(absl::StrCat("no stored action or history for ", action.name));
      }
      RawAction a;
      a.key = absl::StrCat("bench:action:", action.name);
      a.history_key = absl::StrCat("bench:history:", action.name);
      a.member = id;
      a.score = (*read)[2].str;
      a.subject = action.name;
      a.values[0] = (*read)[0].str;
      a.values[1] = a.values[0];
      a.values[1].back() ^= 1;  // Redis compares bytes; the content does not matter to it
      a.entry = std::string(entry);
      absl::StatusOr<std::vector<store::Reply>> written = store.Pipeline(
          {{"SET", a.key, a.values[0]}, {"ZADD", raw_keys.plan_index, a.score, a.member}});
      if (!written.ok()) return written.status();
      raw[c].push_back(std::move(a));
    }
  }
  return raw;
}

// What UpdateAction sends to Redis for one update, through our pool: GET the action, LLEN its
// history, then the commit script with the compare-and-set on the bytes just read.
absl::Status RawUpdate(store::Store& store, const RawKeys& keys, const RawAction& a) {
  static const store::Script* script = new store::Script(kRawCommitLua);
  absl::StatusOr<store::Reply> current = store.Command({"GET", a.key});
  if (!current.ok()) return current.status();
  absl::StatusOr<store::Reply> length = store.Command({"LLEN", a.history_key});
  if (!length.ok()) return length.status();
  const std::string& next = current->str == a.values[0] ? a.values[1] : a.values[0];
  absl::StatusOr<store::Reply> committed = store.RunScript(
      *script, {a.key, keys.plan_index, keys.sequence, a.history_key, keys.outbox},
      {current->str, next, a.score, a.member, a.entry, "action.updated", a.subject, next});
  if (!committed.ok()) return committed.status();
  if (committed->integer <= 0) return absl::AbortedError(absl::StrCat(a.key, " changed"));
  return absl::OkStatus();
}

// --- output -----------------------------------------------------------------------------------

const TextTable& ResultTable() {
  static const TextTable* table = new TextTable({{"measure", 31, true},
                                                 {"calls", 7},
                                                 {"errors", 6},
                                                 {"secs", 5},
                                                 {"ops/s", 6},
                                                 {"p50 ms", 7},
                                                 {"p99 ms", 7},
                                                 {"p99.9 ms", 8},
                                                 {"sent late p99 ms", 16},
                                                 {"p50 vs raw", 10, false, 2},
                                                 {"p99 vs raw", 10},
                                                 {"ops/s vs raw", 12}});
  return *table;
}

double Ratio(const std::optional<double>& a, const std::optional<double>& b) {
  return a.has_value() && b.has_value() && *b > 0 ? *a / *b : 0;
}

void PrintRow(const Measurement& m, const Measurement& raw) {
  ResultTable().PrintRow({m.name, absl::StrCat(m.calls), absl::StrCat(m.failures),
                          absl::StrFormat("%.2f", m.seconds),
                          absl::StrFormat("%.0f", m.ops_per_second), OrDash(m.p50_ms),
                          OrDash(m.p99_ms), OrDash(m.p999_ms), OrDash(m.late_p99_ms),
                          absl::StrFormat("%.2f", Ratio(m.p50_ms, raw.p50_ms)),
                          absl::StrFormat("%.2f", Ratio(m.p99_ms, raw.p99_ms)),
                          absl::StrFormat("%.3f", Ratio(m.ops_per_second, raw.ops_per_second))});
}

// The Redis commands a phase ran per successful request (the point: both phases run the same
// ones), leaving out the readiness PINGs and this program's own CONFIG and INFO.
void PrintCommandsPerRequest(const Measurement& m) {
  std::vector<std::pair<std::string, int64_t>> calls = m.redis_calls;
  std::sort(calls.begin(), calls.end());
  std::vector<std::string> shown;
  for (const auto& [name, count] : calls) {
    if (absl::StartsWith(name, "config") || name == "info" || name == "ping") continue;
    shown.push_back(absl::StrFormat("%s %.2f", name,
                                    static_cast<double>(count) / std::max<double>(m.calls, 1)));
  }
  absl::PrintF("%-31s %s\n", m.name, absl::StrJoin(shown, ", "));
}

// Says so if the phase's clients fell so far behind that they gave up on some requests: its
// latencies then understate the queueing, and its throughput is below the rate.
void ReportBehind(const Measurement& m) {
  if (m.missed == 0) return;
  absl::PrintF("BEHIND: \"%s\" never sent %d scheduled requests; lower --rate\n", m.name, m.missed);
}

int Run() {
  const double rate = absl::GetFlag(FLAGS_rate);
  const int seconds = absl::GetFlag(FLAGS_seconds);
  const int clients = absl::GetFlag(FLAGS_clients);
  const int action_count = absl::GetFlag(FLAGS_actions);
  const int pool_size = absl::GetFlag(FLAGS_service_pool_size);
  if (!(rate > 0) || seconds < 1 || clients < 1 || action_count < clients ||
      action_count > actions::kMaxActionsPerPlan || pool_size < 1) {
    return Fail(kProgram, absl::InvalidArgumentError(absl::StrCat(
                              "want --rate > 0, --seconds >= 1, --clients >= 1, --clients <= "
                              "--actions <= ",
                              actions::kMaxActionsPerPlan, " and --service_pool_size >= 1")));
  }
  OpenLoopOptions load;
  load.rate = rate;
  load.clients = clients;
  load.duration = absl::Seconds(seconds);
  OpenLoopOptions warm_up = load;
  warm_up.duration = kWarmUp;

  // Started from the main thread, which outlives it (see RedisServer on PR_SET_PDEATHSIG).
  testing::RedisServerOptions redis_options;
  redis_options.appendfsync = "everysec";
  // No background AOF rewrite (a fork plus a rewrite competing for the disk) in the middle of
  // one phase but not the other.
  redis_options.extra_config = {{"auto-aof-rewrite-percentage", "0"}};
  absl::StatusOr<std::unique_ptr<testing::RedisServer>> redis =
      testing::RedisServer::Start(redis_options);
  if (!redis.ok()) return Fail(kProgram, redis.status());
  const int redis_port = (*redis)->port();
  const pid_t redis_pid = (*redis)->pid();

  // The raw phase's pool: one connection per client thread, as each gRPC client has its own.
  store::RedisOptions store_options;
  store_options.port = redis_port;
  store_options.pool_size = clients;
  std::unique_ptr<store::RedisStore> direct = store::RedisStore::Create(store_options);
  absl::StatusOr<std::string> redis_version =
      CheckRedisConfig(*direct, {{"appendonly", "yes"}, {"appendfsync", "everysec"}});
  if (!redis_version.ok()) return Fail(kProgram, redis_version.status());

  // The service, its plan and actions, and an untimed warm-up at the full rate.
  absl::StatusOr<std::unique_ptr<ActionsService>> service =
      StartActionsService(redis_port, pool_size);
  if (!service.ok()) return Fail(kProgram, service.status());
  const auth::PrincipalCodec& codec = *(*service)->codec;
  std::string plan;
  absl::StatusOr<std::vector<Client>> grpc_clients =
      PrepareClients((*service)->host->port(), clients, action_count, codec, &plan);
  if (!grpc_clients.ok()) return Fail(kProgram, grpc_clients.status());
  auto update_action = [&](int c, int64_t i) {
    Client& client = (*grpc_clients)[c];
    return UpdateOwnerRole(client, client.actions[i % client.actions.size()], codec);
  };
  if (ReportFailures(RunOpenLoop("UpdateAction warm-up", warm_up, update_action))) return 1;

  // The same commands with the same bytes, through our pool, and their warm-up.
  const RawKeys raw_keys;
  absl::StatusOr<std::vector<std::vector<RawAction>>> raw =
      PrepareRaw(*direct, *grpc_clients, plan, raw_keys);
  if (!raw.ok()) return Fail(kProgram, raw.status());
  auto raw_update = [&](int c, int64_t i) {
    const std::vector<RawAction>& mine = (*raw)[c];
    return RawUpdate(*direct, raw_keys, mine[i % mine.size()]);
  };
  if (ReportFailures(RunOpenLoop("raw Redis warm-up", warm_up, raw_update))) return 1;

  absl::PrintF(
      "machine: nproc %d; redis-server %s at %s (appendonly yes, appendfsync everysec, "
      "dir %s)\n",
      static_cast<int>(std::thread::hardware_concurrency()), *redis_version, (*redis)->address(),
      (*redis)->dir());
  absl::PrintF(
      "phases: %d actions of %d bytes, up to %d per client; %.0f requests/s from %d clients, "
      "open loop, latency from each request's scheduled send time; %d s of raw Redis, then %d s "
      "of UpdateAction\n\n",
      action_count, static_cast<int>((*raw)[0][0].values[0].size()),
      (action_count + clients - 1) / clients, rate, clients, seconds, seconds);
  std::fflush(stdout);

  // 1. The raw Redis commands.
  if (absl::Status s = ResetCommandStats(*direct); !s.ok()) return Fail(kProgram, s);
  CpuSample before = SampleCpu(redis_pid);
  Measurement raw_phase = RunOpenLoop("raw Redis: GET, LLEN, EVALSHA", load, raw_update);
  AttributeCpu(before, SampleCpu(redis_pid), /*caller_is_child=*/false, &raw_phase);
  if (absl::Status s = ReadCommandStats(*direct, "evalsha", &raw_phase); !s.ok()) {
    return Fail(kProgram, s);
  }

  // 2. UpdateAction through the service.
  if (absl::Status s = ResetCommandStats(*direct); !s.ok()) return Fail(kProgram, s);
  before = SampleCpu(redis_pid);
  Measurement update = RunOpenLoop("UpdateAction via gRPC", load, update_action);
  AttributeCpu(before, SampleCpu(redis_pid), /*caller_is_child=*/false, &update);
  if (absl::Status s = ReadCommandStats(*direct, "evalsha", &update); !s.ok()) {
    return Fail(kProgram, s);
  }
  grpc_clients->clear();
  service->reset();  // stops the host before Redis goes away

  absl::PrintF(
      "actions UpdateAction at %.0f requests/s (%d clients, open loop, appendfsync "
      "everysec)\n",
      rate, clients);
  ResultTable().PrintHeader();
  PrintRow(raw_phase, raw_phase);
  PrintRow(update, raw_phase);
  absl::PrintF("\n");
  PrintCpuTable({&raw_phase, &update});
  absl::PrintF("\nRedis commands per request (INFO commandstats; those run by scripts included)\n");
  PrintCommandsPerRequest(raw_phase);
  PrintCommandsPerRequest(update);
  PrintNoisyWarnings({&raw_phase, &update});
  ReportBehind(raw_phase);
  ReportBehind(update);
  absl::PrintF("RATIO actions_update_p50_vs_raw=%.2f actions_update_p99_vs_raw=%.2f\n",
               Ratio(update.p50_ms, raw_phase.p50_ms), Ratio(update.p99_ms, raw_phase.p99_ms));

  const bool raw_failed = ReportFailures(raw_phase);
  const bool update_failed = ReportFailures(update);
  return raw_failed || update_failed ? 1 : 0;
}

}  // namespace
}  // namespace bridging::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return bridging::bench::Run();
}
