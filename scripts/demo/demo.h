// Demo data for the local suite, loaded only through the services' public APIs.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/time/time.h"

namespace bridging::demo {

inline constexpr char kCharity[] = "charities/sunflower";
inline constexpr char kResearchTeam[] = "researchers/demo-team";

// Loads the demo charity's participants, consents and contributions; prints its table.
bool LoadConsentDemo(const std::shared_ptr<grpc::Channel>& channel, const std::string& secret);

// Loads three practices' action plans across every principle, one shared with the charity;
// prints each plan's summary.
bool LoadActionsDemo(const std::shared_ptr<grpc::Channel>& channel, const std::string& secret);

// Waits (up to `wait`) until analytics answers, then prints what the demo research team
// sees: the framework matrix and actions by co-production, small cells withheld.
bool ShowAnalyticsDemo(const std::shared_ptr<grpc::Channel>& channel, const std::string& secret,
                       absl::Duration wait);

}  // namespace bridging::demo
