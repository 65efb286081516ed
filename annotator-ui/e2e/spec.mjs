// What every spec sets up the same way: its browser and scratch folder for the length of its suite,
// its step and screenshot helpers, the Spider sample cut down to a few questions and imported through
// the UI, and setup calls to the API made from the page as the signed-in user.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, BASE, createProject, launch, makeScreenshot, makeStep, signIn, signOut, storedZip, tab } from './harness.mjs';

/**
 * A spec's browser and helpers. `open()`, called at the top of the suite's describe(), launches the
 * browser before the tests and closes it after them; `files` (name → content) are written into a
 * scratch folder first, then `prepare(dir)` runs, and the folder is removed after the tests; `file(name)`
 * is the path of one of them. `page` stands for the page open() launches, so that a spec names it once at
 * the top, before the page exists; it may be used once the suite's before() has run. `step`, `screenshot`
 * and `tab` work on that page; a failed step's screenshot is named with `prefix`. `newProjectStep(name)`
 * is the step most specs start with: sign in as the admin and create the project.
 * @param {string} prefix
 * @param {{
 *   files?: Record<string, string>,
 *   prepare?: (dir: string) => unknown,
 *   launchOptions?: Parameters<typeof launch>[0],
 * }} [options]
 */
export function browserSpec(prefix, { files, prepare, launchOptions } = {}) {
  /** @type {import('playwright-core').Browser | undefined} */
  let browser;
  /** @type {import('playwright-core').Page | undefined} */
  let launched;
  let dir = '';
  const current = () => {
    if (!launched) throw new Error('e2e: the page is used before open() has launched it');
    return launched;
  };
  // Every property is read from the launched page, its methods bound to it.
  const page = /** @type {import('playwright-core').Page} */ (
    new Proxy(
      {},
      {
        get: (_, name) => {
          const target = current();
          const value = Reflect.get(target, name, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      },
    )
  );
  const open = () => {
    before(async () => {
      if (files || prepare) {
        dir = mkdtempSync(join(tmpdir(), `goldset-e2e-${prefix}`));
        for (const [name, content] of Object.entries(files ?? {})) writeFileSync(join(dir, name), content);
        await prepare?.(dir);
      }
      ({ browser, page: launched } = await launch(launchOptions));
    });
    after(async () => {
      await browser?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
  };
  const step = makeStep(prefix, () => launched);
  return {
    open,
    page,
    /** @param {string} name one of `files` */
    file: (name) => join(dir, name),
    screenshot: makeScreenshot(current),
    step,
    /** @param {string} name @param {{ exact?: boolean }} [options] */
    tab: (name, options) => tab(current(), name, options),
    /** @param {string} name */
    newProjectStep: (name) => step('login-and-create-project', () => newProject(current(), name)),
  };
}

/** The Spider folder the Spider specs read: GOLDSET_E2E_SPIDER, or the repository's sample. */
export const SPIDER = process.env.GOLDSET_E2E_SPIDER || resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'testdata', 'sample', 'spider');
export const hasSpider = existsSync(join(SPIDER, 'dev.json'));

/**
 * A Spider folder with one database and the dev questions `keep` takes (all `count` of them must be
 * there), zipped into `dir`; returns the zip's path.
 * @param {string} dir
 * @param {string} db
 * @param {(question: string) => boolean} keep
 * @param {number} count
 */
export function spiderZip(dir, db, keep, count) {
  const dev = JSON.parse(readFileSync(join(SPIDER, 'dev.json'), 'utf8')).filter((q) => q.db_id === db && keep(q.question));
  assert.equal(dev.length, count, 'the chosen questions are in dev.json');
  const tables = JSON.parse(readFileSync(join(SPIDER, 'tables.json'), 'utf8')).filter((t) => t.db_id === db);
  const file = join(dir, `spider-${db.replace(/_/g, '-')}.zip`);
  writeFileSync(
    file,
    storedZip([
      { name: 'spider/dev.json', data: Buffer.from(JSON.stringify(dev, null, 1)) },
      { name: 'spider/tables.json', data: Buffer.from(JSON.stringify(tables)) },
      { name: `spider/database/${db}/${db}.sqlite`, data: readFileSync(join(SPIDER, 'database', db, `${db}.sqlite`)) },
    ]),
  );
  return file;
}

/**
 * On the project's Databases tab, import a Spider zip and wait for the summary (returned).
 * @param {import('playwright-core').Page} page
 * @param {string} zipPath
 */
export async function importSpider(page, zipPath) {
  await tab(page, 'Databases');
  const form = page.getByRole('form', { name: 'Import' });
  await form.getByLabel('Spider dataset (zip)').check();
  await form.getByLabel('File', { exact: true }).setInputFiles(zipPath);
  await form.getByRole('button', { name: 'Import' }).click();
  const summary = page.getByTestId('import-summary');
  await summary.waitFor({ timeout: 60_000 });
  return summary;
}

/**
 * Sign in as the admin and create a project named `name`; returns its page's URL and its API path.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function newProject(page, name) {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  const path = await createProject(page, name);
  return { url: `${BASE}${path}`, api: `/api/v1${path}` };
}

/**
 * As the admin, create a project named `name` and import the Spider zip into it, all of its `questions`;
 * returns the project's URL and API path.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 * @param {string} zipPath
 * @param {number} questions
 */
export async function newSpiderProject(page, name, zipPath, questions) {
  const project = await newProject(page, name);
  const summary = await importSpider(page, zipPath);
  assert.match((await summary.textContent()) ?? '', new RegExp(`${questions} questions read: ${questions} imported`));
  return project;
}

/**
 * Sign out, sign in as `who` and open the project at `url` (whose title is `name`).
 * @param {import('playwright-core').Page} page
 * @param {{ email: string, password: string }} who
 */
export async function signInAs(page, who, url, name) {
  await signOut(page);
  await signIn(page, who.email, who.password);
  await page.goto(url);
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

/**
 * Call the API from the page, as the signed-in user: the session cookie, and the CSRF token from its
 * cookie on writes. Setup only; what a spec is about goes through the UI. Returns the status and the
 * parsed body (null when empty).
 * @param {import('playwright-core').Page} page
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<{ status: number, body: any }>}
 */
export function pageApi(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const csrf = document.cookie
        .split(';')
        .map((c) => c.trim())
        .find((c) => c.startsWith('goldset_csrf='));
      const headers = { Accept: 'application/json' };
      if (csrf) headers['X-CSRF-Token'] = decodeURIComponent(csrf.slice('goldset_csrf='.length));
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    { method, path, body },
  );
}

/**
 * On the project's Overview, save a first loop policy in which people also annotate every question.
 * @param {import('playwright-core').Page} page
 */
export async function saveFullDualShare(page) {
  await tab(page, 'Overview');
  const policy = page.getByRole('form', { name: 'Loop policy' });
  await policy.getByLabel('Dual share (%)').fill('100');
  await policy.getByRole('button', { name: 'Save policy' }).click();
  await policy.getByText('Version 1').waitFor();
}
