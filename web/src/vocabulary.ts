// The words for the domain every role shares: the trauma-informed principles, the parts of a
// practice, action statuses and sources, and kinds of contribution. One set of words, so the
// charity, practices and researchers read the same thing for the same value.
import { ActionSource, ActionStatus } from "./gen/bridging/actions/v1/actions_pb";
import { Area, Principle } from "./gen/bridging/common/v1/types_pb";
import { SourceType } from "./gen/bridging/consent/v1/consent_pb";
import type { TagColour } from "./ui/components";

export interface Described { label: string; explanation: string }

export const actionStatuses: Record<ActionStatus, Described & { colour: TagColour }> = {
  [ActionStatus.UNSPECIFIED]: { label: "Not recorded", explanation: "", colour: "grey" },
  [ActionStatus.PLANNED]: { label: "Planned", explanation: "Agreed, not started yet.", colour: "white" },
  [ActionStatus.IN_PROGRESS]: { label: "In progress", explanation: "Someone is working on it.", colour: "blue" },
  [ActionStatus.DONE]: { label: "Done", explanation: "Finished and in place.", colour: "green" },
  [ActionStatus.BLOCKED]: { label: "Held up", explanation: "Stuck until something else changes.", colour: "orange" },
  [ActionStatus.DROPPED]: { label: "Dropped", explanation: "Decided against; kept for the record.", colour: "grey" },
};

// The six trauma-informed principles, each with one line a practice manager can act on.
export const principles: Record<Principle, Described> = {
  [Principle.UNSPECIFIED]: { label: "Not recorded", explanation: "" },
  [Principle.SAFETY]: { label: "Safety", explanation: "People feel physically and emotionally safe at the practice." },
  [Principle.TRUSTWORTHINESS_TRANSPARENCY]: { label: "Trustworthiness and transparency", explanation: "Decisions are explained openly, so people can trust what will happen." },
  [Principle.PEER_SUPPORT]: { label: "Peer support", explanation: "People with lived experience support each other and help shape care." },
  [Principle.COLLABORATION_MUTUALITY]: { label: "Collaboration and mutuality", explanation: "Staff and patients share decisions and learn from each other." },
  [Principle.EMPOWERMENT_VOICE_CHOICE]: { label: "Empowerment, voice and choice", explanation: "People are listened to, offered real choices and supported to decide." },
  [Principle.CULTURAL_HISTORICAL_GENDER]: { label: "Culture, history and gender", explanation: "Care respects culture, history and gender, and avoids stereotypes." },
};

export const areas: Record<Area, string> = {
  [Area.UNSPECIFIED]: "Not recorded",
  [Area.ACCESS_REGISTRATION]: "Access and registration",
  [Area.APPOINTMENTS]: "Appointments",
  [Area.RECEPTION_ENVIRONMENT]: "Reception and waiting area",
  [Area.STAFF_TRAINING]: "Staff training",
  [Area.CLINICAL_CARE]: "Clinical care",
  [Area.COMMUNICATION]: "Communication",
  [Area.PARTNERSHIP]: "Working with partners",
};

export const actionSources: Record<ActionSource, string> = {
  [ActionSource.UNSPECIFIED]: "Not recorded",
  [ActionSource.CO_PRODUCTION_GROUP]: "The co-production group of women with lived experience",
  [ActionSource.PATIENT_FEEDBACK]: "Patient feedback",
  [ActionSource.STAFF]: "Staff",
  [ActionSource.AUDIT]: "An audit",
};

export const sourceTypes: Record<SourceType, Described> = {
  [SourceType.UNSPECIFIED]: { label: "Not recorded", explanation: "" },
  [SourceType.REFLECTIVE_NOTE]: { label: "Reflective note", explanation: "Something she wrote, or asked us to write down, about her experience." },
  [SourceType.INTERVIEW]: { label: "Interview excerpt", explanation: "Part of an interview with her." },
  [SourceType.MEETING_OBSERVATION]: { label: "Group meeting note", explanation: "Something she said or raised at a co-production group meeting." },
  [SourceType.FEEDBACK]: { label: "Feedback", explanation: "Her feedback about a GP practice or a service." },
};
