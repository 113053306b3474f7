import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@seamline/clickhouse';
import { createLogger } from '@seamline/log';
import { dashboardUrl } from '@seamline/api';
import { launchChromium } from './support/chromium.ts';
import { buildDashboardApi } from './support/dashboard-api.ts';
import { SEEDED_PERIOD, seedDashboardStore, WINDOWS, type DashboardStore } from './support/dashboard-store.ts';

const logger = createLogger({ service: 'dashboard-test', level: 'warn', pretty: false });
const SCREENSHOTS = new URL('../test-results/dashboard/', import.meta.url);
const { from, to } = SEEDED_PERIOD;

type Summary = Record<string, number | null>;
interface TeamJourney {
  journeyId: string;
}
interface Journey {
  teams: string[];
  touchpoints: { handoff?: { kind: string } }[];
}

/** The dashboard's formats: counts with thousands separators, rates as percentages with one decimal. */
const asCount = (n: number | null) => (n === null ? '—' : new Intl.NumberFormat('en').format(n));
const asPercent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const asMean = (mean: number | null) => (mean === null ? '—' : mean.toFixed(2));
const HEADLINE = {
  contacts: asCount,
  repeatRate: asPercent,
  fcrRate: asPercent,
  contactsPerJourney: asMean,
  crossSiloJourneyRate: asPercent,
  billingTriggeredRate: asPercent,
  transfers: asCount,
  bounces: asCount,
} as const;

