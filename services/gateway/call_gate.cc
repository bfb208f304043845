// Implements the gate: method lookup, authentication, declared authorisation, limits,
// routing by owner, and the audit of every outcome.
#include "services/gateway/call_gate.h"

#include <grpcpp/support/byte_buffer.h>

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "bridging/gateway/v1/admin.grpc.pb.h"
#include "libs/auth/policy.h"
#include "libs/common/grpc_status.h"
#include "libs/common/proto_time.h"
#include "libs/common/resource_name.h"
#include "services/gateway/request_fields.h"

namespace bridging::gateway {
namespace {

// Attacker-controlled strings go into the audit log bounded.
std::string Bounded(absl::string_view value, size_t limit) {
  return std::string(value.substr(0, limit));
}

// A read-only share grant lives with the owner's data (the actions service), which the
// gateway may not read. So for methods that accept a share, the gateway lets the call reach
// the owner's backend, which checks the grant against the forwarded principal and refuses
// with PERMISSION_DENIED when there is none.
absl::StatusOr<bool> DeferShareCheckToOwner(absl::string_view, absl::string_view) { return true; }

}  // namespace

CallGate::CallGate(const MethodTable& methods, const RouteTable& routes,
                   Authenticator& authenticator, Limiter& limiter, AuditLog& audit,
                   const auth::PrincipalCodec& codec, prometheus::Registry& registry,
                   GateOptions options)
    : methods_(methods),
      routes_(routes),
      authenticator_(authenticator),
      limiter_(limiter),
      audit_(audit),
      codec_(codec),
      options_(options),
      calls_(prometheus::BuildCounter()
                 .Name("bridging_gateway_calls_total")
                 .Help("Calls through the gateway by method and outcome code")
                 .Register(registry)),
      admit_seconds_(
          prometheus::BuildHistogram()
              .Name("bridging_gateway_admit_seconds")
              .Help("Time to authenticate, authorise, limit and route a call")
              .Register(registry)
              .Add({}, prometheus::Histogram::BucketBoundaries{0.00002, 0.00005, 0.0001, 0.0002,
                                                               0.0005, 0.001, 0.005, 0.02, 0.1})) {}

absl::StatusOr<std::unique_ptr<AdmittedCall>> CallGate::Admit(const CallStart& start) const {
  const absl::Time started = absl::Now();
  const MethodInfo* method = methods_.Find(start.method);
  if (method == nullptr) {
    absl::Status refused = absl::UnimplementedError("the gateway serves no such method");
    Record(start.method, nullptr, nullptr, "", "", refused, started);
    return refused;
  }
  auto refuse = [&](const Caller* caller, absl::string_view resource, absl::string_view request_id,
                    absl::Status status) {
    Record(method->path, method, caller, resource, request_id, status, started);
    return status;
  };
  if (start.request.size() > options_.max_request_bytes) {
    return refuse(nullptr, "", "",
                  absl::ResourceExhaustedError(absl::StrCat("request of ", start.request.size(),
                                                            " bytes is over the limit of ",
                                                            options_.max_request_bytes)));
  }
  if (absl::Status accepting = audit_.CheckAccepting(); !accepting.ok()) {
    return refuse(nullptr, "", "", accepting);
  }
  absl::StatusOr<Caller> caller = authenticator_.Authenticate(start.authorization);
  if (!caller.ok()) return refuse(nullptr, "", "", caller.status());

  std::string request_id;
  if (method->request_id_field != 0) {
    const int path[] = {method->request_id_field};
    request_id = ReadStringAtPath(start.request, path).value_or("");
  }
  if (!method->has_policy) {
    return refuse(&*caller, "", request_id,
                  absl::PermissionDeniedError(
                      absl::StrCat(method->path, " declares no usable policy and is refused")));
  }
  absl::StatusOr<std::string> resource = ReadStringAtPath(start.request, method->resource_path);
  if (!resource.ok()) return refuse(&*caller, "", request_id, resource.status());
  if (absl::Status allowed = auth::CheckPolicyOnResource(method->policy, caller->principal,
                                                         *resource, DeferShareCheckToOwner);
      !allowed.ok()) {
    return refuse(&*caller, *resource, request_id, allowed);
  }
  absl::StatusOr<Limiter::Slot> slot = limiter_.Acquire(caller->principal.organization, started);
  if (!slot.ok()) return refuse(&*caller, *resource, request_id, slot.status());
  const Backend* backend = routes_.Resolve(method->service, OwnerOf(*resource));
  if (backend == nullptr) {
    return refuse(&*caller, *resource, request_id,
                  absl::UnavailableError(absl::StrCat("no backend serves ", method->service)));
  }

  std::unique_ptr<AdmittedCall> call(new AdmittedCall());
  call->gate_ = this;
  call->method_ = method;
  call->backend_ = backend;
  call->caller_ = *std::move(caller);
  call->resource_ = *std::move(resource);
  call->request_id_ = std::move(request_id);
  call->start_ = started;
  call->slot_ = *std::move(slot);
  admit_seconds_.Observe(absl::ToDoubleSeconds(absl::Now() - started));
  return call;
}

void CallGate::Record(absl::string_view path, const MethodInfo* method, const Caller* caller,
                      absl::string_view resource, absl::string_view request_id,
                      const absl::Status& outcome, absl::Time start) const {
  const absl::Time now = absl::Now();
  v1::AuditEvent event;
  if (caller != nullptr) {
    event.set_caller_organization(caller->principal.organization);
    event.set_caller_role(caller->principal.role);
    if (caller->credential_type == v1::CREDENTIAL_TYPE_API_KEY) {
      event.set_api_key(caller->credential_name);
    }
  }
  event.set_method(Bounded(path, 200));
  event.set_resource(Bounded(resource, 300));
  event.set_outcome_code(static_cast<int32_t>(outcome.code()));
  event.set_mutating(method != nullptr && method->policy.mutating());
  event.set_request_id(Bounded(request_id, 64));
  *event.mutable_event_time() = ToTimestamp(start);
  *event.mutable_latency() = ToDuration(now - start);
  audit_.Record(std::move(event));

  calls_
      .Add({{"method", method != nullptr ? method->path : "unknown"},
            {"code", absl::StatusCodeToString(outcome.code())}})
      .Increment();
}

AdmittedCall::~AdmittedCall() { Finish(grpc::Status(grpc::StatusCode::CANCELLED, "abandoned")); }

void AdmittedCall::PrepareBackendContext(grpc::ClientContext* context,
                                         absl::Time client_deadline) const {
  const absl::Time now = absl::Now();
  const GateOptions& options = gate_->options();
  const absl::Time deadline = client_deadline == absl::InfiniteFuture()
                                  ? now + options.default_deadline
                                  : std::min(client_deadline, now + options.max_deadline);
  context->set_deadline(absl::ToChronoTime(deadline));
  gate_->codec_.Attach(caller_.principal, context);
  if (method_->service == v1::AdminService::service_full_name()) {
    // Only the gateway's in-process AdminService reads this: what WhoAmI reports.
    context->AddMetadata(
        kCredentialHeader,
        absl::StrCat(v1::CredentialType_Name(caller_.credential_type), ";",
                     absl::ToUnixSeconds(caller_.expire_time), ";", caller_.credential_name));
  }
}

void AdmittedCall::Finish(const grpc::Status& status) {
  if (finished_) return;
  finished_ = true;
  slot_.Release();
  gate_->Record(
      method_->path, method_, &caller_, resource_, request_id_,
      absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message()),
      start_);
}

grpc::Status ForwardUnary(const AdmittedCall& call, absl::string_view request,
                          absl::Time client_deadline, std::string* response) {
  grpc::ClientContext context;
  call.PrepareBackendContext(&context, client_deadline);
  grpc::Slice slice(request.data(), request.size());
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  absl::Notification done;
  grpc::Status status;
  call.backend().stub->UnaryCall(&context, call.method().path, grpc::StubOptions(), &request_buffer,
                                 &response_buffer, [&](grpc::Status s) {
                                   status = std::move(s);
                                   done.Notify();
                                 });
  done.WaitForNotification();
  if (!status.ok()) return status;
  std::vector<grpc::Slice> slices;
  if (!response_buffer.Dump(&slices).ok()) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "unreadable backend response");
  }
  response->clear();
  for (const grpc::Slice& s : slices) {
    response->append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return grpc::Status::OK;
}

}  // namespace bridging::gateway
