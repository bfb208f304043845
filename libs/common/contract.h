// The services of the Bridging contract, with their descriptors linked into the binary.
#pragma once

#include <google/protobuf/descriptor.h>

#include <string>
#include <vector>

namespace bridging {

// Full names of every service the contract (protos/bridging) defines, e.g.
// "bridging.consent.v1.ConsentService". Calling it also guarantees that the generated
// descriptor pool knows those services, their methods and messages.
std::vector<std::string> ContractServices();

// Every method of those services, in declaration order.
std::vector<const google::protobuf::MethodDescriptor*> ContractMethods();

}  // namespace bridging
