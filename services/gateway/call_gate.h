// The transport-independent door every call passes, whether it arrived as gRPC or as
// Connect/JSON: find the method, authenticate the caller, authorise against the policy
// declared in the proto (parsing the request just enough to read its resource field), apply
// the caller's limits, pick the backend by service and owner, and audit the outcome.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<AdmittedCall> call,
//                    gate.Admit({.method = path, .authorization = header, .request = bytes}));
//   grpc::ClientContext context;
//   call->PrepareBackendContext(&context, client_deadline);
//   ... forward with call->backend().stub ...
//   call->Finish(status);   // audits once, releases the caller's concurrency slot
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "services/gateway/audit_log.h"
#include "services/gateway/authenticator.h"
#include "services/gateway/caller.h"
#include "services/gateway/limiter.h"
#include "services/gateway/method_table.h"
#include "services/gateway/route_table.h"

namespace bridging::gateway {

struct GateOptions {
  // Larger requests are refused with RESOURCE_EXHAUSTED before they are parsed.
  size_t max_request_bytes = 1024 * 1024;
  // The deadline given to a backend call when the client set none.
  absl::Duration default_deadline = absl::Seconds(30);
  // Client deadlines further away than this are shortened to it.
  absl::Duration max_deadline = absl::Minutes(2);
};

// What a transport knows when a call starts.
struct CallStart {
  // The full method path, e.g. "/bridging.consent.v1.ConsentService/WithdrawConsent".
  absl::string_view method;
  // The Authorization header value ("Bearer <API key or JWT>"); empty when absent.
  absl::string_view authorization;
  // The serialised (binary protobuf) request message.
  absl::string_view request;
};

class CallGate;

// A call the gate let through. Finish() records its outcome; a call destroyed without
// Finish() is recorded as CANCELLED.
class AdmittedCall {
 public:
  ~AdmittedCall();
  AdmittedCall(const AdmittedCall&) = delete;
  AdmittedCall& operator=(const AdmittedCall&) = delete;

  const MethodInfo& method() const { return *method_; }
  const Caller& caller() const { return caller_; }
  const Backend& backend() const { return *backend_; }
  // The resource named by the method's policy field ("" when it names none).
  const std::string& resource() const { return resource_; }

  // Attaches the signed principal (and, for the gateway's own AdminService, the credential)
  // and the deadline: the client's, capped by max_deadline, or default_deadline if none.
  void PrepareBackendContext(grpc::ClientContext* context, absl::Time client_deadline) const;

  // Records the outcome (audit event, metrics) and releases the caller's slot. Idempotent.
  void Finish(const grpc::Status& status);

 private:
  friend class CallGate;
  AdmittedCall() = default;

  const CallGate* gate_ = nullptr;
  const MethodInfo* method_ = nullptr;
  const Backend* backend_ = nullptr;
  Caller caller_;
  std::string resource_;
  std::string request_id_;
  absl::Time start_;
  Limiter::Slot slot_;
  bool finished_ = false;
};

class CallGate {
 public:
  // Every argument must outlive the gate.
  CallGate(const MethodTable& methods, const RouteTable& routes, Authenticator& authenticator,
           Limiter& limiter, AuditLog& audit, const auth::PrincipalCodec& codec,
           prometheus::Registry& registry, GateOptions options = {});

  // Admits one call, or says why not; a refusal is audited before it returns.
  //   UNIMPLEMENTED      the contract has no such method
  //   UNAUTHENTICATED    missing, malformed, unknown, revoked or expired credential
  //   PERMISSION_DENIED  the method declares no policy, the role may not call it, or the
  //                      resource belongs to another organisation
  //   INVALID_ARGUMENT   the request does not parse, or its resource field is empty/malformed
  //   RESOURCE_EXHAUSTED request too large, rate or concurrency limit reached
  //   UNAVAILABLE        no backend routes the service, or the audit log cannot keep up
  absl::StatusOr<std::unique_ptr<AdmittedCall>> Admit(const CallStart& start) const;

  const GateOptions& options() const { return options_; }

 private:
  friend class AdmittedCall;
  // Audits a call that ends here (refused, or finished) and counts it. `method` is null for a
  // path the contract does not define.
  void Record(absl::string_view path, const MethodInfo* method, const Caller* caller,
              absl::string_view resource, absl::string_view request_id, const absl::Status& outcome,
              absl::Time start) const;

  const MethodTable& methods_;
  const RouteTable& routes_;
  Authenticator& authenticator_;
  Limiter& limiter_;
  AuditLog& audit_;
  const auth::PrincipalCodec& codec_;
  GateOptions options_;
  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Histogram& admit_seconds_;
};

// Forwards one unary request through an admitted call and waits for the answer (the
// Connect/JSON path; the gRPC path streams instead). Does not Finish() the call.
grpc::Status ForwardUnary(const AdmittedCall& call, absl::string_view request,
                          absl::Time client_deadline, std::string* response);

}  // namespace bridging::gateway
