import { createRng, type Rng } from '../../engine/random.ts';
import type { Example } from '../types.ts';

/**
 * Short synthetic news items with one-sentence reference summaries, for the summarization task
 * when no real corpus is available. Each item is built from an event frame (who, what, numbers,
 * where); the article states the facts among quotes and background sentences, the summary
 * restates the key facts in other words — so a model has to select and rephrase, as in XSum.
 * All names (towns, people, companies, teams) are invented; every example is domain 'synthetic'.
 */

const TOWNS = [
  'Northfield',
  'Easton',
  'Millbrook',
  'Ravenport',
  'Lakeside',
  'Westbury',
  'Oakridge',
  'Ashford Vale',
  'Kingsmere',
  'Harrowgate',
  'Stonebridge',
  'Fairhaven',
  'Redcliffe',
  'Brackenford',
  'Elmstead',
  'Thornbury',
  'Larkhill',
  'Marlow Cross',
  'Silverdale',
  'Copperton',
];
const FIRST = [
  'Anna',
  'David',
  'Maria',
  'James',
  'Elena',
  'Thomas',
  'Sarah',
  'Michael',
  'Olga',
  'Peter',
  'Laura',
  'Daniel',
  'Irina',
  'Robert',
  'Helen',
  'Samuel',
  'Nina',
  'George',
  'Clara',
  'Victor',
];
const LAST = [
  'Hartley',
  'Morozova',
  'Bennett',
  'Kowalski',
  'Ferguson',
  'Lindqvist',
  'Okafor',
  'Petrov',
  'Whitmore',
  'Castellano',
  'Duval',
  'Nakamura',
  'Brennan',
  'Sokolova',
  'Ashworth',
  'Reyes',
  'Holm',
  'Varga',
  'Quinn',
  'Adeyemi',
];
const COMPANIES = [
  'Brightline Foods',
  'Norwell Energy',
  'Halcyon Motors',
  'Tessera Software',
  'Bluewater Shipping',
  'Gransden Textiles',
  'Corvid Robotics',
  'Meridian Bank',
  'Pinecrest Pharmaceuticals',
  'Solent Airways',
];
const TEAMS = ['Rovers', 'United', 'Athletic', 'City', 'Wanderers', 'Albion', 'Rangers', 'Town'];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `lead` opens the article; `facts` carry what the summary states and always appear; `extras` may be left out. */
interface Item {
  lead: string;
  facts: string[];
  extras: string[];
  summary: string;
}

const person = (rng: Rng) => `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
const between = (rng: Rng, lo: number, hi: number) => lo + rng.int(hi - lo + 1);
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** Number words for the small counts that news style spells out. */
const WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
const spell = (n: number) => (n <= 10 ? WORDS[n]! : String(n));
/** 12,500 — written out by hand so the text does not depend on the machine's ICU data. */
const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
/** 1st, 2nd, 3rd, 11th, 21st ... */
function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
function twoTowns(rng: Rng): [string, string] {
  const a = rng.pick(TOWNS);
  return [a, rng.pick(TOWNS.filter((t) => t !== a))];
}

function councilProject(rng: Rng): Item {
  const town = rng.pick(TOWNS);
  const project = rng.pick(['library', 'swimming pool', 'bridge', 'primary school', 'sports centre', 'health clinic', 'bus station', 'concert hall']);
  const cost = between(rng, 3, 90);
  const jobs = between(rng, 4, 60) * 10;
  const year = between(rng, 2026, 2031);
  const mayor = person(rng);
  const day = rng.pick(WEEKDAYS);
  const votes = between(rng, 7, 12);
  const against = between(rng, 1, 6);
  const critic = person(rng);
  const alt = rng.pick(['road repairs', 'social housing', 'lower council tax', 'the existing library', 'street lighting']);
  return {
    lead: `${town} council has approved plans for a new ${project} at a meeting on ${day}.`,
    facts: [
      `Councillors voted ${votes} to ${against} in favour of the scheme, which is expected to cost £${cost} million.`,
      `Mayor ${mayor} said the ${project} would create about ${jobs} jobs during construction and "give the town something it has needed for a generation".`,
      `Work is due to start next ${rng.pick(MONTHS)} and the ${project} should open in ${year}.`,
    ],
    extras: [
      `Opposition councillor ${critic} argued that the money would be better spent on ${alt}.`,
      rng.chance(0.5) ? `A public consultation last year found that most residents supported the idea.` : `The site was previously used as a car park.`,
    ],
    summary: `${town} councillors have backed a £${cost}m ${project} that is expected to create about ${jobs} jobs and open in ${year}.`,
  };
}

function footballMatch(rng: Rng): Item {
  const [a, b] = twoTowns(rng);
  const home = `${a} ${rng.pick(TEAMS)}`;
  const away = `${b} ${rng.pick(TEAMS)}`;
  const hg = between(rng, 1, 5);
  const ag = between(rng, 0, hg - 1);
  const scorer = person(rng);
  const minute = between(rng, 5, 89);
  const crowd = between(rng, 20, 450) * 100;
  const place = between(rng, 1, 8);
  const placeWord = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth'][place - 1];
  const manager = person(rng);
  return {
    lead: `${home} beat ${away} ${hg}-${ag} in front of a crowd of ${thousands(crowd)} on ${rng.pick(WEEKDAYS)}.`,
    facts: [
      `${scorer} opened the scoring in the ${ordinal(minute)} minute with a low shot from the edge of the area.`,
      `The win moves ${home} up to ${placeWord} place in the table.`,
    ],
    extras: [
      ag > 0
        ? `${away} pulled ${ag === 1 ? 'a goal' : `${spell(ag)} goals`} back after the break but could not find an equaliser.`
        : `${away} rarely threatened and did not manage a shot on target.`,
      `"The players worked incredibly hard and deserved the three points," said manager ${manager}.`,
      `${home} travel to ${rng.pick(TOWNS)} next weekend.`,
    ],
    summary: `${scorer} scored as ${home} beat ${away} ${hg}-${ag} to climb to ${placeWord} in the table.`,
  };
}

function companyResults(rng: Rng): Item {
  const company = rng.pick(COMPANIES);
  const up = rng.chance(0.55);
  const pct = between(rng, 3, 45);
  const profit = between(rng, 12, 900);
  const ceo = person(rng);
  const reason = up
    ? rng.pick(['strong demand in Asia', 'lower energy costs', 'the launch of a new product range', 'cost cuts made last year'])
    : rng.pick(['higher raw material prices', 'weak consumer spending', 'a costly product recall', 'the strong pound']);
  const shares = between(rng, 1, 12);
  return {
    lead: `${company} has reported a ${pct}% ${up ? 'rise' : 'fall'} in annual profit to £${profit} million.`,
    facts: [`The company said the result reflected ${reason}.`],
    extras: [
      `Chief executive ${ceo} said: "${up ? 'We have had an exceptional year and we expect the momentum to continue.' : 'This has been a difficult year, but we are confident that the measures we have taken will pay off.'}"`,
      `Shares in the firm ${up ? 'rose' : 'fell'} ${shares}% in early trading.`,
      up ? `The company also announced plans to hire ${between(rng, 2, 40) * 50} more staff.` : `Analysts said further job cuts could not be ruled out.`,
    ],
    summary: `${company}'s annual profit ${up ? 'rose' : 'fell'} ${pct}% to £${profit}m, which it put down to ${reason}.`,
  };
}

