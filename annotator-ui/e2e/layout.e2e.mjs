// The layout of the main screens, each visited as the role that uses it, at 1280×800 and 1440×900:
//   - no visible control (button, link, input, select, textarea) reaches past the viewport's right or
//     left edge, or past the edge of a box that clips it (a panel that scrolls sideways);
//   - no text is below WCAG 2.1 AA contrast, and axe-core finds nothing else against WCAG 2.1 A and AA
//     (its wcag2a, wcag2aa, wcag21a and wcag21aa rules, color-contrast among them);
//   - the dark sidebar runs the page's whole height, and reaches the window's bottom on a long page
//     scrolled to its end;
//   - a toast never covers the table row the user just acted on, nor any other row.
// Beside the main screens (projects, a project's overview, databases and a database, questions and a
// question's history, annotate and its outcome, review with a claimed item in three of its decisions,
// dashboard, metrics, pipelines, batches, evaluations, snapshots and a snapshot, members, settings) it
// visits the guidelines, the agent, optimizations, the project's activity, users and the account page.
// The data the screens need is built first: the Spider sample's concert_singer with its 45 dev
// questions (imported through the UI), two annotators who answer seven questions, three differently
// (three disagreements to review) and four alike (accepted), guidelines with rules to cite, a
// reviewer, a lead's metrics computation and a snapshot cut, all through the API as the signed-in user.
// Same environment as shell.e2e.mjs; the Spider folder is the repository's testdata/sample/spider
// (GOLDSET_E2E_SPIDER overrides it).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, BASE, isMac, skipUnlessConfigured, typeInEditor, uniqueSuffix, until } from './harness.mjs';
import { browserSpec, hasSpider, newSpiderProject, pageApi, signInAs as signInAsIn, SPIDER, spiderZip } from './spec.mjs';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
];
const DB = 'concert_singer';
const QUESTIONS = 45;

const suffix = uniqueSuffix();
const projectName = `E2E layout ${suffix}`;
const LEAD = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };
const person = (who, name) => ({ email: `layout-${who}-${suffix}@example.com`, name, password: `${who}-password-1` });
const ANNOTATORS = [person('a', 'Layout Annotator A'), person('b', 'Layout Annotator B')];
const REVIEWER = person('r', 'Layout Reviewer');
// More members, so that the Members table runs past the bottom of the window.
const MORE = Array.from({ length: 12 }, (_, i) => person(`m${i + 1}`, `Layout Member ${i + 1}`));

const skip = skipUnlessConfigured || (!hasSpider && `no Spider dataset at ${SPIDER}`);

let projectUrl = '';
let projectApi = '';
let databaseId = 0;
let zipPath = '';

const { open, page, screenshot, step, tab } = browserSpec('layout-', {
  prepare: (dir) => {
    zipPath = spiderZip(dir, DB, () => true, QUESTIONS);
  },
});

const signInAs = (who) => signInAsIn(page, who, projectUrl, projectName);

/**
 * Call the API from the page, as the signed-in user (the session cookie, and the CSRF token from its
 * cookie on writes); fails unless the status is one of `expect`. Setup only: what is checked is the UI.
 */
