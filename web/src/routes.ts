// Every page of the UI, by role. The main menu and the home page's cards come from here.
import type { Route } from "./router";
import { homeRoute } from "./pages/common/home";
import { activityRoute } from "./pages/common/activity";
import { charityRoutes } from "./pages/charity";
import { practiceRoutes } from "./pages/practice";
import { researchRoutes } from "./pages/research";
import { adminRoutes } from "./pages/admin";

export const routes: Route[] = [
  homeRoute(() => routes),
  ...charityRoutes,
  ...practiceRoutes,
  ...researchRoutes,
  ...adminRoutes,
  activityRoute,
];
