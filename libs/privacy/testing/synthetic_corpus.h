// A labelled synthetic corpus for measuring RedactText: reflective notes, interview
// snippets, meeting observations and feedback in the voice of UK primary-care and charity
// work, with planted identifiers of every type (each labelled with its byte span) and hard
// negatives that must stay ("vitamin B12", "the M62", "May I ask", "£250", "in March").
//
//   std::vector<LabelledDocument> corpus = GenerateCorpus(/*documents=*/1000, /*seed=*/7);
//
// Everything is invented: phone numbers are in Ofcom's ranges reserved for drama, NHS
// numbers are random (with a valid check digit), emails use the generated names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "libs/privacy/redact.h"

namespace bridging::privacy::testing {

struct Label {
  IdentifierType type;
  size_t begin = 0;  // byte offsets, half-open
  size_t end = 0;
};

struct LabelledDocument {
  std::string kind;  // "reflective_note", "interview", "meeting_observation", "feedback"
  std::string text;
  std::vector<Label> labels;  // in order of position, disjoint
};

// The same corpus for the same arguments, on every run.
std::vector<LabelledDocument> GenerateCorpus(size_t documents, uint64_t seed);

}  // namespace bridging::privacy::testing
