// A participant's page: her consent purpose by purpose, and the forms to record a new
// consent or withdraw one.
import type { Route } from "../../router";
import { Role, mayCall } from "../../api/policy";
import { ConsentService, ConsentState } from "../../gen/bridging/consent/v1/consent_pb";
import { h } from "../../ui/dom";
import { loadParticipant, participantName } from "./participants-data";
import { participantHeader } from "./participant-header";
import { consentTable } from "./consent-table";
import { recordConsentForm } from "./record-consent-form";
import { withdrawForm } from "./withdraw-form";

export const participantRoute: Route = {
  path: "/charity/participants/:participant",
  title: "Participant",
  roles: [Role.CHARITY],
  render: async (context) => {
    const { session, params } = context;
    const [participant, status] = await Promise.all([
      loadParticipant(session, params.participant),
      session.clients.consent.getConsentStatus({ participant: participantName(session, params.participant) }),
    ]);
    // Withdrawing comes first while she has something to withdraw: it must never be harder to
    // find than consenting.
    const record = mayCall(session.role, ConsentService.method.recordConsent) ? recordConsentForm(context, participant, status) : null;
    const withdraw = mayCall(session.role, ConsentService.method.withdrawConsent) ? withdrawForm(context, participant, status) : null;
    const hasConsent = status.purposes.some((p) => p.state === ConsentState.GIVEN);
    return [
      ...participantHeader(participant, "consent"),
      consentTable(status, "Her consent"),
      h("div", { class: "nhsuk-grid-row" },
        h("div", { class: "nhsuk-grid-column-two-thirds" },
          hasConsent ? [withdraw, record] : [record, withdraw])),
    ];
  },
};
