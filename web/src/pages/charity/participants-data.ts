// Reading participants and their active consents for the charity's pages: resource names
// and page addresses, how a participant is named on screen, and charity-wide lookups made
// with a few paged calls rather than one call per person.
import type { Session } from "../../session";
import type { ConsentRecord, Participant } from "../../gen/bridging/consent/v1/consent_pb";
import { dateInputValue, daysFromToday } from "../../ui/format";

// Pages read at most this many participants or consents for one view (1000 per call).
const PAGE_SIZE = 1000;
const MAX_PAGES = 5;
// Reviews are at most five years ahead, so a review list reaching this far holds every
// consent currently in place.
const BEYOND_ANY_REVIEW_DAYS = 5 * 366 + 2;

export function participantName(session: Session, id: string): string {
  return `${session.organization}/participants/${id}`;
}

// The id part of charities/{charity}/participants/{id}[/...].
export function participantIdOf(name: string): string {
  return name.split("/")[3] ?? "";
}

// The participant a consent record or contribution belongs to.
export function participantOf(name: string): string {
  return name.split("/").slice(0, 4).join("/");
}

// "#/charity/participants/{id}[/rest]"
export function participantHref(idOrName: string, rest = ""): string {
  const id = idOrName.includes("/") ? participantIdOf(idOrName) : idOrName;
  return `#/charity/participants/${encodeURIComponent(id)}${rest}`;
}

// "SF-003 (Wren)", or "SF-003" when she has no chosen name.
export function describe(participant: Participant): string {
  return participant.alias ? `${participant.charityReference} (${participant.alias})` : participant.charityReference;
}

// True once a consent's review date has come, as the service counts it (the due day included).
export function reviewOverdue(record: ConsentRecord): boolean {
  return dateInputValue(record.reviewDate) <= dateInputValue(daysFromToday(0));
}

// Orders participants by reference as people read them: SF-2 before SF-10.
export function byReference(a: Participant, b: Participant): number {
  return a.charityReference.localeCompare(b.charityReference, "en-GB", { numeric: true });
}

export async function loadParticipant(session: Session, id: string): Promise<Participant> {
  return session.clients.consent.getParticipant({ name: participantName(session, id) });
}

// Every participant of the charity by resource name, or null if there are too many to read
// for one page (the page then says so rather than showing a partial answer).
export async function loadAllParticipants(session: Session): Promise<Map<string, Participant> | null> {
  const found = new Map<string, Participant>();
  let pageToken = "";
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await session.clients.consent.listParticipants({ parent: session.organization, pageSize: PAGE_SIZE, pageToken });
    for (const p of response.participants) found.set(p.name, p);
    pageToken = response.nextPageToken;
    if (!pageToken) return found;
  }
  return null;
}

// Consents with a review date before `before`, oldest review first (every page, up to the cap);
// `complete` is false when the cap was reached.
export async function loadConsentsDueBefore(session: Session, before = daysFromToday(BEYOND_ANY_REVIEW_DAYS)):
  Promise<{ consents: ConsentRecord[]; complete: boolean }> {
  let consents: ConsentRecord[] = [];
  let pageToken = "";
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await session.clients.consent.listDueForReview({ parent: session.organization, before, pageSize: PAGE_SIZE, pageToken });
    consents = consents.concat(response.consents);
    pageToken = response.nextPageToken;
    if (!pageToken) return { consents, complete: true };
  }
  return { consents, complete: false };
}

// The consents currently in place for each participant (by resource name), read in one
// charity-wide list; null when there are too many to read for one page.
export async function loadActiveConsents(session: Session): Promise<Map<string, ConsentRecord[]> | null> {
  const { consents, complete } = await loadConsentsDueBefore(session);
  if (!complete) return null;
  const byParticipant = new Map<string, ConsentRecord[]>();
  for (const record of consents) {
    const owner = participantOf(record.name);
    byParticipant.set(owner, [...(byParticipant.get(owner) ?? []), record]);
  }
  return byParticipant;
}

// One page of participants (the page token from the address's ?page=), sorted by reference,
// with the consents each has in place (null when there are too many to read at once).
export async function loadParticipantsPage(session: Session, pageToken: string, pageSize = 50):
  Promise<{ people: Participant[]; nextPageToken: string; active: Map<string, ConsentRecord[]> | null }> {
  const [page, active] = await Promise.all([
    session.clients.consent.listParticipants({ parent: session.organization, pageSize, pageToken }),
    loadActiveConsents(session),
  ]);
  return { people: [...page.participants].sort(byReference), nextPageToken: page.nextPageToken, active };
}
