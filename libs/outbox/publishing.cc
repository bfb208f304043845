// Implements Publishing: channels, clients and the publisher of one owning service.
#include "libs/outbox/publishing.h"

#include "absl/strings/str_cat.h"
#include "libs/common/log.h"

namespace bridging::outbox {

Publishing::Publishing(const PublishingSettings& settings, const auth::PrincipalCodec* codec,
                       store::Store& store, const Translator& translator,
                       prometheus::Registry& registry) {
  if (settings.analytics_addr.empty()) {
    Log(LogLevel::kWarning, "outbox_publishing_disabled", {{"source", settings.service}});
    return;
  }
  const auth::Principal self{absl::StrCat("services/", settings.service), common::v1::ROLE_SERVICE};
  auto anonymizer_channel = ServiceChannel(settings.anonymizer_addr, settings.credentials);
  auto analytics_channel = ServiceChannel(settings.analytics_addr, settings.credentials);
  // A batch of 500 events may take analytics a while; a caller waiting on a report may not.
  anonymizer_ =
      std::make_unique<AnonymizerClient>(anonymizer_channel, codec, self, absl::Seconds(5));
  analytics_ = std::make_unique<AnalyticsClient>(analytics_channel, codec, self, absl::Seconds(5));
  query_anonymizer_ =
      std::make_unique<AnonymizerClient>(anonymizer_channel, codec, self, absl::Seconds(1));
  query_analytics_ =
      std::make_unique<AnalyticsClient>(analytics_channel, codec, self, absl::Seconds(1));
  OutboxPublisherOptions options = OutboxPublisherOptions::ForService(settings.service);
  if (!settings.source.empty()) options.source = settings.source;
  publisher_ = std::make_unique<OutboxPublisher>(std::move(options), store, translator,
                                                 *anonymizer_, *analytics_, registry);
}

void Publishing::Start() {
  if (publisher_) publisher_->Start();
}

void Publishing::Stop() {
  if (publisher_) publisher_->Stop();
}

}  // namespace bridging::outbox
