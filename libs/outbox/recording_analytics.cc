// Implements the recording AnalyticsService used by publisher and consent tests.
#include "libs/outbox/recording_analytics.h"

#include "absl/strings/str_cat.h"
#include "libs/common/grpc_status.h"
#include "libs/common/proto_time.h"

namespace bridging::outbox {

using analytics::v1::Event;

RecordingAnalytics::RecordingAnalytics(const auth::PrincipalCodec* codec)
    : enforcer_(analytics::v1::AnalyticsService::service_full_name(), codec) {}

void RecordingAnalytics::SetFailing(bool failing) {
  absl::MutexLock lock(&mu_);
  failing_ = failing;
}

void RecordingAnalytics::SetQueriesCounted(const std::string& participant, int64_t count) {
  absl::MutexLock lock(&mu_);
  queries_counted_[participant] = count;
}

std::vector<Event> RecordingAnalytics::events() const {
  absl::MutexLock lock(&mu_);
  return events_;
}

std::vector<analytics::v1::IngestEventsRequest> RecordingAnalytics::requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

std::vector<std::string> RecordingAnalytics::callers() const {
  absl::MutexLock lock(&mu_);
  return callers_;
}

int64_t RecordingAnalytics::applied(const std::string& source) const {
  absl::MutexLock lock(&mu_);
  auto it = applied_.find(source);
  return it == applied_.end() ? 0 : it->second;
}

int RecordingAnalytics::duplicates() const {
  absl::MutexLock lock(&mu_);
  return duplicates_;
}

int RecordingAnalytics::failed_calls() const {
  absl::MutexLock lock(&mu_);
  return failed_calls_;
}

grpc::Status RecordingAnalytics::IngestEvents(grpc::ServerContext* context,
                                              const analytics::v1::IngestEventsRequest* request,
                                              analytics::v1::IngestEventsResponse* response) {
  absl::StatusOr<auth::Principal> caller = enforcer_.Authorize(*context, "IngestEvents", *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::MutexLock lock(&mu_);
  if (failing_) {
    ++failed_calls_;
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "analytics is failing (test)");
  }
  if (request->events_size() > 500) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "events: at most 500");
  }
  // Each source's events must increase within the request.
  std::map<std::string, int64_t> last;
  for (const Event& e : request->events()) {
    auto it = last.find(e.source());
    if (it != last.end() && e.sequence() <= it->second) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          absl::StrCat("events: ", e.source(), " sequence not increasing"));
    }
    last[e.source()] = e.sequence();
  }
  requests_.push_back(*request);
  callers_.push_back(caller->organization);
  std::map<std::string, bool> touched;
  for (const Event& e : request->events()) {
    int64_t& applied = applied_[e.source()];
    touched[e.source()] = true;
    if (e.sequence() <= applied) {
      ++duplicates_;
      response->set_duplicate_count(response->duplicate_count() + 1);
      continue;
    }
    applied = e.sequence();
    events_.push_back(e);
    response->set_applied_count(response->applied_count() + 1);
  }
  for (const auto& through : request->through()) {
    int64_t& applied = applied_[through.source()];
    touched[through.source()] = true;
    if (through.sequence() > applied) applied = through.sequence();
  }
  for (const auto& [source, unused] : touched) {
    auto* a = response->add_applied();
    a->set_source(source);
    a->set_sequence(applied_[source]);
  }
  return grpc::Status::OK;
}

grpc::Status RecordingAnalytics::GetAppliedSequence(
    grpc::ServerContext* context, const analytics::v1::GetAppliedSequenceRequest* request,
    analytics::v1::AppliedSequence* response) {
  absl::StatusOr<auth::Principal> caller =
      enforcer_.Authorize(*context, "GetAppliedSequence", *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::MutexLock lock(&mu_);
  if (failing_) {
    ++failed_calls_;
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "analytics is failing (test)");
  }
  response->set_source(request->source());
  auto it = applied_.find(request->source());
  response->set_sequence(it == applied_.end() ? 0 : it->second);
  return grpc::Status::OK;
}

grpc::Status RecordingAnalytics::GetParticipantUsage(
    grpc::ServerContext* context, const analytics::v1::GetParticipantUsageRequest* request,
    analytics::v1::ParticipantUsage* response) {
  absl::StatusOr<auth::Principal> caller =
      enforcer_.Authorize(*context, "GetParticipantUsage", *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::MutexLock lock(&mu_);
  if (failing_) {
    ++failed_calls_;
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "analytics is failing (test)");
  }
  response->set_participant(request->participant());
  auto it = queries_counted_.find(request->participant());
  response->set_queries_counted(it == queries_counted_.end() ? 0 : it->second);
  for (const Event& e : events_) {
    if (e.kind() != analytics::v1::EVENT_KIND_CONSENT_WITHDRAWN ||
        e.consent().participant() != request->participant()) {
      continue;
    }
    auto* w = response->add_withdrawals();
    w->set_sequence(e.sequence());
    *w->mutable_purposes() = e.consent().purposes();
    *w->mutable_apply_time() = ToTimestamp(absl::Now());
    w->set_erased(e.consent().erase());
  }
  return grpc::Status::OK;
}

absl::Status RecordingAnalyticsServer::Start() {
  if (host_) return absl::OkStatus();
  server::ServiceHostOptions options;
  options.service_name = "analytics";
  options.listen_address = absl::StrCat("127.0.0.1:", port_);
  options.readiness_interval = absl::Milliseconds(50);
  options.shutdown_grace = absl::Milliseconds(200);
  host_ = std::make_unique<server::ServiceHost>(options);
  host_->AddService(&service_);
  if (absl::Status started = host_->Start(); !started.ok()) {
    host_.reset();
    return started;
  }
  port_ = host_->port();
  return absl::OkStatus();
}

void RecordingAnalyticsServer::Stop() {
  if (!host_) return;
  host_->Shutdown();
  host_.reset();
}

std::string RecordingAnalyticsServer::address() const { return absl::StrCat("127.0.0.1:", port_); }

}  // namespace bridging::outbox
