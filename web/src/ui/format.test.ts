// Dates between <input type="date">, the proto Date and words; enum labels.
import { describe, expect, it } from "vitest";
import { dateInputValue, enumLabel, enumValues, formatDate, isPast, parseDateInput, daysFromToday } from "./format";
import { PrincipleSchema } from "../gen/bridging/common/v1/types_pb";

describe("dates", () => {
  it("round-trips an input value through the proto Date", () => {
    const date = parseDateInput(" 2027-03-31 ");
    expect(date).toMatchObject({ year: 2027, month: 3, day: 31 });
    expect(dateInputValue(date)).toBe("2027-03-31");
  });

  it("refuses what is not a date input value", () => {
    for (const value of ["", "2027-3-31", "31/03/2027", "2027-03-31T00:00", "abcd-ef-gh"]) {
      expect(parseDateInput(value), value).toBeUndefined();
    }
  });

  it("writes dates in words, a day of 0 as the month, and unset as nothing", () => {
    expect(formatDate({ year: 2027, month: 3, day: 31 } as never)).toBe("31 March 2027");
    expect(formatDate({ year: 2027, month: 3, day: 0 } as never)).toBe("March 2027");
    expect(formatDate(undefined)).toBe("");
    expect(dateInputValue(undefined)).toBe("");
  });

  it("knows yesterday is past and today is not", () => {
    expect(isPast(daysFromToday(-1))).toBe(true);
    expect(isPast(daysFromToday(0))).toBe(false);
    expect(isPast(undefined)).toBe(false);
  });
});

describe("enums", () => {
  it("lists values without UNSPECIFIED and labels them readably", () => {
    expect(enumValues(PrincipleSchema)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(enumLabel(PrincipleSchema, 3)).toBe("Peer support");
    expect(enumLabel(PrincipleSchema, 99)).toBe("Unknown");
  });
});