async function api(method, path, body, expect = method === 'POST' && body !== undefined ? [200, 201] : [200]) {
  const res = await pageApi(page, method, path, body);
  assert.ok([expect].flat().includes(res.status), `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** As an annotator: claim the next `n` items and submit `sql(nlqId)` for each; returns the questions answered. */
async function annotate(n, sql) {
  const done = [];
  for (let i = 0; i < n; i++) {
    const next = await api('POST', `${projectApi}/annotation/next`);
    await api('POST', `${projectApi}/annotation/items/${next.item.id}/submit`, { version: next.item.version, sql: sql(next.item.nlq_id) });
    done.push(next.item.nlq_id);
  }
  return done;
}

/** Wait until the screen has loaded what it shows: no loading indicator, then two frames. */
async function settle() {
  await until(async () => (await page.locator('.loading').count()) === 0, `the screen at ${page.url()} finishes loading`, 30_000);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/**
 * Every visible control that reaches past the viewport, or past the edge of an ancestor that clips
 * what overflows it sideways (overflow other than visible): the part past that edge cannot be seen
 * without scrolling the box, and at these widths nothing should need it.
 */
function controlsCutOff() {
  return page.evaluate(() => {
    const describe = (el) => {
      const name =
        el.getAttribute('aria-label') ||
        (el.labels?.[0]?.textContent ?? '') ||
        (el.textContent ?? '').replace(/\s+/g, ' ').trim() ||
        el.getAttribute('name') ||
        el.getAttribute('placeholder') ||
        '';
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      return `<${el.tagName.toLowerCase()}${cls}> “${name.slice(0, 60)}”`;
    };
    const width = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll('button, a[href], input, select, textarea')) {
      if (el instanceof HTMLInputElement && el.type === 'hidden') continue;
      const r = el.getBoundingClientRect();
      // Nothing to see: not rendered, or visually hidden (1 px, clipped) for screen readers.
      if (r.width <= 1 || r.height <= 1) continue;
      if (getComputedStyle(el).visibility === 'hidden') continue;
      // Parked left of the page until focused (the skip link).
      if (r.right <= 0) continue;
      let problem = '';
      if (r.left < -0.5 || r.right > width + 0.5) problem = `spans x=${Math.round(r.left)}–${Math.round(r.right)}, the viewport is ${width} px wide`;
      for (let p = el.parentElement; !problem && p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX === 'visible') continue;
        const box = p.getBoundingClientRect();
        const left = box.left + p.clientLeft;
        const right = left + p.clientWidth;
        if (r.left < left - 0.5 || r.right > right + 0.5) {
          problem = `spans x=${Math.round(r.left)}–${Math.round(r.right)}, cut by ${describe(p).split(' ')[0]} at x=${Math.round(left)}–${Math.round(right)}`;
        }
      }
      if (problem) out.push(`${describe(el)} ${problem}`);
    }
    return out;
  });
}

/** What axe-core finds against WCAG 2.1 A and AA: text below AA contrast, and the rest. */
async function wcagViolations() {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    // A control that was just pressed fades to its new colours (CSS transitions): measure the colours
    // it ends with, not one frame of the fade.
    await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)));
    // @ts-ignore: injected above
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations.flatMap((v) =>
      v.nodes.map((n) => `[${v.id}] ${n.target.join(' ')} “${(document.querySelector(n.target[0])?.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 50)}”: ${[...n.any, ...n.all, ...n.none].map((a) => a.message).join('; ')}`),
    );
  });
}

/**
 * Where the sidebar's box ends, with the page scrolled to its end and at its top (in page coordinates:
 * the dark column must run the page's whole height, as a full-page capture or a print shows it), and
 * the window's and the page's heights.
 */
async function sidebarReach() {
  return page.evaluate(async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const sidebar = /** @type {HTMLElement} */ (document.querySelector('.sidebar'));
    window.scrollTo(0, document.documentElement.scrollHeight);
    await frame();
    const atEnd = sidebar.getBoundingClientRect().bottom;
    window.scrollTo(0, 0);
    await frame();
    return { atEnd, fromTop: sidebar.getBoundingClientRect().bottom, window: window.innerHeight, page: document.documentElement.scrollHeight };
  });
}

/** Problems found on the screens so far, as "screen @ width: what". */
const problems = [];

/** Fail with every problem found since the last call, one a line. */
function assertNoProblems() {
  const found = problems.splice(0);
  assert.equal(found.length, 0, `${found.length} layout problems:\n${found.join('\n')}`);
}

/** The longest page seen, so the sidebar check is known to have met a page that scrolls. */
let longest = { screen: '', ratio: 0 };

/** Check the screen on the page at every viewport size. */
async function checkScreen(name) {
  await settle();
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await settle();
    const at = `${name} @ ${viewport.width}×${viewport.height}`;
    for (const p of await controlsCutOff()) problems.push(`${at}: control cut off: ${p}`);
    for (const p of await wcagViolations()) problems.push(`${at}: WCAG: ${p}`);
    const reach = await sidebarReach();
    if (reach.atEnd < reach.window - 0.5) problems.push(`${at}: scrolled to the end, the sidebar ends at y=${Math.round(reach.atEnd)} of a ${reach.window} px window`);
    if (reach.fromTop < reach.page - 0.5) problems.push(`${at}: the sidebar's column ends at y=${Math.round(reach.fromTop)} of a ${reach.page} px page`);
    if (reach.page / reach.window > longest.ratio) longest = { screen: at, ratio: reach.page / reach.window };
    await screenshot(`90-layout-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${viewport.width}`);
  }
  await page.setViewportSize(VIEWPORTS[1]);
}

