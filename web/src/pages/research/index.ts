// The research team's pages: queries, the framework matrix, action progress, the privacy
// budget and approved quotes.
import type { Route } from "../../router";
import { budgetRoute } from "./budget-page";
import { matrixRoute } from "./matrix-page";
import { progressRoute } from "./progress-page";
import { queryRoute } from "./query-page";
import { quotesRoute } from "./quotes-page";

export const researchRoutes: Route[] = [queryRoute, matrixRoute, progressRoute, quotesRoute, budgetRoute];