function storm(rng: Rng): Item {
  const region = twoTowns(rng).join(' and ');
  const name = rng.pick(['Agnes', 'Bram', 'Ciara', 'Dudley', 'Eunice', 'Franklin', 'Gerrit', 'Hannah', 'Isha', 'Jocelyn']);
  const homes = between(rng, 2, 80) * 500;
  const wind = between(rng, 60, 110);
  const schools = between(rng, 3, 90);
  const officer = person(rng);
  return {
    lead: `Storm ${name} has left about ${thousands(homes)} homes without power across ${region}.`,
    facts: [
      `Gusts of up to ${wind} mph were recorded overnight, bringing down trees and power lines.`,
      `${capitalize(spell(schools))} schools were closed on ${rng.pick(WEEKDAYS)} and several roads remain blocked.`,
    ],
    extras: [
      `Engineers are working to restore supplies, but some customers may be without electricity until the weekend.`,
      `"Please stay away from fallen cables and only travel if you really have to," said emergency services officer ${officer}.`,
      `Forecasters expect calmer weather from ${rng.pick(WEEKDAYS)}.`,
    ],
    summary: `Storm ${name} brought gusts of ${wind} mph to ${region}, cutting power to about ${thousands(homes)} homes and closing ${spell(schools)} schools.`,
  };
}

function research(rng: Rng): Item {
  const uni = `University of ${rng.pick(TOWNS)}`;
  const finding = rng.pick([
    ['a blood test that can detect early signs of kidney disease', 'could allow doctors to start treatment years earlier'],
    ['a battery that charges in under ten minutes', 'could make electric cars more practical'],
    ['a drought-resistant variety of wheat', 'could help farmers in dry regions'],
    ['a cheap way to remove plastic from river water', 'could be used in developing countries'],
    ['an app that spots signs of hearing loss in children', 'could speed up diagnosis'],
  ] as const);
  const people = between(rng, 2, 90) * 100;
  const lead = person(rng);
  const journal = rng.pick(['Nature', 'the Lancet', 'Science', 'the British Medical Journal', 'Cell']);
  const years = between(rng, 2, 10);
  return {
    lead: `Researchers at the ${uni} say they have developed ${finding[0]}.`,
    facts: [`Their results, published in ${journal}, suggest the technique ${finding[1]}.`],
    extras: [
      `The team tested the method on ${thousands(people)} ${finding[0].includes('children') ? 'children' : 'samples'} over ${spell(years)} years.`,
      `"We were surprised by how well it worked," said lead author Dr ${lead}.`,
      `The researchers now plan larger trials and hope the method will be widely available within ${spell(between(rng, 3, 10))} years.`,
    ],
    summary: `Scientists at the ${uni} have developed ${finding[0]}, which they say ${finding[1]}.`,
  };
}

