#!/usr/bin/env bash
# Loads the demo data through the gateway's public API with bridgectl, as each partner
# would: the charity imports its participants and records contributions and withdrawals,
# three practices import their action plans, and the research team looks at the result.
# Every write carries a fixed request id, so loading twice changes nothing.
# Usage: load-demo.sh  (env: BRIDGECTL, BRIDGING_GATEWAY, DEMO_KEYS: the folder of demo keys)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BRIDGECTL=${BRIDGECTL:-bridgectl}
DEMO_KEYS=${DEMO_KEYS:?the folder holding demo-<org>.key files}

as() {  # organisation, then a bridgectl command line
  local key="$DEMO_KEYS/demo-${1//\//-}.key"
  shift
  "$BRIDGECTL" --key-file "$key" "$@"
}

echo "== The charity (charities/sunflower)"
as charities/sunflower import participants "$HERE/participants.csv"
note() {  # reference source theme text
  as charities/sunflower contributions submit "$1" --source "$2" --theme "$3" --text "$4" \
    --request-id "demo-note-$1" >/dev/null
}
note SF-001 interview empowerment-voice-choice \
  "Being offered a longer first appointment meant I could explain things at my own pace."
note SF-002 feedback safety "Reception asked for proof of address again. I left before I was seen."
note SF-003 reflective-note safety "The chaperone offer made the examination bearable."
note SF-005 meeting-observation safety "A quiet room to wait in helped more than anything else."
note SF-006 interview cultural-historical-gender "Staff used my chosen name without being asked twice."
note SF-007 feedback trustworthiness-transparency "I was not rushed. That is rare."
note SF-009 reflective-note cultural-historical-gender "Texts instead of letters: my post goes to a hostel."
note SF-010 meeting-observation trustworthiness-transparency "The nurse explained every step before she did it."
note SF-012 interview peer-support "Being believed the first time matters."
# Robin agreed to be quoted in these exact words.
quote_of=$(as charities/sunflower contributions list SF-001 --json | jq -r '.contributions[0].name')
as charities/sunflower contributions approve-quote "$quote_of" --request-id demo-quote-SF-001 \
  --quote "Being offered a longer first appointment meant I could explain things at my own pace." >/dev/null
# Two withdrawals from research: Sky keeps her words in the group's records, Fern asks for erasure.
as charities/sunflower consent withdraw SF-005 --purpose research-use --by "support worker" \
  --request-id demo-withdraw-SF-005 >/dev/null
as charities/sunflower consent withdraw SF-007 --purpose research-use --erase --by "support worker" \
  --request-id demo-withdraw-SF-007 >/dev/null
as charities/sunflower participants list

echo
echo "== The practices"
for practice in riverside hillview canalside; do
  org="practices/$practice"
  plan=$(as "$org" plans create --title "Trauma-informed access and care" \
    --description "Changes agreed with the co-production group of women with lived experience." \
    --request-id demo-plan --json | jq -r .name)
  as "$org" import actions "$plan" "$HERE/actions-$practice.csv" >/dev/null
  # The first action in progress gets a progress note.
  in_progress=$(as "$org" actions list "$plan" --status in-progress --json | jq -r '.actions[0].name')
  as "$org" actions note "$in_progress" --by "practice manager" --request-id demo-progress \
    --text "Agreed at the practice meeting; first changes made this month." >/dev/null
  # Riverside shares its plan with the charity, so support workers can follow it.
  if [ "$practice" = riverside ]; then
    as "$org" plans share "$plan" --with charities/sunflower --request-id demo-share >/dev/null
  fi
  echo "-- $plan"
  as "$org" plans summary "$plan" | grep -E '^(total_actions|overdue|done_on_time|co_produced)'
done

echo
echo "== The research team (researchers/demo-team): de-identified aggregates only"
# Analytics answers only once it has applied every consent change (it fails closed):
# bridgectl exits 8 until then.
for _ in $(seq 60); do
  if matrix=$(as researchers/demo-team query matrix 2>/dev/null); then break; fi
  sleep 0.5
done
[ -n "${matrix:-}" ] || { echo "analytics did not answer; see .state/logs/analytics.log" >&2; exit 1; }
echo "Contributions by theme and source type:"
echo "$matrix"
echo
echo "Practice actions, shaped with the co-production group or not:"
as researchers/demo-team query run --dataset actions --group-by co-produced
