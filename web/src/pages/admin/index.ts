// The operators' pages: organisations and their API keys (operators never see partners' data).
import type { Route } from "../../router";
import { organisationsRoute } from "./organisations";
import { organisationRoute } from "./organisation";

export const adminRoutes: Route[] = [organisationsRoute, organisationRoute];
