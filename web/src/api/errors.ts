// Turns a failed call into words for the person using the page: what happened, whether
// anything was saved, and what they can do next.
import { Code, ConnectError } from "@connectrpc/connect";

export interface Explained {
  code: Code | undefined;
  // One or two plain sentences, safe to show.
  message: string;
  // The request field the server named as wrong, when it did (e.g. "review_date").
  field?: string;
}

// The server's INVALID_ARGUMENT messages start with the offending field ("action.title: ...").
function fieldOf(message: string): string | undefined {
  const match = /^([a-z_]+(?:\.[a-z_]+)*):\s/.exec(message);
  return match ? match[1] : undefined;
}

export function explainError(error: unknown): Explained {
  if (!(error instanceof ConnectError)) {
    return { code: undefined, message: "Something went wrong in this page. Nothing was saved. Please reload and try again." };
  }
  const detail = error.rawMessage;
  switch (error.code) {
    case Code.Unauthenticated:
      return { code: error.code, message: "The key was not accepted. Check it was copied in full; it may also have expired or been revoked." };
    case Code.PermissionDenied:
      return { code: error.code, message: "Your organisation is not allowed to do this. If you think it should be, ask the Bridging team." };
    case Code.NotFound:
      return { code: error.code, message: "We could not find this. It may have been removed, or the link may be wrong." };
    case Code.Aborted:
      return { code: error.code, message: "Someone else changed this after you opened it. Nothing you typed is lost." };
    case Code.Unavailable:
    case Code.DeadlineExceeded:
      return { code: error.code, message: "Part of Bridging is not answering just now. Nothing was changed. Please try again in a minute." };
    case Code.ResourceExhausted:
      return { code: error.code, message: `Bridging is busy or this is too large. ${detail}` };
    case Code.InvalidArgument:
    case Code.FailedPrecondition:
    case Code.AlreadyExists:
    case Code.OutOfRange: {
      // "participant.charity_reference: a participant with this reference already exists":
      // the field is shown by the form; the person reads the reason.
      const field = fieldOf(detail);
      const reason = field ? detail.slice(field.length + 1).trim() : detail;
      return { code: error.code, message: reason.charAt(0).toUpperCase() + reason.slice(1), field };
    }
    default:
      return { code: error.code, message: "Something went wrong on our side. Nothing was changed. Please try again." };
  }
}
