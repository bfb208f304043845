// What an owning service's main.cc wires to publish its outbox: channels and clients of the
// anonymizer and analytics (calling as services/<service>, ROLE_SERVICE) and the publisher.
// Disabled, with every accessor null, when analytics_addr is empty.
//
//   outbox::Publishing publishing({"consent", config->anonymizer_addr, config->analytics_addr},
//                                 &codec, store, translator, *host.registry());
//   publishing.Start();
//   host.RunUntilSignalled();
//   publishing.Stop();
#pragma once

#include <memory>
#include <string>

#include "libs/auth/principal.h"
#include "libs/outbox/clients.h"
#include "libs/outbox/outbox_publisher.h"
#include "libs/outbox/translator.h"
#include "libs/store/store.h"

namespace bridging::outbox {

struct PublishingSettings {
  // "consent" or "actions": the key prefix, the analytics source and services/<service>.
  std::string service;
  std::string anonymizer_addr;
  std::string analytics_addr;  // empty: disabled
  // The analytics source name; empty means `service`. Each backend publishing the same kind
  // of data needs its own (a practice's own actions backend: "actions/riverside"), because
  // analytics applies each source's sequence numbers once, in order.
  std::string source;
  // How calls to the anonymizer and analytics are secured.
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
};

class Publishing {
 public:
  // Every reference must outlive this object. Connects lazily: never fails.
  Publishing(const PublishingSettings& settings, const auth::PrincipalCodec* codec,
             store::Store& store, const Translator& translator, prometheus::Registry& registry);
  ~Publishing() { Stop(); }

  bool enabled() const { return publisher_ != nullptr; }
  void Start();
  // Stops and joins the publisher (idempotent); call before the store goes away.
  void Stop();

  // Null when disabled.
  OutboxPublisher* publisher() { return publisher_.get(); }
  // Clients with short deadlines for answering a caller (not for publishing).
  const AnonymizerClient* anonymizer() const { return query_anonymizer_.get(); }
  const AnalyticsClient* analytics() const { return query_analytics_.get(); }

 private:
  std::unique_ptr<AnonymizerClient> anonymizer_;
  std::unique_ptr<AnalyticsClient> analytics_;
  std::unique_ptr<AnonymizerClient> query_anonymizer_;
  std::unique_ptr<AnalyticsClient> query_analytics_;
  std::unique_ptr<OutboxPublisher> publisher_;
};

}  // namespace bridging::outbox
