import type { TestAccount } from './accounts';
import type { TestApp } from './test-app';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** A complete challenge body: opens a day after `now`, closes 30 days after. */
export function completeChallenge(now: Date, overrides: Record<string, unknown> = {}) {
  return {
    title: 'Clean Water Sensor Challenge',
    tagline: 'Low-cost sensors that tell a town its water is safe.',
    description: '# The problem\n\nSmall towns cannot afford **lab tests** every week.',
    agency: 'Environmental Protection Agency',
    rules: 'One entry per team. Entries must be original.',
    eligibility: 'Residents of the United States, 18 or older.',
    faq: '**Can teams enter?** Yes.',
    prizeTotal: { amount: '25000.00', currency: 'USD' },
    opensAt: new Date(now.getTime() + DAY).toISOString(),
    closesAt: new Date(now.getTime() + 30 * DAY).toISOString(),
    judgingEndsAt: new Date(now.getTime() + 45 * DAY).toISOString(),
    timeZone: 'America/New_York',
    winnersCount: 3,
    judgesPerSubmission: 2,
    blindJudging: true,
    maxSubmissionsPerSolver: 1,
    visibility: 'public',
    rubric: [
      { key: 'impact', name: 'Impact', description: 'How much it helps', weight: 2, maxScore: 10 },
      { key: 'feasibility', name: 'Feasibility', description: 'Can it be built', weight: 1, maxScore: 5 },
    ],
    fields: [
      { key: 'summary', label: 'Summary', type: 'textarea', required: true, maxLength: 2000 },
      { key: 'website', label: 'Website', type: 'url', required: false },
      { key: 'category', label: 'Category', type: 'select', required: true, options: ['Hardware', 'Software'] },
      { key: 'plan', label: 'Plan (PDF)', type: 'file', required: false, accept: ['application/pdf'], maxBytes: 1048576 },
    ],
    ...overrides,
  };
}

/** Creates and publishes a challenge as `manager`; returns its JSON view. */
export async function publishedChallenge(t: Pick<TestApp, 'http'>, manager: TestAccount, now: Date, overrides: Record<string, unknown> = {}) {
  const created = await t.http.post('/api/v1/challenges').set(manager.auth).send(completeChallenge(now, overrides)).expect(201);
  const published = await t.http.post(`/api/v1/challenges/${created.body.id}/publish`).set(manager.auth).expect(200);
  return published.body;
}

export { DAY, HOUR };
