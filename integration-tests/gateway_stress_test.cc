// The gateway's proxy under sustained load with calls abandoned midway: tens of thousands of
// pipelined calls through it to the anonymizer, every fifth one with a deadline so short
// that it expires in flight. This is the load under which the proxy once freed a backend call
// it was still using (commit 239cf79); the gateway must stay up and answer every other call.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bridging/anonymizer/v1/anonymizer.grpc.pb.h"
#include "integration-tests/suite_test.h"
#include "libs/testing/probes.h"

namespace bridging {
namespace {

namespace anv1 = anonymizer::v1;

constexpr char kCaller[] = "services/stress";
constexpr int kCalls = 40000;
constexpr int kOutstanding = 64;

class GatewayStressTest : public testing::SuiteTest {
 protected:
  static void SetUpTestSuite() {
    testing::LocalSuiteOptions options;
    options.services = {"anonymizer", "gateway"};
    options.flags["gateway"] = {"--rate_limit_rps=1000000", "--rate_limit_burst=1000000",
                                "--max_in_flight_per_caller=100000"};
    StartSuite(options, {{kCaller, "Stress"}});
  }
};

// One call in flight; deletes itself when answered.
struct Call {
  grpc::ClientContext context;
  anv1::PseudonymizeRequest request;
  anv1::PseudonymizeResponse response;
  bool short_deadline = false;
};

TEST_F(GatewayStressTest, PipelinedCallsAbandonedMidwayNeverHurtTheProxy) {
  std::vector<std::unique_ptr<anv1::AnonymizerService::Stub>> stubs;
  for (int c = 0; c < 4; ++c) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // four separate connections
    stubs.push_back(anv1::AnonymizerService::NewStub(grpc::CreateCustomChannel(
        suite_->address("gateway"), grpc::InsecureChannelCredentials(), args)));
  }
  absl::Mutex mu;
  int in_flight = 0;
  std::map<grpc::StatusCode, int> full_codes, short_codes;
  std::atomic<int> wrong_answers{0};
  const absl::Time start = absl::Now();
  for (int i = 0; i < kCalls; ++i) {
    {
      absl::MutexLock lock(&mu);
      mu.Await(absl::Condition(
          +[](int* n) { return *n < kOutstanding; }, &in_flight));
      ++in_flight;
    }
    auto* call = new Call;
    call->short_deadline = i % 5 == 0;
    call->context.AddMetadata("authorization", "Bearer " + keys_[kCaller]);
    // Short: expires while the call is somewhere between the client, the gateway and the
    // anonymizer.
    call->context.set_deadline(std::chrono::system_clock::now() +
                               (call->short_deadline
                                    ? std::chrono::microseconds(1000 + (i * 37) % 14000)
                                    : std::chrono::microseconds(30000000)));
    call->request.set_domain("participant");
    call->request.add_identifiers("stress-" + std::to_string(i % 100));
    stubs[i % stubs.size()]->async()->Pseudonymize(
        &call->context, &call->request, &call->response, [&, call](grpc::Status status) {
          if (status.ok() && call->response.pseudonyms_size() != 1) ++wrong_answers;
          absl::MutexLock lock(&mu);
          ++(call->short_deadline ? short_codes : full_codes)[status.error_code()];
          --in_flight;
          delete call;
        });
  }
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](int* n) { return *n == 0; }, &in_flight));
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  // Every call with a real deadline was answered, and answered right.
  EXPECT_EQ(full_codes[grpc::StatusCode::OK], kCalls - kCalls / 5);
  EXPECT_EQ(wrong_answers.load(), 0);
  // The abandoned ones either made it or ran out of time: nothing else.
  for (const auto& [code, count] : short_codes) {
    EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::DEADLINE_EXCEEDED)
        << code << " x" << count;
  }
  // The gateway is still up, and still serving.
  EXPECT_TRUE(testing::CheckHealth(suite_->GatewayChannel(), "").ok());
  std::cout << kCalls << " calls in " << seconds << " s (" << kCalls / seconds
            << "/s); abandoned midway: " << short_codes[grpc::StatusCode::DEADLINE_EXCEEDED]
            << " of " << kCalls / 5 << "\n";
}

}  // namespace
}  // namespace bridging
