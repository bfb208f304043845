// The research query in the page address: round trip, checks, and the request it makes.
import { describe, expect, it } from "vitest";
import { addressOf, draftFromAddress, problemsOf, requestOf } from "./query-spec";
import { Dataset, Dimension } from "../../gen/bridging/analytics/v1/analytics_pb";

const fromAddress = (address: string) => draftFromAddress(new URLSearchParams(address.split("?")[1]));

describe("query in the address", () => {
  it("round-trips a query with filters and months", () => {
    const address = "/research/query?dataset=actions&by=principle,status&status=done,in_progress&from=2026-01&to=2026-11";
    const draft = fromAddress(address);
    expect(draft).toMatchObject({ dataset: "actions", groupBy: ["principle", "status"], fromMonth: "2026-01", toMonth: "2026-11" });
    expect(fromAddress(addressOf(draft))).toEqual(draft);
    expect(problemsOf(draft)).toEqual([]);
  });

  it("turns keys into the request's enums and filter labels", () => {
    const request = requestOf(fromAddress("/research/query?dataset=consent&by=consent_state&purpose=research_use"), "researchers/t", "r1");
    expect(request.dataset).toBe(Dataset.CONSENT);
    expect(request.groupBy).toEqual([Dimension.CONSENT_STATE]);
    expect(request.filters).toEqual([{ dimension: Dimension.PURPOSE, values: ["PURPOSE_RESEARCH_USE"] }]);
    expect(request.parent).toBe("researchers/t");
  });

  it("ignores filters on dimensions the dataset does not have", () => {
    expect(fromAddress("/research/query?dataset=consent&by=purpose&status=done").filters).toEqual({});
  });

  it("names each problem by field", () => {
    const fields = (address: string) => problemsOf(fromAddress(address)).map((p) => p.field);
    expect(fields("/research/query")).toEqual(["dataset"]);
    expect(fields("/research/query?dataset=actions")).toEqual(["groupBy"]);
    expect(fields("/research/query?dataset=actions&by=principle,status,area,month")).toEqual(["groupBy"]);
    expect(fields("/research/query?dataset=consent&by=theme")).toEqual(["groupBy"]);
    expect(fields("/research/query?dataset=consent&by=purpose&measure=median_days_to_done")).toEqual(["measure"]);
    expect(fields("/research/query?dataset=actions&by=month&from=2026-13")).toEqual(["fromMonth"]);
    expect(fields("/research/query?dataset=actions&by=month&from=2026-11&to=2026-01")).toEqual(["toMonth"]);
  });
});
