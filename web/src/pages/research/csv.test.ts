// CSV as spreadsheets read it: quoting, and formulas defused.
import { describe, expect, it } from "vitest";
import { csvField, toCsv } from "./csv";

describe("csv", () => {
  it("defuses text a spreadsheet would run as a formula", () => {
    for (const text of ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]) {
      expect(csvField(text).replace(/^"/, "").startsWith("'"), text).toBe(true);
    }
    expect(csvField(-5)).toBe("-5");
  });

  it("quotes commas, quotes and line breaks", () => {
    expect(csvField("a,b")).toBe("\"a,b\"");
    expect(csvField("say \"hi\"")).toBe("\"say \"\"hi\"\"\"");
    expect(csvField("two\nlines")).toBe("\"two\nlines\"");
    expect(csvField("plain")).toBe("plain");
  });

  it("writes a header and rows with CRLF line ends", () => {
    expect(toCsv(["theme", "count"], [["Safety", 10], ["Peer support", ""]])).toBe("theme,count\r\nSafety,10\r\nPeer support,\r\n");
  });
});
