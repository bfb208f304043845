// For tests: a small AnalyticsService over real gRPC that records what publishers send,
// applies each (source, sequence) once and honours `through` as the contract says, and can
// be told to fail or be stopped and restarted on the same port.
//
//   RecordingAnalyticsServer analytics(&codec);
//   ASSERT_TRUE(analytics.Start().ok());
//   ... publish to analytics.address() ...
//   EXPECT_EQ(analytics.service().applied("consent"), 7);
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "bridging/analytics/v1/analytics.grpc.pb.h"
#include "libs/auth/policy.h"
#include "libs/server/service_host.h"

namespace bridging::outbox {

class RecordingAnalytics final : public analytics::v1::AnalyticsService::Service {
 public:
  explicit RecordingAnalytics(const auth::PrincipalCodec* codec);

  grpc::Status IngestEvents(grpc::ServerContext* context,
                            const analytics::v1::IngestEventsRequest* request,
                            analytics::v1::IngestEventsResponse* response) override;
  grpc::Status GetAppliedSequence(grpc::ServerContext* context,
                                  const analytics::v1::GetAppliedSequenceRequest* request,
                                  analytics::v1::AppliedSequence* response) override;
  grpc::Status GetParticipantUsage(grpc::ServerContext* context,
                                   const analytics::v1::GetParticipantUsageRequest* request,
                                   analytics::v1::ParticipantUsage* response) override;

  // While failing, every call answers UNAVAILABLE and changes nothing.
  void SetFailing(bool failing);
  // queries_counted reported for a participant pseudonym.
  void SetQueriesCounted(const std::string& participant, int64_t count);

  // Applied events in the order they were applied (duplicates left out).
  std::vector<analytics::v1::Event> events() const;
  // Every IngestEvents request accepted (also those that held only duplicates).
  std::vector<analytics::v1::IngestEventsRequest> requests() const;
  // The organisations that sent accepted IngestEvents requests, one per request.
  std::vector<std::string> callers() const;
  int64_t applied(const std::string& source) const;
  int duplicates() const;
  int failed_calls() const;

 private:
  auth::PolicyEnforcer enforcer_;
  mutable absl::Mutex mu_;
  bool failing_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, int64_t> applied_ ABSL_GUARDED_BY(mu_);
  std::vector<analytics::v1::Event> events_ ABSL_GUARDED_BY(mu_);
  std::vector<analytics::v1::IngestEventsRequest> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> callers_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> queries_counted_ ABSL_GUARDED_BY(mu_);
  int duplicates_ ABSL_GUARDED_BY(mu_) = 0;
  int failed_calls_ ABSL_GUARDED_BY(mu_) = 0;
};

// RecordingAnalytics in a ServiceHost on a loopback port. Stop() and Start() again keep the
// port and the recorded state, as a restarted analytics with durable state would.
class RecordingAnalyticsServer {
 public:
  explicit RecordingAnalyticsServer(const auth::PrincipalCodec* codec) : service_(codec) {}
  ~RecordingAnalyticsServer() { Stop(); }

  absl::Status Start();
  void Stop();

  RecordingAnalytics& service() { return service_; }
  int port() const { return port_; }
  std::string address() const;

 private:
  RecordingAnalytics service_;
  std::unique_ptr<server::ServiceHost> host_;
  int port_ = 0;
};

}  // namespace bridging::outbox
