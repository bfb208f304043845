// Plain words for the charity's vocabulary (consent purposes, how consent was given, its
// state, states of contributions, the history's events), so no page shows an enum name.
import {
  ConsentMethod, ConsentState, ContributionState, HistoryEventType, Purpose,
} from "../../gen/bridging/consent/v1/consent_pb";
import type { TagColour } from "../../ui/components";
import type { Described } from "../../vocabulary";

// What each purpose is for, and what saying yes means, in words a support worker can read
// out to the woman herself; `yours` names it when speaking to her (her data-use report).
export const purposes: Record<Purpose, Described & { short: string; yours: string }> = {
  [Purpose.UNSPECIFIED]: { label: "Not recorded", short: "not recorded", yours: "Not recorded", explanation: "" },
  [Purpose.GROUP_PARTICIPATION]: {
    label: "Taking part in the group", short: "taking part in the group", yours: "Taking part in the group",
    explanation: "She joins the co-production group that helps GP practices change how they care for women. Saying yes means we can invite her to sessions and note that she took part.",
  },
  [Purpose.RESEARCH_USE]: {
    label: "Her notes and interviews used in research", short: "research use of her notes and interviews",
    yours: "Your notes and interviews used in research",
    explanation: "Her reflective notes and interview excerpts are passed to the research team with names and details taken out. Researchers only ever see totals of several women, never anything about her alone.",
  },
  [Purpose.QUOTATION]: {
    label: "Being quoted anonymously", short: "being quoted anonymously", yours: "Being quoted anonymously",
    explanation: "Her own words may be quoted in research reports, without her name, and only in wording she has read and approved.",
  },
  [Purpose.SHARE_WITH_PRACTICE]: {
    label: "Sharing with her GP practice", short: "sharing with her GP practice", yours: "Sharing with your GP practice",
    explanation: "The charity may pass on what she has told us to her own GP practice, so that they can support her better.",
  },
  [Purpose.CONTACT]: {
    label: "Being contacted by the charity", short: "being contacted by the charity", yours: "Being contacted by the charity",
    explanation: "The charity may get in touch with her, for example about group sessions or to check that her choices are still right for her.",
  },
};

// What stops, for each purpose, when she withdraws it.
export const whatStops: Record<Purpose, string> = {
  [Purpose.UNSPECIFIED]: "",
  [Purpose.GROUP_PARTICIPATION]: "She will not be invited to group sessions.",
  [Purpose.RESEARCH_USE]: "Nothing more of hers is shared for research, and research answers stop counting her. The charity keeps her notes, held back, unless she also asks for them to be erased.",
  [Purpose.QUOTATION]: "Her words will not be quoted in anything new, and approved quotes are no longer offered to researchers.",
  [Purpose.SHARE_WITH_PRACTICE]: "Nothing more is passed to her GP practice.",
  [Purpose.CONTACT]: "The charity will not contact her.",
};

// Purposes in the order people are asked about them.
export const purposeOrder: Purpose[] = [
  Purpose.GROUP_PARTICIPATION, Purpose.RESEARCH_USE, Purpose.QUOTATION, Purpose.SHARE_WITH_PRACTICE, Purpose.CONTACT,
];

export const methods: Record<ConsentMethod, Described> = {
  [ConsentMethod.UNSPECIFIED]: { label: "Not recorded", explanation: "" },
  [ConsentMethod.VERBAL]: { label: "Spoken", explanation: "She said yes out loud, in person or on the phone." },
  [ConsentMethod.WRITTEN]: { label: "Written", explanation: "She signed a consent form." },
  [ConsentMethod.DIGITAL]: { label: "Digital", explanation: "She agreed online, by email or by text message." },
};

export const states: Record<ConsentState, { label: string; colour: TagColour }> = {
  [ConsentState.UNSPECIFIED]: { label: "Not recorded", colour: "grey" },
  [ConsentState.NOT_GIVEN]: { label: "Not agreed", colour: "grey" },
  [ConsentState.GIVEN]: { label: "Agreed", colour: "green" },
  [ConsentState.WITHDRAWN]: { label: "Withdrawn", colour: "white" },
};

export const contributionStates: Record<ContributionState, Described & { colour: TagColour }> = {
  [ContributionState.UNSPECIFIED]: { label: "Not recorded", explanation: "", colour: "grey" },
  [ContributionState.ACTIVE]: { label: "Shared for research", explanation: "Held by the charity and passed on for research with names and details taken out.", colour: "green" },
  [ContributionState.RETRACTED]: { label: "Taken back", explanation: "She took it back. It is no longer shared for research.", colour: "grey" },
  [ContributionState.WITHHELD]: { label: "Held back", explanation: "She withdrew research use. The charity keeps it, but it is not shared.", colour: "yellow" },
  [ContributionState.ERASED]: { label: "Erased", explanation: "Erased at her request. Only a note that it existed remains.", colour: "white" },
};

export const historyEvents: Record<HistoryEventType, string> = {
  [HistoryEventType.UNSPECIFIED]: "Change",
  [HistoryEventType.PARTICIPANT_CREATED]: "Added to Bridging",
  [HistoryEventType.CONSENT_GIVEN]: "Agreed",
  [HistoryEventType.CONSENT_WITHDRAWN]: "Withdrew",
  [HistoryEventType.ERASURE_REQUESTED]: "Asked for her contributions to be erased",
};

// "taking part in the group and being quoted anonymously"
export function purposeList(values: Purpose[]): string {
  const words = values.map((p) => purposes[p]?.short ?? "an unknown purpose");
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

// "research use…" -> "Research use…", for a list that starts a cell or a sentence.
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
