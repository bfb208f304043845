// readAllPages follows page tokens to the end and keeps every item in order.
import { describe, expect, it } from "vitest";
import { readAllPages } from "./pages";

describe("readAllPages", () => {
  it("asks with each next token until there is none", async () => {
    const pages: Record<string, { items: number[]; nextPageToken: string }> = {
      "": { items: [1, 2], nextPageToken: "b" },
      b: { items: [], nextPageToken: "c" },
      c: { items: [3], nextPageToken: "" },
    };
    const asked: string[] = [];
    const items = await readAllPages(
      async (token) => { asked.push(token); return pages[token]; },
      (page) => page.items,
    );
    expect(items).toEqual([1, 2, 3]);
    expect(asked).toEqual(["", "b", "c"]);
  });
});
