// Shared pieces of the browser e2e specs (*.e2e.mjs): environment, browser launch, screenshots, steps and
// the flows several specs repeat. Not a test file: `node --test e2e/` only runs *.test.mjs.
// Environment:
//   GOLDSET_E2E_URL            base URL of a fresh server, e.g. http://127.0.0.1:18080
//   GOLDSET_E2E_ADMIN_EMAIL    the bootstrap admin's email
//   GOLDSET_E2E_ADMIN_PASSWORD the bootstrap admin's password
//   CHROMIUM_PATH              optional, defaults to /usr/bin/chromium
//   GOLDSET_E2E_SCREENSHOTS    optional directory: save a PNG of every screen visited
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE = (process.env.GOLDSET_E2E_URL ?? '').replace(/\/$/, '');
export const ADMIN_EMAIL = process.env.GOLDSET_E2E_ADMIN_EMAIL ?? '';
export const ADMIN_PASSWORD = process.env.GOLDSET_E2E_ADMIN_PASSWORD ?? '';
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');
export const SHOTS = process.env.GOLDSET_E2E_SCREENSHOTS;
export const configured = Boolean(BASE && ADMIN_EMAIL && ADMIN_PASSWORD);
// Locally a missing server just skips the suites; in CI it must not pass silently.
if (!configured && process.env.CI) {
  throw new Error('e2e: set GOLDSET_E2E_URL, GOLDSET_E2E_ADMIN_EMAIL and GOLDSET_E2E_ADMIN_PASSWORD');
}
/** The `skip` option of every suite's describe(). */
export const skipUnlessConfigured = configured ? false : 'set GOLDSET_E2E_URL, GOLDSET_E2E_ADMIN_EMAIL, GOLDSET_E2E_ADMIN_PASSWORD';

export const isMac = process.platform === 'darwin';

/** A short random suffix that keeps names (projects, users) unique across runs. */
export function uniqueSuffix() {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Launch headless Chromium and open a page.
 * Defaults are the specs' usual settings (1440×900, 20 s timeout); shell.e2e.mjs passes its own.
 * @param {{ viewport?: { width: number, height: number }, timeout?: number, disableQuic?: boolean }} [options]
 * @returns {Promise<{ browser: import('playwright-core').Browser, page: import('playwright-core').Page }>}
 */
export async function launch({ viewport = { width: 1440, height: 900 }, timeout = 20_000, disableQuic = false } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      ...(disableQuic ? ['--disable-quic'] : []),
      '--no-first-run',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(timeout);
  const page = await context.newPage();
  return { browser, page };
}

/**
 * screenshot(name): save a full-page PNG into GOLDSET_E2E_SCREENSHOTS, if set.
 * @param {() => import('playwright-core').Page} getPage
 */
export function makeScreenshot(getPage) {
  return async function screenshot(/** @type {string} */ name) {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await getPage().screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
}

/**
 * step(name, fn): run a step; on failure save a screenshot named `${prefix}${name}` under artifacts/
 * before rethrowing.
 * @param {string} prefix
 * @param {() => import('playwright-core').Page | undefined} getPage
 */
export function makeStep(prefix, getPage) {
  return async function step(/** @type {string} */ name, /** @type {() => Promise<unknown>} */ fn) {
    try {
      await fn();
    } catch (err) {
      const page = getPage();
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = join(ARTIFACTS, `${prefix}${name.replace(/[^a-z0-9]+/gi, '-')}.png`);
      await page?.screenshot({ path: file, fullPage: true }).catch(() => {});
      console.error(`step "${name}" failed; screenshot: ${file}; url: ${page?.url()}`);
      throw err;
    }
  };
}

/** Submit the login form. Does not wait for the outcome (see signIn). */
export async function login(page, email, password) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
}

/** Log in and wait for the Projects page. */
export async function signIn(page, email, password) {
  await login(page, email, password);
  await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
}

export async function signOut(page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

/** From the Projects page, create a project and wait for its overview; returns its path. */
export async function createProject(page, name) {
  await page.getByRole('button', { name: 'New project' }).click();
  const dialog = page.getByRole('dialog', { name: 'New project' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create project' }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  return new URL(page.url()).pathname;
}

/** Open a tab of the current project. */
export async function tab(page, name, { exact = true } = {}) {
  await page.getByRole('navigation', { name: 'Project sections' }).getByRole('link', { name, exact }).click();
}

/** Open the project's Databases tab, import one CSV file as a database and wait for the summary. */
export async function importCsv(page, file) {
  await tab(page, 'Databases');
  const form = page.getByRole('form', { name: 'Import' });
  await form.getByLabel('Files', { exact: true }).setInputFiles(file);
  await form.getByRole('button', { name: 'Import' }).click();
  await page.getByTestId('import-summary').waitFor();
}

/** Replace everything in a CodeMirror editor with text typed from the keyboard. */
export async function typeInEditor(page, name, text) {
  const editor = page.getByRole('textbox', { name, exact: true });
  await editor.click();
  await page.keyboard.press(isMac ? 'Meta+A' : 'Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
  // Close a completion popup so it cannot swallow the next key.
  await page.keyboard.press('Escape');
}
