// A GoogleTest fixture base for black-box tests of the whole suite: one LocalSuite shared by
// every test of the binary, partner organisations each with an API key, logs dumped when a
// test fails, and the gateway's bearer header on calls.
//
//   class MyTest : public testing::SuiteTest {
//    protected:
//     static void SetUpTestSuite() { StartSuite({}, {{"charities/hope", "Hope"}}); }
//   };
//   ... Authorize(&context, keys_["charities/hope"]);
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "integration-tests/local_suite.h"

namespace bridging::testing {

class SuiteTest : public ::testing::Test {
 protected:
  // Starts the suite and registers `organisations` (name -> display name) with a key each.
  static void StartSuite(LocalSuiteOptions options,
                         const std::map<std::string, std::string>& organisations) {
    auto suite = LocalSuite::Start(std::move(options));
    ASSERT_TRUE(suite.ok()) << suite.status();
    suite_ = suite->release();
    for (const auto& [name, display] : organisations) {
      absl::StatusOr<std::string> key = suite_->AddOrganization(name, display);
      ASSERT_TRUE(key.ok()) << name << ": " << key.status();
      keys_[name] = *key;
    }
  }

  static void TearDownTestSuite() {
    delete suite_;
    suite_ = nullptr;
    keys_.clear();
  }

  void TearDown() override {
    if (HasFailure() && suite_ != nullptr) suite_->DumpLogs();
  }

  // Adds the bearer header and a deadline.
  static void Authorize(grpc::ClientContext* context, const std::string& key,
                        int deadline_seconds = 10) {
    context->AddMetadata("authorization", "Bearer " + key);
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(deadline_seconds));
  }

  static inline LocalSuite* suite_ = nullptr;
  static inline std::map<std::string, std::string> keys_;
};

}  // namespace bridging::testing
