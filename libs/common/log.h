// Structured logs: one JSON object per line on stderr. Callers pass resource names and
// codes, never personal data or secrets.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace bridging {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

using LogField = std::pair<absl::string_view, std::string>;

// Sets the "service" field of every line (once, at start-up).
void SetLogService(absl::string_view service);

// Writes {"ts":..., "level":..., "service":..., "event":..., <fields>} as one line.
void Log(LogLevel level, absl::string_view event, std::initializer_list<LogField> fields = {});

}  // namespace bridging
