// Reads TLS files once and builds gRPC server and channel credentials from them.
#include "libs/server/tls.h"

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <fstream>
#include <iterator>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace bridging::server {

absl::StatusOr<std::string> ReadPemFile(const std::string& path, const std::string& flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::FailedPreconditionError(absl::StrCat(flag, ": cannot read ", path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!absl::StrContains(text, "-----BEGIN ")) {
    return absl::FailedPreconditionError(absl::StrCat(flag, ": ", path, " is not PEM"));
  }
  return text;
}

absl::StatusOr<std::optional<TlsMaterial>> LoadTls(const TlsFiles& files,
                                                   const std::string& flag_prefix,
                                                   bool ca_optional) {
  const bool any = !files.cert_file.empty() || !files.key_file.empty() || !files.ca_file.empty();
  if (!any) return std::nullopt;
  const std::string cert_flag = flag_prefix + "_cert_file";
  const std::string key_flag = flag_prefix + "_key_file";
  const std::string ca_flag = flag_prefix + "_ca_file";
  if (files.cert_file.empty() || files.key_file.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(cert_flag, " and ", key_flag, " go together"));
  }
  if (files.ca_file.empty() && !ca_optional) {
    return absl::FailedPreconditionError(
        absl::StrCat(ca_flag, " is required with ", cert_flag, ": it verifies the peers"));
  }
  TlsMaterial material;
  absl::StatusOr<std::string> cert = ReadPemFile(files.cert_file, cert_flag);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPemFile(files.key_file, key_flag);
  if (!key.ok()) return key.status();
  material.cert_pem = *std::move(cert);
  material.key_pem = *std::move(key);
  if (!files.ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadPemFile(files.ca_file, ca_flag);
    if (!ca.ok()) return ca.status();
    material.ca_pem = *std::move(ca);
  }
  return material;
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentials(const std::optional<TlsMaterial>& tls,
                                                           bool require_client_cert) {
  if (!tls.has_value()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(
      require_client_cert ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                          : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_root_certs = require_client_cert ? tls->ca_pem : "";
  options.pem_key_cert_pairs.push_back({tls->key_pem, tls->cert_pem});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials(
    const std::optional<TlsMaterial>& tls) {
  if (!tls.has_value()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = tls->ca_pem;
  options.pem_private_key = tls->key_pem;
  options.pem_cert_chain = tls->cert_pem;
  return grpc::SslCredentials(options);
}

}  // namespace bridging::server
