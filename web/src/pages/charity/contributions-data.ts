// Reading one participant's contributions (the service lists them per participant and has no
// single-contribution read), and their page addresses.
import type { Session } from "../../session";
import type { Contribution } from "../../gen/bridging/consent/v1/consent_pb";
import { participantHref, participantOf } from "./participants-data";

const PAGE_SIZE = 1000;
const MAX_PAGES = 5;

export async function loadContributions(session: Session, participant: string): Promise<Contribution[]> {
  let contributions: Contribution[] = [];
  let pageToken = "";
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await session.clients.contributions.listContributions({ parent: participant, pageSize: PAGE_SIZE, pageToken });
    contributions = contributions.concat(response.contributions);
    pageToken = response.nextPageToken;
    if (!pageToken) break;
  }
  return contributions;
}

// "#/charity/participants/{p}/contributions/{c}"
export function contributionHref(contribution: Contribution): string {
  return participantHref(participantOf(contribution.name), `/contributions/${encodeURIComponent(contribution.name.split("/").pop() ?? "")}`);
}
