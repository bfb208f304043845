// Raw unary calls for black-box tests: any method by path with any bytes and headers, as a
// hostile client would make them, and a request naming a resource in the field the method's
// policy checks.
#pragma once

#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace bridging::testing {

struct RawAnswer {
  grpc::Status status;
  std::string bytes;  // the response message, serialised
};

using Metadata = std::vector<std::pair<std::string, std::string>>;

// Calls `method` ("/package.Service/Method") over `channel` with `request` bytes as they are,
// `metadata` as headers, and a 10 s deadline.
RawAnswer CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                  const std::string& request, const Metadata& metadata = {});

// A serialised request of the method's input type with the field its policy names as the
// resource (e.g. "parent", "action.name") set to `resource`; empty when it names none.
std::string RequestNaming(const google::protobuf::MethodDescriptor& method,
                          const std::string& resource);

}  // namespace bridging::testing