function fire(rng: Rng): Item {
  const town = rng.pick(TOWNS);
  const building = rng.pick(['warehouse', 'furniture factory', 'block of flats', 'restaurant', 'school sports hall', 'car showroom']);
  const crews = between(rng, 3, 25);
  const firefighters = crews * between(rng, 4, 6);
  const hurt = between(rng, 0, 6);
  const hour = between(rng, 1, 5);
  const spokesperson = person(rng);
  return {
    lead: `More than ${firefighters} firefighters were called to a fire at a ${building} in ${town} in the early hours of ${rng.pick(WEEKDAYS)}.`,
    facts: [
      `${capitalize(spell(crews))} crews tackled the blaze, which broke out shortly after ${hour} am.`,
      hurt === 0 ? `No-one was hurt.` : `${capitalize(spell(hurt))} ${hurt === 1 ? 'person was' : 'people were'} treated for smoke inhalation.`,
    ],
    extras: [
      `Nearby residents were told to keep their windows and doors closed because of the smoke.`,
      `"The cause of the fire is not yet known and an investigation is under way," said fire service spokesperson ${spokesperson}.`,
    ],
    summary: `${capitalize(spell(crews))} fire crews were sent to a blaze at a ${building} in ${town}; ${hurt === 0 ? 'no-one was hurt' : `${spell(hurt)} ${hurt === 1 ? 'person was' : 'people were'} treated for smoke inhalation`}.`,
  };
}

function festival(rng: Rng): Item {
  const town = rng.pick(TOWNS);
  const kind = rng.pick(['food', 'music', 'folk', 'book', 'film', 'jazz']);
  const visitors = between(rng, 5, 120) * 1000;
  const previous = Math.round(visitors * (0.6 + rng.next() * 0.3));
  const organiser = person(rng);
  const days = between(rng, 2, 5);
  return {
    lead: `A record ${thousands(visitors)} people attended the ${town} ${kind} festival this year, organisers have said.`,
    facts: [`The ${spell(days)}-day event drew ${thousands(previous)} visitors last year.`],
    extras: [
      `This year's programme included more than ${between(rng, 3, 30) * 10} events across ${spell(between(rng, 3, 9))} venues.`,
      `Organiser ${organiser} said: "We are delighted. The atmosphere has been fantastic all weekend."`,
      `Local businesses reported a sharp rise in trade during the festival.`,
    ],
    summary: `The ${town} ${kind} festival attracted a record ${thousands(visitors)} visitors, up from ${thousands(previous)} last year.`,
  };
}

function transport(rng: Rng): Item {
  const [a, b] = twoTowns(rng);
  const mode = rng.pick(['rail line', 'tram route', 'express bus service', 'ferry route']);
  const before = between(rng, 40, 120);
  const after = Math.round(before * (0.4 + rng.next() * 0.3));
  const cost = between(rng, 5, 400);
  const minister = person(rng);
  return {
    lead: `A new ${mode} between ${a} and ${b} has opened to passengers.`,
    facts: [
      `The journey now takes ${after} minutes, compared with ${before} minutes by road.`,
      `The project cost £${cost} million and took ${spell(between(rng, 2, 6))} years to complete.`,
    ],
    extras: [
      `Transport minister ${minister} said the ${mode} would "bring the two towns closer together than ever".`,
      `Services will run every ${rng.pick([10, 15, 20, 30])} minutes during the day.`,
    ],
    summary: `A £${cost}m ${mode} linking ${a} and ${b} has opened, cutting the journey from ${before} to ${after} minutes.`,
  };
}

const FRAMES = [councilProject, footballMatch, companyResults, storm, research, fire, festival, transport];

/**
 * One news item: the lead sentence first (as in real news), then the summary's supporting facts
 * and some background sentences in a seeded order.
 * Returns article text and its reference summary.
 */
export function generateNewsItem(rng: Rng): { article: string; summary: string; frame: string } {
  const frame = rng.pick(FRAMES);
  const item = frame(rng);
  const extras = rng.shuffle([...item.extras]).slice(0, Math.max(1, item.extras.length - rng.int(2)));
  const body = rng.shuffle([...item.facts, ...extras]);
  return { article: [item.lead, ...body].join(' '), summary: item.summary, frame: frame.name };
}

/** `n` distinct synthetic news items (ids `synthetic-news-<seed>-<i>`, domain 'synthetic'). */
export function generateNewsItems(n: number, seed: number | string = 0): Example[] {
  const rng = createRng(seed, 'synthetic-news');
  const seen = new Set<string>();
  const out: Example[] = [];
  for (let attempts = 0; out.length < n && attempts < n * 20 + 100; attempts++) {
    const item = generateNewsItem(rng);
    if (seen.has(item.article)) continue;
    seen.add(item.article);
    out.push({ id: `synthetic-news-${seed}-${out.length}`, domain: 'synthetic', source: item.article, target: item.summary, task: 'summarization' });
  }
  return out;
}

export const NEWS_FRAMES = FRAMES.map((f) => f.name);
