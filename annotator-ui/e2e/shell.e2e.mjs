// End-to-end test of the UI shell against a real Goldset server.
// Run with `node --test e2e/` and:
//   GOLDSET_E2E_URL            base URL of a fresh server, e.g. http://127.0.0.1:18080
//   GOLDSET_E2E_ADMIN_EMAIL    the bootstrap admin's email
//   GOLDSET_E2E_ADMIN_PASSWORD the bootstrap admin's password
//   CHROMIUM_PATH              optional, defaults to /usr/bin/chromium
//   GOLDSET_E2E_SCREENSHOTS    optional directory: save a PNG of every screen visited
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, BASE, login, signIn, signOut, skipUnlessConfigured, tab, uniqueSuffix } from './harness.mjs';
import { browserSpec } from './spec.mjs';

const suffix = uniqueSuffix();
const projectName = `E2E project ${suffix}`;
const annotatorEmail = `annotator-${suffix}@example.com`;
const annotatorPassword = `annotator-pw-${suffix}`;

let projectPath = '';

const { open, page, screenshot, step } = browserSpec('', {
  launchOptions: { viewport: { width: 1280, height: 800 }, timeout: 15_000, disableQuic: true },
});

describe('Goldset UI shell', { skip: skipUnlessConfigured }, () => {
  open();

  it('shows an error for a wrong password', async () => {
    await step('wrong-password', async () => {
      await login(page, ADMIN_EMAIL, `${ADMIN_PASSWORD}-wrong`);
      const alert = page.getByRole('alert').filter({ hasText: /wrong email or password/i });
      await alert.waitFor();
      assert.match(page.url(), /\/login$/);
      await screenshot('01-login-error');
    });
  });

  it('lets an admin create a project and a user, and add the user as annotator', async () => {
    await step('admin-login', async () => {
      await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
      await screenshot('02-projects-admin');
    });

    await step('create-project', async () => {
      await page.getByRole('button', { name: 'New project' }).click();
      const dialog = page.getByRole('dialog', { name: 'New project' });
      await dialog.getByLabel('Name').fill(projectName);
      await dialog.getByLabel('Description').fill('Created by the end-to-end test.');
      await screenshot('03-new-project');
      await dialog.getByRole('button', { name: 'Create project' }).click();
      await page.getByRole('heading', { name: projectName, level: 1 }).waitFor();
      projectPath = new URL(page.url()).pathname;
      assert.match(projectPath, /^\/projects\/[^/]+$/);
      await screenshot('04-project-overview-admin');
    });

    await step('create-user', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
      await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'New user' }).click();
      const dialog = page.getByRole('dialog', { name: 'New user' });
      await dialog.getByLabel('Email').fill(annotatorEmail);
      await dialog.getByLabel('Name').fill('E2E Annotator');
      await dialog.getByLabel('Password').fill(annotatorPassword);
      await dialog.getByRole('button', { name: 'Create user' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByRole('cell', { name: annotatorEmail, exact: true }).waitFor();
      await screenshot('05-users');
    });

    await step('add-member', async () => {
      await page.goto(`${BASE}${projectPath}`);
      await tab(page, 'Members', { exact: false });
      const form = page.getByRole('form', { name: 'Add a member' });
      await form.getByLabel('Email').fill(annotatorEmail);
      await form.getByLabel('Role').selectOption('annotator');
      await form.getByRole('button', { name: 'Add member' }).click();
      await page.getByRole('cell', { name: annotatorEmail, exact: true }).waitFor();
      assert.equal(await page.getByLabel('Role of E2E Annotator').inputValue(), 'annotator');
      await screenshot('06-members');
    });

    await step('admin-activity', async () => {
      await tab(page, 'Activity', { exact: false });
      await page.getByRole('table').waitFor();
      await page.getByRole('button', { name: 'Show changes' }).first().click();
      await screenshot('07-project-activity');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
      await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
      await page.getByRole('table').waitFor();
      await screenshot('08-global-activity');
    });

    await step('admin-account', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
      await page.getByLabel('Token name').fill('e2e token');
      await page.getByLabel('Token name').press('Enter');
      const secret = page.getByTestId('secret-value');
      await secret.waitFor();
      assert.match((await secret.textContent()) ?? '', /^gst_/);
      await screenshot('09-account-token');
      await page.getByRole('button', { name: 'I have copied it' }).click();
      await secret.waitFor({ state: 'detached' });
    });

    await step('admin-sign-out', () => signOut(page));
  });

  it('gives the annotator only what an annotator may see', async () => {
    await step('annotator-login', async () => {
      await signIn(page, annotatorEmail, annotatorPassword);
      await page.getByRole('link', { name: projectName }).waitFor();
      await screenshot('10-projects-annotator');
    });

    await step('annotator-nav', async () => {
      const nav = page.getByRole('navigation', { name: 'Main' });
      assert.equal(await nav.getByRole('link', { name: 'Users' }).count(), 0);
      assert.equal(await nav.getByRole('link', { name: 'Activity' }).count(), 0);
      assert.equal(await nav.getByRole('link', { name: 'Projects' }).count(), 1);
    });

    await step('annotator-project-tabs', async () => {
      await page.getByRole('link', { name: projectName }).click();
      await page.getByRole('heading', { name: projectName, level: 1 }).waitFor();
      const tabs = page.getByRole('navigation', { name: 'Project sections' });
      assert.equal(await tabs.getByRole('link', { name: 'Overview' }).count(), 1);
      assert.equal(await tabs.getByRole('link', { name: 'Members' }).count(), 0);
      assert.equal(await tabs.getByRole('link', { name: 'Activity' }).count(), 0);
      await screenshot('11-project-annotator');
    });

    await step('annotator-members-forbidden', async () => {
      await page.goto(`${BASE}${projectPath}/members`);
      const forbidden = page.getByTestId('forbidden');
      await forbidden.waitFor();
      assert.match((await forbidden.textContent()) ?? '', /for leads only/i);
      await screenshot('12-members-forbidden');
      // Every page beyond the role says so, instead of a form that fails after pressing Start.
      await page.goto(`${BASE}${projectPath}/pipelines`);
      await page.getByRole('heading', { name: 'For leads only' }).waitFor();
      await page.goto(`${BASE}${projectPath}/review`);
      await page.getByRole('heading', { name: 'For reviewers and leads only' }).waitFor();
    });

    await step('not-found', async () => {
      await page.goto(`${BASE}/no/such/page`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      await screenshot('13-not-found');
    });

    await step('annotator-sign-out', () => signOut(page));
  });
});
