// Shared by the browser tests: Debian's Chromium driven by playwright-core, a watch on everything
// that goes wrong in a page, the panels' test hooks, screenshots, and signing in with a real token.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createToken } from '../../pipeline/store/tokens.ts';
import type { TestServer } from '../helpers/test-server.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`Skipping the dashboard browser tests: ${CHROMIUM} is missing (apt-get install -y chromium).`);

/** Screenshots of each page, to look at after a change (ignored by git: see the folder's .gitignore). */
export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

/**
 * Routes other engineers are still building: until they land the server answers 404 and the page
 * shows "not available on this server". Only that answer, from only these, is not a problem.
 */
export const COMING_ROUTES: readonly string[] = [];

export function launch(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Everything that went wrong in a page: console errors, page errors, failed requests, HTTP errors. */
export function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    // A failed load is logged by Chromium too; it is judged by its response below.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A reload or a newer view abandons requests in flight: that is not a failure.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
  });
  page.on('response', (response) => {
    if (response.status() < 400) return;
    const path = new URL(response.url()).pathname;
    if (response.status() === 404 && COMING_ROUTES.includes(path)) return;
    problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

export interface PanelHooks {
  state: string;
  rows: number;
  total: number;
  status: string;
  caption: string;
}

/** Waits until none of the panels is loading and no map still has its county paths to come, then returns their test hooks. */
export async function settled(page: Page, ids: readonly string[], timeout = 30_000): Promise<Record<string, PanelHooks>> {
  await page.waitForFunction(
    (list) =>
      document.querySelector('[data-county-paths="pending"]') === null &&
      list.every((id) => {
        const el = document.getElementById(id);
        return el !== null && el.dataset['state'] !== undefined && el.dataset['state'] !== 'loading';
      }),
    ids,
    { timeout },
  );
  return page.evaluate((list) => {
    const out: Record<string, { state: string; rows: number; total: number; status: string; caption: string }> = {};
    for (const id of list) {
      const el = document.getElementById(id)!;
      out[id] = {
        state: el.dataset['state'] ?? '',
        rows: Number(el.dataset['rows'] ?? NaN),
        total: Number(el.dataset['total'] ?? NaN),
        status: el.querySelector('[data-role="status"]')?.textContent ?? '',
        caption: el.querySelector('[data-role="caption"]')?.textContent ?? '',
      };
    }
    return out;
  }, ids);
}

export function expectReady(hooks: Record<string, PanelHooks>): void {
  for (const [id, h] of Object.entries(hooks)) {
    expect(h.state, `#${id} is ${h.state}: ${h.status}`).toBe('ready');
    expect(h.rows, `#${id} data-rows`).toBeGreaterThan(0);
    expect(h.total, `#${id} data-total`).toBeGreaterThan(0);
  }
}

export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export type Role = 'admin' | 'uploader' | 'coder' | 'epidemiologist';

/** A real token for `role`, made in the server's database. */
export async function tokenFor(server: TestServer, role: Role): Promise<string> {
  const { token } = await createToken(server.runtime.db.connection, { name: `browser test ${role}`, role, jurisdictions: role === 'uploader' ? ['OH', 'MD'] : null, createdBy: 'test' });
  return token;
}

/** Whether the server has a route yet (anything but a 404 "no route"). */
export async function serverHas(server: TestServer, path: string, token?: string): Promise<boolean> {
  const response = await fetch(new URL(path, server.url), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (response.status !== 404) return true;
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  return !body.error?.message?.startsWith('no route for');
}

/**
 * Signs in through the page's own form with a real token. Until GET /api/session lands, the page
 * is told the role the token has (what that route will answer); after, the real route answers.
 */
export async function signIn(page: Page, server: TestServer, role: Role): Promise<string> {
  const token = await tokenFor(server, role);
  if (!(await serverHas(server, '/api/session', token))) {
    await page.route('**/api/session', (route) =>
      route.request().headers()['authorization'] === `Bearer ${token}`
        ? route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ role, name: `browser test ${role}` }) })
        : route.continue(),
    );
  }
  await page.fill('#token', token);
  await Promise.all([page.waitForEvent('load'), page.click('#sign-in button[type="submit"]')]);
  // After the reload the page asks who it is, then says so.
  await page.waitForFunction((r) => document.getElementById('signed-in-as')?.textContent?.includes(`(${r})`) ?? false, role, { timeout: 20_000 });
  return token;
}
