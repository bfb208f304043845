// Implements AdminService: each handler is ServeUnary(policy check, registry or audit call).
#include "services/gateway/admin_service.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "libs/common/proto_time.h"
#include "libs/server/unary_handler.h"
#include "services/gateway/caller.h"

namespace bridging::gateway {
namespace {

using server::ServeUnary;

// Reads what the gate said about the credential (see kCredentialHeader).
void ReadCredential(const grpc::ServerContext& context, v1::WhoAmIResponse* response) {
  auto it = context.client_metadata().find(kCredentialHeader);
  if (it == context.client_metadata().end()) return;
  std::vector<std::string> parts = absl::StrSplit(
      absl::string_view(it->second.data(), it->second.size()), absl::MaxSplits(';', 2));
  if (parts.size() != 3) return;
  v1::CredentialType type = v1::CREDENTIAL_TYPE_UNSPECIFIED;
  if (v1::CredentialType_Parse(parts[0], &type)) response->set_credential_type(type);
  int64_t expire = 0;
  if (absl::SimpleAtoi(parts[1], &expire)) {
    *response->mutable_expire_time() = ToTimestamp(absl::FromUnixSeconds(expire));
  }
  if (type == v1::CREDENTIAL_TYPE_API_KEY) response->set_api_key(parts[2]);
}

}  // namespace

AdminServiceImpl::AdminServiceImpl(KeyRegistry* keys, const AuditLog* audit,
                                   const auth::PrincipalCodec* codec)
    : keys_(keys), audit_(audit), enforcer_(v1::AdminService::service_full_name(), codec) {}

grpc::Status AdminServiceImpl::CreateOrganization(grpc::ServerContext* context,
                                                  const v1::CreateOrganizationRequest* request,
                                                  v1::Organization* response) {
  return ServeUnary(enforcer_, context, "CreateOrganization", *request, response,
                    [&](const auth::Principal& caller) {
                      return keys_->CreateOrganization(*request, caller.organization);
                    });
}

grpc::Status AdminServiceImpl::GetOrganization(grpc::ServerContext* context,
                                               const v1::GetOrganizationRequest* request,
                                               v1::Organization* response) {
  return ServeUnary(
      enforcer_, context, "GetOrganization", *request, response,
      [&](const auth::Principal&) { return keys_->GetOrganization(request->name()); });
}

grpc::Status AdminServiceImpl::ListOrganizations(grpc::ServerContext* context,
                                                 const v1::ListOrganizationsRequest* request,
                                                 v1::ListOrganizationsResponse* response) {
  return ServeUnary(enforcer_, context, "ListOrganizations", *request, response,
                    [&](const auth::Principal&) { return keys_->ListOrganizations(*request); });
}

grpc::Status AdminServiceImpl::CreateApiKey(grpc::ServerContext* context,
                                            const v1::CreateApiKeyRequest* request,
                                            v1::CreateApiKeyResponse* response) {
  return ServeUnary(enforcer_, context, "CreateApiKey", *request, response,
                    [&](const auth::Principal& caller) {
                      return keys_->CreateApiKey(*request, caller.organization);
                    });
}

grpc::Status AdminServiceImpl::ListApiKeys(grpc::ServerContext* context,
                                           const v1::ListApiKeysRequest* request,
                                           v1::ListApiKeysResponse* response) {
  return ServeUnary(enforcer_, context, "ListApiKeys", *request, response,
                    [&](const auth::Principal&) { return keys_->ListApiKeys(*request); });
}

grpc::Status AdminServiceImpl::RevokeApiKey(grpc::ServerContext* context,
                                            const v1::RevokeApiKeyRequest* request,
                                            v1::ApiKey* response) {
  return ServeUnary(enforcer_, context, "RevokeApiKey", *request, response,
                    [&](const auth::Principal& caller) {
                      return keys_->RevokeApiKey(*request, caller.organization);
                    });
}

grpc::Status AdminServiceImpl::WhoAmI(grpc::ServerContext* context,
                                      const v1::WhoAmIRequest* request,
                                      v1::WhoAmIResponse* response) {
  return ServeUnary(enforcer_, context, "WhoAmI", *request, response,
                    [&](const auth::Principal& caller) -> absl::StatusOr<v1::WhoAmIResponse> {
                      v1::WhoAmIResponse who;
                      who.set_organization(caller.organization);
                      who.set_role(caller.role);
                      ReadCredential(*context, &who);
                      // A JWT may name an organisation the registry does not list.
                      auto organization = keys_->GetOrganization(caller.organization);
                      if (organization.ok()) {
                        who.set_organization_display_name(organization->display_name());
                      } else if (absl::IsUnavailable(organization.status())) {
                        return organization.status();
                      }
                      return who;
                    });
}

grpc::Status AdminServiceImpl::ListAuditEvents(grpc::ServerContext* context,
                                               const v1::ListAuditEventsRequest* request,
                                               v1::ListAuditEventsResponse* response) {
  return ServeUnary(
      enforcer_, context, "ListAuditEvents", *request, response,
      [&](const auth::Principal& caller) -> absl::StatusOr<v1::ListAuditEventsResponse> {
        // The policy lets admins name any parent; "-" (every event) is theirs only.
        if (request->parent() == "-" && caller.role != common::v1::ROLE_ADMIN) {
          return absl::PermissionDeniedError("only operators may read every event");
        }
        return audit_->List(*request);
      });
}

}  // namespace bridging::gateway
