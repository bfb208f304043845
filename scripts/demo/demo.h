// Demo data for the local suite, loaded only through the services' public APIs.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace bridging::demo {

inline constexpr char kCharity[] = "charities/sunflower";

// Loads the demo charity's participants, consents and contributions; prints its table.
bool LoadConsentDemo(const std::shared_ptr<grpc::Channel>& channel, const std::string& secret);

// Loads three practices' action plans across every principle, one shared with the charity;
// prints each plan's summary.
bool LoadActionsDemo(const std::shared_ptr<grpc::Channel>& channel, const std::string& secret);

}  // namespace bridging::demo
