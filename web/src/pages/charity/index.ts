// The charity's pages: participants and their consent (record, withdraw with a receipt,
// history, data-use report), reviews due, and contributions.
import type { Route } from "../../router";
import { participantsRoute } from "./participants";
import { participantAddRoute } from "./participant-add";
import { participantRoute } from "./participant";
import { historyRoute } from "./history";
import { reportRoute } from "./report";
import { withdrawalsRoute } from "./withdrawals";
import { withdrawalReceiptRoute } from "./withdrawal-receipt";
import { participantContributionsRoute } from "./participant-contributions";
import { contributionRoute } from "./contribution";
import { reviewsRoute } from "./reviews";
import { contributionsRoute } from "./contributions";

// "/charity/participants/add" comes before "/charity/participants/:participant", which would
// otherwise match it.
export const charityRoutes: Route[] = [
  participantsRoute,
  participantAddRoute,
  participantRoute,
  historyRoute,
  reportRoute,
  withdrawalsRoute,
  withdrawalReceiptRoute,
  participantContributionsRoute,
  contributionRoute,
  reviewsRoute,
  contributionsRoute,
];
