// TLS for every gRPC hop: a process's certificate, key and the CA that signs its peers, read
// once at start, turned into server credentials (mutual TLS: peers must present a
// certificate from the CA) and channel credentials (present ours, verify theirs). No files:
// plaintext, as before.
//
//   ASSIGN_OR_RETURN(std::optional<TlsMaterial> tls, LoadTls({cert, key, ca}, "tls"));
//   builder.AddListeningPort(address, ServerCredentials(tls, /*require_client_cert=*/true));
//   grpc::CreateChannel(target, ChannelCredentials(tls));
#pragma once

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace bridging::server {

struct TlsFiles {
  std::string cert_file;  // PEM certificate chain of this process
  std::string key_file;   // its PEM private key
  std::string ca_file;    // PEM CA certificate(s) peers are verified against
};

struct TlsMaterial {
  std::string cert_pem;
  std::string key_pem;
  std::string ca_pem;
};

// The PEM text of `path`; FAILED_PRECONDITION naming `flag` when it cannot be read or is not
// PEM.
absl::StatusOr<std::string> ReadPemFile(const std::string& path, const std::string& flag);

// Reads the three files; nullopt when none is given. FAILED_PRECONDITION naming
// `<flag_prefix>_cert_file` (etc.) when only some are given, one cannot be read or is not PEM.
// `ca_file` may be left out only when `ca_optional` (a public server that asks no client
// certificate).
absl::StatusOr<std::optional<TlsMaterial>> LoadTls(const TlsFiles& files,
                                                   const std::string& flag_prefix,
                                                   bool ca_optional = false);

// Insecure credentials without material. With it, TLS with our certificate; when
// `require_client_cert`, clients must present a certificate signed by the CA (mutual TLS).
std::shared_ptr<grpc::ServerCredentials> ServerCredentials(const std::optional<TlsMaterial>& tls,
                                                           bool require_client_cert);

// Insecure credentials without material. With it, TLS verifying the server against the CA
// and presenting our certificate when we have one.
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials(const std::optional<TlsMaterial>& tls);

}  // namespace bridging::server
