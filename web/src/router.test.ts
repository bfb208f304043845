// Route matching: segments, captured parameters and addresses that must not match.
import { describe, expect, it } from "vitest";
import { findRoute, match, type Route } from "./router";

const route = (path: string): Route => ({ path, title: path, roles: [], render: () => null });

describe("match", () => {
  it("captures and decodes parameters", () => {
    expect(match(route("/charity/participants/:participant"), "/charity/participants/p%2F1")).toEqual({ participant: "p/1" });
    expect(match(route("/"), "/")).toEqual({});
  });

  it("refuses other lengths, other words and undecodable parameters", () => {
    const r = route("/practice/plans/:plan");
    expect(match(r, "/practice/plans")).toBeNull();
    expect(match(r, "/practice/plans/a/b")).toBeNull();
    expect(match(r, "/practice/plan/a")).toBeNull();
    expect(match(r, "/practice/plans/%E0%A4%A")).toBeNull();
  });

  it("takes the first route that matches, so fixed words go before parameters", () => {
    const routes = [route("/charity/participants/add"), route("/charity/participants/:participant")];
    expect(findRoute(routes, "/charity/participants/add")?.route.path).toBe("/charity/participants/add");
    expect(findRoute(routes, "/charity/participants/x1")?.params).toEqual({ participant: "x1" });
    expect(findRoute(routes, "/nowhere")).toBeNull();
  });
});
