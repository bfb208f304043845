// Direct Connect/JSON calls to the gateway with a demo organisation's key, for a test's
// set-up and checks that are not themselves what the test is about.
import { baseUrl, demoKey } from "./harness.mjs";

// call("practice", "bridging.actions.v1.ActionPlanService/GetAction", { name }) -> the answer
// as JSON; throws with the Connect error code and message on failure.
export async function call(who, method, body) {
  const response = await fetch(`${baseUrl}/${method}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${demoKey(who)}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method}: HTTP ${response.status} ${text}`);
  return text === "" ? {} : JSON.parse(text);
}