/** Open a project tab and check it. */
async function checkTab(label, ready) {
  await tab(label);
  await ready();
  await checkScreen(label);
}

describe('Goldset layout at 1280×800 and 1440×900', { skip }, () => {
  open();

  it('builds a project with questions, disagreements, metrics and a snapshot', async () => {
    await step('project-and-import', async () => {
      ({ url: projectUrl, api: projectApi } = await newSpiderProject(page, projectName, zipPath, QUESTIONS));
      const { databases } = await api('GET', `${projectApi}/databases`);
      databaseId = databases.find((d) => d.name === DB).id;
    });

    await step('people', async () => {
      for (const who of [...ANNOTATORS, REVIEWER, ...MORE]) await api('POST', '/api/v1/users', { email: who.email, name: who.name, password: who.password });
      for (const who of ANNOTATORS) await api('POST', `${projectApi}/members`, { email: who.email, role: 'annotator' });
      await api('POST', `${projectApi}/members`, { email: REVIEWER.email, role: 'reviewer' });
      for (const who of MORE) await api('POST', `${projectApi}/members`, { email: who.email, role: 'annotator' });
    });

    await step('guidelines', async () => {
      // Rules for the review's "Cited rules", some with long titles and long identifiers.
      const markdown = [
        '# Annotation guidelines',
        '## R: Qualify every column with its table when two joined tables share a column name',
        'Write singer.name, not name.',
        '## R: Count entities, not rows',
        'count(DISTINCT singer_id) when a singer can appear twice.',
        '## R: Use concert_singer.singer_in_concert_identifier_reference for who sang where',
        'The join table, never a guess from names.',
        '## R: Order names alphabetically unless the question asks for another order',
        'ORDER BY name.',
        '## R: Keep the columns the question asks for, in its order',
        'No extra columns.',
        '## R: Years are integers',
        'Compare with 2014, not with a date.',
        '',
      ].join('\n\n');
      await api('PUT', `${projectApi}/guidelines`, { markdown, summary: 'First rules', version: 0 }, [200, 201]);
    });

    await step('disagreements', async () => {
      // Two annotators per question. A writes the imported gold SQL for seven questions; B is handed
      // the same seven and writes SELECT 1 for the first three (disagreements, to review) and the gold
      // SQL for the other four (accepted by agreement).
      const { policy } = await api('GET', `${projectApi}/policy`);
      await api('PUT', `${projectApi}/policy`, { version: policy.version, dual_share: 1, annotators_per_item: 2, audit_rate: 0 });
      await api('POST', `${projectApi}/annotation/plan`, { share: 1 });
      const { nlqs } = await api('GET', `${projectApi}/nlqs?limit=100`);
      const gold = new Map(nlqs.map((n) => [n.id, n.candidate?.sql]));
      await signInAs(ANNOTATORS[0]);
      const answered = await annotate(7, (id) => gold.get(id));
      await signInAs(ANNOTATORS[1]);
      const disagreed = answered.slice(0, 3);
      assert.deepEqual(await annotate(7, (id) => (disagreed.includes(id) ? 'SELECT 1' : gold.get(id))), answered, 'the second annotator is given the same questions');
      await signInAs(LEAD);
    });

    await step('metrics', async () => {
      await tab('Metrics');
      await page.getByRole('button', { name: 'Compute metrics' }).click();
      await page.getByRole('table', { name: 'Metrics per stage' }).waitFor({ timeout: 60_000 });
    });

    await step('snapshot', async () => {
      // The four questions both annotators answered alike are accepted.
      await api('POST', `${projectApi}/snapshots`, { name: 'layout v1', seed: 1 });
    });
  });

  it('fits the lead’s screens', async () => {
    await step('projects', async () => {
      await page.goto(`${BASE}/projects`);
      await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
      await checkScreen('Projects');
    });
    await step('overview', async () => {
      await page.goto(projectUrl);
      await page.getByRole('heading', { name: projectName, level: 1 }).waitFor();
      await checkScreen('Overview');
    });
    await step('databases', () => checkTab('Databases', () => page.getByRole('link', { name: DB }).first().waitFor()));
    await step('database', async () => {
      await page.goto(`${projectUrl}/databases/${databaseId}`);
      await page.getByRole('heading', { name: DB, level: 1 }).waitFor();
      await checkScreen('Database');
    });
    await step('questions', async () => {
      await page.goto(projectUrl);
      await checkTab('Questions', () => until(async () => (await page.getByRole('table', { name: 'Questions' }).getByRole('row').count()) > 20, 'the questions listed'));
    });
    await step('question-history', async () => {
      // The last question listed is the first imported, which both annotators answered.
      await page.getByRole('table', { name: 'Questions' }).getByRole('row').last().getByRole('link').first().click();
      const drawer = page.getByRole('dialog', { name: /^Question #\d+$/ });
      await drawer.getByTestId('timeline').waitFor();
      await checkScreen('Question history');
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'detached' });
    });
    await step('dashboard', () => checkTab('Dashboard', () => page.getByRole('table', { name: 'Cycles' }).waitFor()));
    await step('metrics', async () => {
      await checkTab('Metrics', () => page.getByRole('table', { name: 'Metrics per stage' }).waitFor());
      // What the page says is about the dataset, never about how Goldset was planned.
      // What the page says is about the dataset, never about how Goldset was planned (a stage's name,
      // such as human-seed, is the data's own).
      const text = await page.getByRole('main').innerText();
      for (const m of text.matchAll(/.{0,40}(?<![\w-])(seeds?|phases?|planning|DESIGN\.md)(?![\w-]).{0,40}/gi)) {
        problems.push(`Metrics: internal text: “${m[0]}”`);
      }
    });
    await step('pipelines', () => checkTab('Pipelines', () => page.getByRole('form', { name: 'New pipeline run' }).waitFor()));
    await step('batches', () => checkTab('Batches', () => page.getByRole('form', { name: 'New agent batch' }).waitFor()));
    await step('evaluations', () => checkTab('Evaluations', () => page.getByRole('form', { name: 'New evaluation' }).waitFor()));
    await step('snapshots', () => checkTab('Snapshots', () => page.getByRole('form', { name: 'Cut a snapshot' }).waitFor()));
    await step('snapshot', async () => {
      await page.getByRole('link', { name: /layout v1/ }).first().click();
      await page.getByRole('heading', { name: /Snapshot #\d+ layout v1/ }).waitFor();
      await checkScreen('Snapshot');
    });
    await step('guidelines', () => checkTab('Guidelines', () => page.getByRole('list', { name: 'Rules' }).waitFor()));
    await step('agent', () => checkTab('Agent', () => page.getByRole('form', { name: 'Try the agent' }).waitFor()));
    await step('optimizations', () => checkTab('Optimizations', () => page.getByRole('form', { name: 'New optimization' }).waitFor()));
    await step('members', () => checkTab('Members', () => page.getByRole('cell', { name: REVIEWER.email, exact: true }).waitFor()));
    await step('activity', () => checkTab('Activity', () => page.getByRole('table').first().waitFor()));
    await step('users', async () => {
      await page.goto(`${BASE}/users`);
      await page.getByRole('cell', { name: REVIEWER.email, exact: true }).waitFor();
      await checkScreen('Users');
    });
    await step('account', async () => {
      await page.goto(`${BASE}/account`);
      await page.getByRole('form', { name: 'Change password' }).waitFor();
      await checkScreen('Account');
    });
    await step('settings', async () => {
      await page.goto(`${BASE}/settings/llm`);
      await page.getByRole('heading', { name: 'Language model', level: 1 }).waitFor();
      await checkScreen('Settings');
    });
    assertNoProblems();
  });

  it('fits the annotator’s screens', async () => {
    await step('sign-in', () => signInAs(ANNOTATORS[0]));
    await step('overview', () => checkScreen('Overview (annotator)'));
    await step('questions', () => checkTab('Questions', () => page.getByRole('table', { name: 'Questions' }).waitFor()));
    await step('annotate', async () => {
      await tab('Annotate');
      await page.getByRole('button', { name: 'Start annotating' }).click();
      await page.getByTestId('question').waitFor();
      await page.getByRole('textbox', { name: 'Your SQL', exact: true }).waitFor();
      await checkScreen('Annotate');
    });
    await step('annotate-outcome', async () => {
      await typeInEditor(page, 'Your SQL', 'SELECT count(*) FROM singer');
      await page.keyboard.press(`${isMac ? 'Meta' : 'Control'}+s`);
      await page.getByTestId('outcome').waitFor();
      await checkScreen('Annotate, the outcome');
    });
    assertNoProblems();
  });

  it('fits the review screen with a claimed item', async () => {
    await step('review', async () => {
      await signInAs(REVIEWER);
      await tab('Review');
      await page.getByRole('button', { name: 'Start reviewing' }).click();
      await page.getByTestId('question').waitFor();
      await page.getByTestId('review-results').waitFor();
      // Accepting A names its author, an email address: one long word in a narrow panel.
      await page.keyboard.press('a');
      await page.getByTestId('accept-choice').waitFor();
      await checkScreen('Review, accepting A');
      // A rewritten question has its own text box.
      await page.keyboard.press('w');
      await page.getByLabel('New question').waitFor();
      await checkScreen('Review, rewriting the question');
      // Editing the SQL puts an editor in the panel.
      await page.getByRole('group', { name: 'Other decisions' }).getByRole('button', { name: /^Edit & accept/ }).click();
      await page.getByRole('textbox', { name: 'Final SQL', exact: true }).waitFor();
      await checkScreen('Review, editing the SQL');
      // The compared candidates' captions say who wrote each and how many rows it returned, apart.
      const captions = await page.getByTestId('sql-side-by-side').locator('figcaption').allTextContents();
      assert.equal(captions.length, 2);
      for (const caption of captions) {
        if (!/^\S.* · \d+ rows?$/.test(caption)) problems.push(`Review: a compared candidate's caption reads “${caption}”`);
      }
    });
    await step('snapshots', () => checkTab('Snapshots', () => page.getByRole('link', { name: /layout v1/ }).first().waitFor()));
    assertNoProblems();
    assert.ok(longest.ratio > 1.5, `a page at least one and a half windows long was checked for the sidebar (longest: ${longest.screen})`);
  });

  it('shows a toast away from the table row just changed', async () => {
    await step('members-toast', async () => {
      await signInAs(LEAD);
      await tab('Members');
      const table = page.getByRole('table').first();
      const rows = table.locator('tbody tr');
      await until(async () => (await rows.count()) >= MORE.length, 'every member listed');
      for (const viewport of VIEWPORTS) {
        await page.setViewportSize(viewport);
        // A member in the middle of the list, scrolled to just above the window's bottom edge.
        const who = MORE[viewport.width === 1280 ? 4 : 5];
        const select = page.getByLabel(`Role of ${who.name}`);
        await select.evaluate((el) => {
          const row = /** @type {HTMLElement} */ (el.closest('tr'));
          window.scrollBy(0, row.getBoundingClientRect().bottom - (window.innerHeight - 24));
        });
        const role = (await select.inputValue()) === 'reviewer' ? 'annotator' : 'reviewer';
        await select.selectOption(role);
        const toast = page.getByRole('status').filter({ hasText: `${who.name} is now ${role}` });
        await toast.waitFor();
        const overlaps = await page.evaluate(() => {
          const toasts = [...document.querySelectorAll('.toast')].map((t) => t.getBoundingClientRect());
          const out = [];
          for (const row of document.querySelectorAll('tr')) {
            const r = row.getBoundingClientRect();
            if (r.bottom <= 0 || r.top >= window.innerHeight) continue;
            for (const t of toasts) {
              if (t.left < r.right && r.left < t.right && t.top < r.bottom && r.top < t.bottom) {
                out.push(`a toast at x=${Math.round(t.left)}–${Math.round(t.right)}, y=${Math.round(t.top)}–${Math.round(t.bottom)} covers the row “${(row.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60)}”`);
              }
            }
          }
          return out;
        });
        await screenshot(`91-layout-toast-${viewport.width}`);
        assert.deepEqual(overlaps, [], `at ${viewport.width}×${viewport.height}`);
        await page.getByRole('button', { name: 'Dismiss' }).first().click();
        await toast.waitFor({ state: 'detached' });
      }
    });
  });
});
