// The gRPC adapter of bridging.gateway.v1.AdminService: each handler checks the forwarded
// principal against the method's declared policy, then calls the key registry or the audit
// log. It runs on the gateway's in-process server, reached only through the CallGate.
#pragma once

#include "bridging/gateway/v1/admin.grpc.pb.h"
#include "libs/auth/policy.h"
#include "services/gateway/audit_log.h"
#include "services/gateway/key_registry.h"

namespace bridging::gateway {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  AdminServiceImpl(KeyRegistry* keys, const AuditLog* audit, const auth::PrincipalCodec* codec);

  grpc::Status CreateOrganization(grpc::ServerContext* context,
                                  const v1::CreateOrganizationRequest* request,
                                  v1::Organization* response) override;
  grpc::Status GetOrganization(grpc::ServerContext* context,
                               const v1::GetOrganizationRequest* request,
                               v1::Organization* response) override;
  grpc::Status ListOrganizations(grpc::ServerContext* context,
                                 const v1::ListOrganizationsRequest* request,
                                 v1::ListOrganizationsResponse* response) override;
  grpc::Status CreateApiKey(grpc::ServerContext* context, const v1::CreateApiKeyRequest* request,
                            v1::CreateApiKeyResponse* response) override;
  grpc::Status ListApiKeys(grpc::ServerContext* context, const v1::ListApiKeysRequest* request,
                           v1::ListApiKeysResponse* response) override;
  grpc::Status RevokeApiKey(grpc::ServerContext* context, const v1::RevokeApiKeyRequest* request,
                            v1::ApiKey* response) override;
  grpc::Status WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest* request,
                      v1::WhoAmIResponse* response) override;
  grpc::Status ListAuditEvents(grpc::ServerContext* context,
                               const v1::ListAuditEventsRequest* request,
                               v1::ListAuditEventsResponse* response) override;

 private:
  KeyRegistry* keys_;
  const AuditLog* audit_;
  auth::PolicyEnforcer enforcer_;
};

}  // namespace bridging::gateway
