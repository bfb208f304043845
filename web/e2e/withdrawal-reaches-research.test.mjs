// The promise at the heart of Bridging, in the browser: a withdrawal the charity records in
// its page changes what the research team's query shows straight away.
//
// Researchers see only counts above 7 (rounded to 5), so the test first brings the number of
// women with research consent to exactly 8, through the API as the charity: the research
// page shows 10. The charity withdraws one of them in the UI; the same query, run again in
// the research page, withholds the count (7 is too few to show).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, signIn, checkPage, visit } from "./lib/harness.mjs";
import { call } from "./lib/api.mjs";

const CHARITY = "charities/sunflower";
const TEAM = "researchers/demo-team";
const CONSENT = "bridging.consent.v1.ConsentService";
const QUERY_PAGE = "/research/query?dataset=consent&by=consent_state&purpose=research_use";
const SHOWN_AT = 8;  // the smallest count shown: one above the threshold of 7

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function participants() {
  const all = [];
  let pageToken = "";
  do {
    const page = await call("charity", `${CONSENT}/ListParticipants`, { parent: CHARITY, pageSize: 500, pageToken });
    all.push(...(page.participants ?? []));
    pageToken = page.nextPageToken ?? "";
  } while (pageToken);
  return all;
}

async function givesResearchConsent(participant) {
  const status = await call("charity", `${CONSENT}/GetConsentStatus`, { participant: participant.name });
  return (status.purposes ?? []).some((p) => p.purpose === "PURPOSE_RESEARCH_USE" && p.state === "CONSENT_STATE_GIVEN");
}

async function addWithResearchConsent(reference) {
  const participant = await call("charity", `${CONSENT}/CreateParticipant`, {
    parent: CHARITY, participant: { charityReference: reference }, requestId: `create-${reference}`,
  });
  await call("charity", `${CONSENT}/RecordConsent`, {
    participant: participant.name, purpose: "PURPOSE_RESEARCH_USE", method: "CONSENT_METHOD_WRITTEN",
    recordedByRole: "support worker", requestId: `consent-${reference}`,
  });
  return participant;
}

// The research team's count of women with research consent, as the analytics service
// answers it: a number, or null when withheld.
async function researchCount() {
  const answer = await call("researcher", "bridging.analytics.v1.AnalyticsService/Query", {
    parent: TEAM, dataset: "DATASET_CONSENT", groupBy: ["DIMENSION_CONSENT_STATE"],
    filters: [{ dimension: "DIMENSION_PURPOSE", values: ["PURPOSE_RESEARCH_USE"] }], measure: "MEASURE_COUNT",
  });
  const given = (answer.table?.rows ?? []).find((r) => r.labels?.[0] === "CONSENT_STATE_GIVEN");
  if (!given || given.cells?.[0]?.suppressed) return null;
  return given.cells[0].value ?? 0;
}

async function eventually(what, check, seconds = 15) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test("a withdrawal in the charity's page changes the researcher's query result", async () => {
  // Exactly SHOWN_AT women with research consent, the last of them new and named here.
  const stamp = Date.now();
  const woman = await addWithResearchConsent(`E2E-W-${stamp}`);
  const others = [];
  for (const p of await participants()) {
    if (p.name !== woman.name && await givesResearchConsent(p)) others.push(p);
  }
  for (let i = others.length + 1; i < SHOWN_AT; i++) others.push(await addWithResearchConsent(`E2E-W-${stamp}-${i}`));
  for (const extra of others.slice(SHOWN_AT - 1)) {
    await call("charity", `${CONSENT}/WithdrawConsent`, {
      participant: extra.name, purposes: ["PURPOSE_RESEARCH_USE"], recordedByRole: "support worker", requestId: `trim-${extra.name.split("/").pop()}-${stamp}`,
    });
  }
  const before = await eventually("analytics shows the count", researchCount);
  assert.equal(before, 10, "8 women are published as 10 (rounded to 5)");

  // The research team sees the number in its page.
  const researcher = await signIn(browser, "researcher");
  await visit(researcher, QUERY_PAGE, "Build a query");
  const results = researcher.getByTestId("query-results");
  const givenRow = results.getByRole("row").filter({ hasText: "Given" });
  await givenRow.getByRole("cell", { name: "10", exact: true }).waitFor();
  await checkPage(researcher, "withdrawal-01-research-before");

  // The charity withdraws her research consent in one step, and gets a receipt.
  const charity = await signIn(browser, "charity");
  await visit(charity, `/charity/participants/${woman.name.split("/").pop()}`, `E2E-W-${stamp}`);
  await charity.getByRole("checkbox", { name: "Her notes and interviews used in research" }).check();
  await charity.getByRole("button", { name: "Withdraw consent" }).click();
  await charity.getByText(/receipt/i).first().waitFor();
  await checkPage(charity, "withdrawal-02-charity-receipt");

  // The same query, run again: 7 women are too few to show.
  await researcher.reload();
  await researcher.getByRole("heading", { level: 1, name: "Build a query" }).waitFor();
  await givenRow.getByText(/^withheld/).waitFor();
  assert.equal(await givenRow.getByRole("cell", { name: "10", exact: true }).count(), 0);
  await checkPage(researcher, "withdrawal-03-research-after");
  assert.equal(await researchCount(), null);
  for (const page of [researcher, charity]) await page.context().close();
});
