// The demo research team: once the publishers have carried the charity's and practices'
// changes to analytics (de-identified), it asks for the framework matrix and for actions by
// whether they were co-produced, and prints both as a researcher sees them: small cells withheld.

#include <iomanip>
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bridging/analytics/v1/analytics.grpc.pb.h"
#include "libs/auth/principal.h"
#include "scripts/demo/demo.h"

namespace bridging::demo {
namespace {

using analytics::v1::AnalyticsService;

std::string Shown(const common::v1::Cell& cell) {
  return cell.suppressed() ? "*" : absl::StrCat(static_cast<int64_t>(cell.value()));
}

void Print(const common::v1::Table& table) {
  std::cout << "    " << std::left << std::setw(42) << "";
  for (const auto& column : table.columns()) std::cout << std::setw(24) << column.substr(0, 22);
  if (table.has_totals()) std::cout << "total";
  std::cout << "\n";
  for (const auto& row : table.rows()) {
    std::string label;
    for (const auto& l : row.labels()) label += (label.empty() ? "" : " / ") + l;
    std::cout << "    " << std::setw(42) << label.substr(0, 40);
    for (const auto& cell : row.cells()) std::cout << std::setw(24) << Shown(cell);
    if (table.has_totals()) std::cout << Shown(row.total());
    std::cout << "\n";
  }
}

}  // namespace

bool ShowAnalyticsDemo(const std::shared_ptr<grpc::Channel>& channel, const std::string& secret,
                       absl::Duration wait) {
  const auth::PrincipalCodec codec(secret);
  auto stub = AnalyticsService::NewStub(channel);
  auto context = [&] {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    codec.Attach({kResearchTeam, common::v1::ROLE_RESEARCHER}, c.get());
    return c;
  };
  // Analytics answers only once it has applied every consent change: retry until the
  // publishers have caught up.
  analytics::v1::GetFrameworkMatrixRequest matrix_request;
  matrix_request.set_parent(kResearchTeam);
  analytics::v1::FrameworkMatrix matrix;
  const absl::Time deadline = absl::Now() + wait;
  grpc::Status status;
  while (true) {
    status = stub->GetFrameworkMatrix(context().get(), matrix_request, &matrix);
    if (status.ok() || status.error_code() != grpc::StatusCode::UNAVAILABLE ||
        absl::Now() > deadline) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(300));
  }
  if (!status.ok()) {
    std::cerr << "GetFrameworkMatrix: " << status.error_message() << "\n";
    return false;
  }
  std::cout << "  Contributions by theme x source type (consent sequence "
            << matrix.stamp().consent_watermark() << "; * = withheld, "
            << matrix.stamp().cells_suppressed() << " cells):\n";
  Print(matrix.table());

  analytics::v1::QueryRequest query;
  query.set_parent(kResearchTeam);
  query.set_dataset(analytics::v1::DATASET_ACTIONS);
  query.add_group_by(analytics::v1::DIMENSION_CO_PRODUCED);
  query.set_measure(analytics::v1::MEASURE_COUNT);
  analytics::v1::QueryResponse answer;
  status = stub->Query(context().get(), query, &answer);
  if (!status.ok()) {
    std::cerr << "Query: " << status.error_message() << "\n";
    return false;
  }
  std::cout << "\n  Practice actions, co-produced with the group or not (rounded to 5; * = 7 or "
               "fewer):\n";
  Print(answer.table());
  return true;
}

}  // namespace bridging::demo
