// A participant's withdrawal receipts, read from her data-use report (the one place the
// service lists them), each with when the research service applied it.
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type { Session } from "../../session";
import type { DataUseReport, WithdrawalReceipt } from "../../gen/bridging/consent/v1/consent_pb";
import { participantName } from "./participants-data";

export interface Receipt {
  receipt: WithdrawalReceipt;
  // When the research service applied it, when it has said.
  analyticsApplyTime?: Timestamp;
}

// The report lists one application per service for each withdrawal, in the withdrawals' order
// ("consent" then "analytics"); it names no receipt, so the pairing is by position.
function analyticsApplyTime(report: DataUseReport, index: number): Timestamp | undefined {
  const application = report.applications.filter((a) => a.service === "analytics")[index];
  if (report.applications.length !== 2 * report.withdrawals.length || !application?.applied) return undefined;
  return application.applyTime;
}

export function receiptsOf(report: DataUseReport): Receipt[] {
  return report.withdrawals.map((receipt, i) => ({ receipt, analyticsApplyTime: analyticsApplyTime(report, i) }));
}

export async function loadReport(session: Session, participantId: string): Promise<DataUseReport> {
  return session.clients.contributions.getDataUseReport({ participant: participantName(session, participantId) });
}

// The id part of .../withdrawals/{id}.
export function receiptId(receipt: WithdrawalReceipt): string {
  return receipt.name.split("/").pop() ?? "";
}
