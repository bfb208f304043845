// The person-name dictionary (data/names.tsv) compiled into the library by embed_data.cmake.
#pragma once

#include <cstddef>

namespace bridging::privacy::internal {

extern const char kNamesTsv[];
extern const size_t kNamesTsvSize;

}  // namespace bridging::privacy::internal
