// What people read when a call fails: the server's field prefix becomes a link target, not
// words; codes that carry no useful server text get plain sentences.
import { describe, expect, it } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { explainError } from "./errors";

describe("explainError", () => {
  it("separates the field the server names from the reason", () => {
    const explained = explainError(new ConnectError("participant.charity_reference: a participant with this reference already exists", Code.InvalidArgument));
    expect(explained.field).toBe("participant.charity_reference");
    expect(explained.message).toBe("A participant with this reference already exists");
  });

  it("keeps a message that names no field", () => {
    const explained = explainError(new ConnectError("Nothing to withdraw: she has no consent in place", Code.FailedPrecondition));
    expect(explained.field).toBeUndefined();
    expect(explained.message).toBe("Nothing to withdraw: she has no consent in place");
  });

  it("says plainly what unavailable, stale and refused mean, without the server's words", () => {
    expect(explainError(new ConnectError("redis down at 10.0.0.5", Code.Unavailable)).message).toMatch(/^Part of Bridging is not answering/);
    expect(explainError(new ConnectError("etag mismatch", Code.Aborted)).message).toMatch(/Nothing you typed is lost/);
    expect(explainError(new ConnectError("owner practices/x", Code.PermissionDenied)).message).not.toMatch(/practices/);
    expect(explainError(new ConnectError("bad key", Code.Unauthenticated)).code).toBe(Code.Unauthenticated);
    expect(explainError(new ConnectError("stack trace", Code.Internal)).message).not.toMatch(/stack/);
  });

  it("explains errors that are not from a call", () => {
    expect(explainError(new TypeError("x is undefined")).code).toBeUndefined();
  });
});
