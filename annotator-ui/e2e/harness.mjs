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
 * Every page of the browser is watched for Content-Security-Policy violations (the server's policy
 * must hold for the whole UI): browser.close() then throws if there was any, which fails the suite's
 * after() hook.
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
  const violations = await watchContentSecurityPolicy(context);
  const close = browser.close.bind(browser);
  browser.close = async (options) => {
    await close(options);
    if (violations.length > 0) {
      throw new Error(`Content-Security-Policy violations:\n${[...new Set(violations)].join('\n')}`);
    }
  };
  const page = await context.newPage();
  return { browser, page };
}

/**
 * Collect the context's Content-Security-Policy violations, both as the page sees them
 * (`securitypolicyviolation` events, MDN "SecurityPolicyViolationEvent") and as Chromium logs them
 * ("Refused to … because it violates the following Content Security Policy directive").
 * @param {import('playwright-core').BrowserContext} context
 * @returns {Promise<string[]>} filled as violations happen
 */
async function watchContentSecurityPolicy(context) {
  /** @type {string[]} */
  const violations = [];
  await context.exposeBinding('__goldsetCspViolation', (source, text) => {
    violations.push(`${source.page?.url() ?? ''}: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      // @ts-ignore: exposed by the harness
      window.__goldsetCspViolation(
        `${e.effectiveDirective} refused ${e.blockedURI || 'inline code'} (${e.sourceFile || 'document'}:${e.lineNumber})`,
      );
    });
  });
  context.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy')) violations.push(`${msg.page()?.url() ?? ''}: ${msg.text()}`);
  });
  return violations;
}

/**
 * screenshot(name, element?): save a full-page PNG (or one of an element, scrolled into view: a drawer's
 * content) into GOLDSET_E2E_SCREENSHOTS, if set.
 * @param {() => import('playwright-core').Page} getPage
 */
export function makeScreenshot(getPage) {
  return async function screenshot(/** @type {string} */ name, /** @type {import('playwright-core').Locator=} */ element) {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    const path = join(SHOTS, `${name}.png`);
    await (element ? element.screenshot({ path }) : getPage().screenshot({ path, fullPage: true }));
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

/** As an admin: create a user on the Users page (the caller is then on the Users page). */
export async function createUser(page, { email, name, password }) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await page.getByRole('button', { name: 'New user' }).click();
  const dialog = page.getByRole('dialog', { name: 'New user' });
  await dialog.getByLabel('Email').fill(email);
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Password').fill(password);
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await page.getByRole('cell', { name: email, exact: true }).waitFor();
}

/** As a lead, on a project page: add an existing user to the project with a role. */
export async function addMember(page, email, role) {
  await tab(page, 'Members');
  const form = page.getByRole('form', { name: 'Add a member' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Role').selectOption(role);
  await form.getByRole('button', { name: 'Add member' }).click();
  await page.getByRole('cell', { name: email, exact: true }).waitFor();
}

// ---- A zip archive written with Node alone (entries stored, not compressed) ----

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE), as zip wants it. */
export function crc32(/** @type {Uint8Array} */ data) {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A zip of the given files, stored without compression (what a test fixture needs, and readable by any
 * unzip and by Go's archive/zip, which checks the CRCs). Names use "/" and are UTF-8.
 * @param {{ name: string, data: Buffer }[]} entries
 * @returns {Buffer}
 */
export function storedZip(entries) {
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01: reproducible archives
  const UTF8 = 0x0800;
  const parts = [];
  const central = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const fileName = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); // local file header
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(UTF8, 6);
    local.writeUInt16LE(0, 8); // method: stored
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); // compressed size
    local.writeUInt32LE(data.length, 22); // size
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28); // extra length
    parts.push(local, fileName, data);

    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0); // central directory header
    header.writeUInt16LE(20, 4); // version made by
    header.writeUInt16LE(20, 6); // version needed
    header.writeUInt16LE(UTF8, 8);
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(0, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(data.length, 20);
    header.writeUInt32LE(data.length, 24);
    header.writeUInt16LE(fileName.length, 28);
    // extra, comment, disk, attributes: zero
    header.writeUInt32LE(offset, 42);
    central.push(header, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

/**
 * Wait until check() holds (a page that is still loading or re-rendering gets the time it needs),
 * failing with message after timeout ms.
 */
export async function until(check, message, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