describe('the team dashboard in headless Chromium', () => {
  let store: DashboardStore;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let baseUrl = '';
  let adminKey = '';
  let teamKey = '';
  /** The team the key is for: the busiest one whose worst journey has a handoff to show. */
  let team = '';
  /** The other teams, whose journeys the team key may not see unless they touched its team. */
  let otherTeams: string[] = [];
  /** Script errors and CSP violations in the page; the 401 and 403 answers the tests provoke are expected. */
  const pageErrors: string[] = [];

  const api = async <T>(path: string, key: string): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const period = `from=${from}&to=${to}`;
  const worstJourneys = (of: string, key: string) =>
    api<{ journeys: TeamJourney[] }>(`/v1/teams/${encodeURIComponent(of)}/journeys?${period}&sort=contacts&limit=10`, key).then((r) => r.journeys);
  const journey = (id: string, key: string) => api<Journey>(`/v1/journeys/${encodeURIComponent(id)}`, key);
  /** A journey of another team that never touched the key's team. */
  const journeyOfOthers = async (): Promise<string | undefined> => {
    for (const other of otherTeams) {
      for (const { journeyId } of await worstJourneys(other, adminKey)) {
        if (!(await journey(journeyId, adminKey)).teams.includes(team)) return journeyId;
      }
    }
    return undefined;
  };
  const screenshot = (name: string) => page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
  const loaded = (section: string) => page.waitForSelector(`#${section}[aria-busy="false"]`);

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // Launched first: a machine without Chromium fails at once, saying what to install.
    browser = await launchChromium();
    store = await seedDashboardStore({ events: 3000, seed: 42, logger });
    app = await buildDashboardApi({ clickhouse: store.clickhouse.client, orgMap: store.orgMap, windows: WINDOWS, logger });
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    adminKey = (await createApiKey(store.clickhouse.client, { teams: [], admin: true, pii: false, name: 'dashboard test admin' })).key;
    const { teams } = await api<{ teams: { team: string; contacts: number }[] }>(`/v1/metrics/teams?${period}`, adminKey);
    const busiest = teams.filter((row) => row.contacts > 0 && !row.team.includes(':')).sort((a, b) => b.contacts - a.contacts);
    for (const { team: candidate } of busiest) {
      const [worst] = await worstJourneys(candidate, adminKey);
      if (worst && (await journey(worst.journeyId, adminKey)).touchpoints.some((t) => t.handoff)) {
        team = candidate;
        break;
      }
    }
    if (!team) throw new Error('no team of the seeded data has a worst journey with a handoff');
    otherTeams = busiest.map((row) => row.team).filter((t) => t !== team);
    teamKey = (await createApiKey(store.clickhouse.client, { teams: [team], admin: false, pii: false, name: `dashboard test ${team}` })).key;

    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 40[13]\b/.test(message.text())) pageErrors.push(`${message.text()} (${message.location().url})`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
  });

  it('redirects / to the dashboard and asks for an API key', async () => {
    const response = await page.goto(`${baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/');
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.waitForSelector('#login-form #api-key');
    expect(await page.isVisible('#app')).toBe(false);
    await screenshot('1-sign-in');
  });

  it('refuses a wrong key with the 401 message and stays at the sign-in form', async () => {
    await page.fill('#api-key', 'sl_0000000000000000_' + 'x'.repeat(43));
    await page.click('#login-form button[type="submit"]');
    await page.waitForSelector('#login-message:text("401")');
    expect(await page.textContent('#login-message')).toContain('unknown API key');
    expect(await page.isVisible('#app')).toBe(false);
    await screenshot('2-sign-in-refused');
  });

  it("shows the team's headline figures as the API gives them, with sparklines, the transition matrix and the repeat reasons", async () => {
    await page.fill('#api-key', teamKey);
    await page.click('#login-form button[type="submit"]');
    await page.waitForSelector('#app', { state: 'visible' });
    await page.selectOption('#period', 'custom');
    await page.fill('#from', SEEDED_PERIOD.firstDay);
    await page.fill('#to', SEEDED_PERIOD.lastDay);
    // The key's teams, listed for the period: a team key sees its own team only.
    await page.waitForSelector(`select#team option[value="${team}"]`, { state: 'attached' });
    expect(await page.$$eval('select#team option', (options) => options.map((o) => o.getAttribute('value')).filter(Boolean))).toEqual([team]);
    await page.selectOption('#team', team);
    await Promise.all(['headline', 'transitions', 'reasons', 'journeys'].map(loaded));

    const summary = await api<Summary>(`/v1/metrics/summary?${period}&team=${encodeURIComponent(team)}`, teamKey);
    expect(summary.contacts).toBeGreaterThan(0);
    for (const [field, shown] of Object.entries(HEADLINE)) {
      expect(await page.textContent(`[data-field="${field}"] .value`), field).toBe(shown(summary[field] ?? null));
    }
    expect(await page.locator('#headline svg.sparkline path').count()).toBe(8);
    // Each card says in one line what it counts, and links to its definition in the glossary served beside it.
    const glossary = await (await fetch(`${baseUrl}/dashboard/glossary.html`)).text();
    for (const field of Object.keys(HEADLINE)) {
      expect(await page.textContent(`[data-field="${field}"] .counts`), field).toMatch(/^Counts (contacts|mature contacts|journeys|handoffs|repeat contacts) /);
      expect(await page.getAttribute(`[data-field="${field}"] a.label`, 'href'), field).toBe(`glossary.html#${field}`);
      expect(glossary, field).toContain(`id="${field}"`);
    }
    expect(await page.textContent('[data-field="contacts"] .counts')).toContain('(first team)');
    // Each card compares with the period of the same length just before.
    const length = Date.parse(to) - Date.parse(from);
    const before = await api<Summary>(`/v1/metrics/summary?from=${new Date(Date.parse(from) - length).toISOString()}&to=${from}&team=${encodeURIComponent(team)}`, teamKey);
    const contactsChange = (summary.contacts ?? 0) - (before.contacts ?? 0);
    expect(await page.textContent('[data-field="contacts"] .change')).toBe(
      contactsChange === 0 ? '= same as the period before' : `${contactsChange > 0 ? '▲' : '▼'} ${asCount(Math.abs(contactsChange))} ${contactsChange > 0 ? 'more' : 'less'} than the period before`,
    );
    const fcrChange = await page.textContent('[data-field="fcrRate"] .change');
    if (summary.fcrRate === null || before.fcrRate === null) expect(fcrChange).toBe('no figure to compare with in the period before');
    else expect(fcrChange).toContain(`${Math.abs(((summary.fcrRate ?? 0) - (before.fcrRate ?? 0)) * 100).toFixed(1)} pts`);
    expect(await page.textContent('[data-field="fcrRate"] .counts')).toContain('(final team)');

    const transitions = await api<{ silos: { count: number }[] }>(`/v1/metrics/transitions?${period}&team=${encodeURIComponent(team)}`, teamKey);
    const cells = await page.$$eval('table.matrix td', (tds) => tds.map((td) => Number(td.getAttribute('data-count'))));
    expect(cells.reduce((a, b) => a + b, 0)).toBe(transitions.silos.reduce((sum, t) => sum + t.count, 0));

    const { reasons } = await api<{ reasons: { reason: string }[] }>(`/v1/teams/${encodeURIComponent(team)}/repeat-reasons?${period}&limit=5`, teamKey);
    expect(reasons.length).toBeGreaterThan(0);
    expect(await page.$$eval('ol.reasons .reason', (items) => items.map((i) => i.textContent))).toEqual(reasons.map((r) => r.reason));
    await screenshot('3-team-overview');
  });

  it('downloads every table and the figures per interval as the CSV the API gives', async () => {
    for (const [section, path] of [
      ['headline', `/v1/teams/${encodeURIComponent(team)}/trend?${period}&interval=week`],
      ['transitions', `/v1/metrics/transitions?${period}&team=${encodeURIComponent(team)}`],
      ['reasons', `/v1/teams/${encodeURIComponent(team)}/repeat-reasons?${period}&limit=100`],
      ['journeys', `/v1/teams/${encodeURIComponent(team)}/journeys?${period}&sort=contacts&limit=200`],
    ] as const) {
      const [saved] = await Promise.all([page.waitForEvent('download'), page.click(`#${section} button.download`)]);
      const file = await saved.path();
      const fromApi = await (await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${teamKey}`, accept: 'text/csv' } })).text();
      expect(readFileSync(file, 'utf8'), section).toBe(fromApi);
      expect(saved.suggestedFilename()).toMatch(/^seamline-(trend|transitions|repeat-reasons|journeys)-2026-01-01-2026-04-01\.csv$/);
      expect(fromApi.split('\n').length).toBeGreaterThan(2);
    }
  });

  it('lists the worst journeys and opens the first one as a timeline with its handoffs marked', async () => {
    const journeys = await worstJourneys(team, teamKey);
    const rows = await page.$$eval('table.journeys tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-journey')));
    expect(rows).toEqual(journeys.map((j) => j.journeyId));

    await page.click('table.journeys tbody tr:first-child a');
    await loaded('journey');
    const first = journeys[0]!.journeyId;
    expect(new URL(page.url()).hash).toBe(`#/journey/${encodeURIComponent(first)}`);
    const expected = await journey(first, teamKey);
    expect(await page.locator('ol.timeline > li').count()).toBe(expected.touchpoints.length);
    const handoffs = expected.touchpoints.filter((t) => t.handoff).map((t) => t.handoff!.kind);
    expect(handoffs.length).toBeGreaterThan(0);
    expect(await page.$$eval('ol.timeline [data-handoff]', (marks) => marks.map((m) => m.getAttribute('data-handoff')))).toEqual(handoffs);
    await screenshot('4-journey-timeline');

    await page.click('a.back');
    await loaded('headline');
    expect(new URL(page.url()).hash).toBe('#/');
  });

  it("shows the 403 message for another team's journey opened by its link", async () => {
    const foreign = await journeyOfOthers();
    expect(foreign, `a journey of another team that never touched ${team}`).toBeDefined();
    await page.goto(`${baseUrl}/dashboard/#/journey/${encodeURIComponent(foreign!)}`);
    await loaded('journey');
    const message = await page.textContent('#journey .error');
    expect(message).toContain('Not allowed (403)');
    expect(message).toContain('may not see journey');
    await screenshot('5-journey-forbidden');
  });

  it('opens on the view its link names, as the demo prints it, and keeps each change of the controls in the link', async () => {
    // Fresh tabs: no view of this test's earlier ones is left in their session.
    const newTab = async () => {
      const opened = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      opened.on('pageerror', (error) => pageErrors.push(error.message));
      return opened;
    };
    let tab = await newTab();
    const signIn = async () => {
      await tab.fill('#api-key', teamKey);
      await tab.click('#login-form button[type="submit"]');
      await tab.waitForSelector('#app', { state: 'visible' });
    };
    try {
      await tab.goto(dashboardUrl(baseUrl, { team, firstDay: SEEDED_PERIOD.firstDay, lastDay: SEEDED_PERIOD.lastDay }));
      await signIn();
      // Figures at once: no control touched.
      await tab.waitForSelector('#headline[aria-busy="false"]');
      const summary = await api<Summary>(`/v1/metrics/summary?${period}&team=${encodeURIComponent(team)}`, teamKey);
      expect(await tab.textContent('[data-field="contacts"] .value')).toBe(asCount(summary.contacts ?? null));
      expect(await tab.inputValue('#from')).toBe(SEEDED_PERIOD.firstDay);
      // A change of the controls is in the link, and the link opens on it elsewhere.
      await tab.selectOption('#period', '90');
      await tab.waitForURL((url) => url.searchParams.get('period') === '90');
      const link = new URL(tab.url());
      expect([link.searchParams.get('team'), link.searchParams.get('from')]).toEqual([team, null]);
      await tab.close();
      tab = await newTab();
      await tab.goto(link.toString());
      await signIn();
      await tab.waitForSelector('#headline[aria-busy="false"]');
      expect(await tab.inputValue('#period')).toBe('90');
      expect(await tab.inputValue('#team')).toBe(team);
    } finally {
      await tab.close();
    }
  });

  it('cuts days at local midnight in the time zone chosen, across a daylight-saving change, and shows times in it', async () => {
    // New York moves to summer time on 2026-03-08: that day has 23 hours.
    const days = { firstDay: '2026-03-05', lastDay: '2026-03-11' };
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    const trendRequests: URL[] = [];
    tab.on('request', (request) => {
      if (request.url().includes('/trend?')) trendRequests.push(new URL(request.url()));
    });
    try {
      await tab.goto(`${dashboardUrl(baseUrl, { team, ...days })}&tz=America/New_York`);
      await tab.fill('#api-key', teamKey);
      await tab.click('#login-form button[type="submit"]');
      await tab.waitForSelector('#headline[aria-busy="false"]');
      expect(await tab.inputValue('#tz')).toBe('America/New_York');
      const trend = trendRequests.at(-1)!;
      expect([trend.searchParams.get('from'), trend.searchParams.get('to'), trend.searchParams.get('tz')]).toEqual([
        '2026-03-05T05:00:00.000Z',
        '2026-03-12T04:00:00.000Z',
        'America/New_York',
      ]);
      const [saved] = await Promise.all([tab.waitForEvent('download'), tab.click('#headline button.download')]);
      const starts = readFileSync(await saved.path(), 'utf8').trim().split('\n').slice(1).map((line) => line.split(',')[1]);
      expect(starts).toEqual(['2026-03-05T05:00:00.000Z', '2026-03-06T05:00:00.000Z', '2026-03-07T05:00:00.000Z', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', '2026-03-10T04:00:00.000Z', '2026-03-11T04:00:00.000Z']);
      // First-contact resolution over a week: a rate only with enough mature contacts.
      const week = await api<Summary>(`/v1/metrics/summary?from=2026-03-05T05:00:00.000Z&to=2026-03-12T04:00:00.000Z&team=${encodeURIComponent(team)}`, teamKey);
      const fcrShown = await tab.textContent('[data-field="fcrRate"] .value');
      expect(fcrShown).toBe((week.matureContacts ?? 0) < 5 ? `Too few (${week.matureContacts} mature)` : asPercent(week.fcrRate ?? null));
      await tab.screenshot({ path: new URL('7-overview-new-york.png', SCREENSHOTS).pathname, fullPage: true });
      // The same days in Berlin start at its midnight, and a journey's times are shown there, named.
      await tab.selectOption('#tz', 'Europe/Berlin');
      await tab.waitForURL((url) => url.searchParams.get('tz') === 'Europe/Berlin');
      await tab.waitForSelector('#headline[aria-busy="false"]');
      expect(trendRequests.at(-1)!.searchParams.get('from')).toBe('2026-03-04T23:00:00.000Z');
      await tab.screenshot({ path: new URL('8-overview-berlin.png', SCREENSHOTS).pathname, fullPage: true });
      await tab.click('#journeys [data-journey]');
      await tab.waitForSelector('#journey[aria-busy="false"]');
      expect(await tab.textContent('#journey time')).toMatch(/Europe\/Berlin$/);
    } finally {
      await tab.close();
    }
  });

  it('lays the overview out for a phone, and signs out back to the sign-in form, with no script error on the way', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/dashboard/#/`);
    await Promise.all(['headline', 'transitions', 'reasons', 'journeys'].map(loaded));
    await screenshot('6-team-overview-phone');
    await page.click('#sign-out');
    await page.waitForSelector('#login', { state: 'visible' });
    expect(await page.evaluate("sessionStorage.getItem('seamline.apiKey')")).toBeNull();
    expect(pageErrors).toEqual([]);
  });
});
