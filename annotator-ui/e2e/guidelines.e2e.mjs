// End-to-end test of project guidelines against a real Goldset server: write the first version with
// two rules (one without an ID, numbered on save), see R1 and R2, add a rule and save with Ctrl+S,
// then open the diff between v1 and v2 and see the added rule.
// Same environment as shell.e2e.mjs: GOLDSET_E2E_URL, GOLDSET_E2E_ADMIN_EMAIL, GOLDSET_E2E_ADMIN_PASSWORD,
// optional CHROMIUM_PATH and GOLDSET_E2E_SCREENSHOTS.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { skipUnlessConfigured, tab, uniqueSuffix } from './harness.mjs';
import { browserSpec } from './spec.mjs';

const suffix = uniqueSuffix();
const projectName = `E2E guidelines ${suffix}`;

const FIRST = [
  '# Annotation guidelines',
  '',
  'Questions must be answerable from the data alone.',
  '',
  '## R1: Qualify ambiguous columns',
  'When two joined tables share a column name, write `table.column`.',
  '',
  '## R: Count entities, not rows',
  'Use **COUNT(DISTINCT …)** when the question asks how many *different* things.',
].join('\n');

const { newProjectStep, open, page, screenshot, step } = browserSpec('guidelines-');

describe('Goldset guidelines', { skip: skipUnlessConfigured }, () => {
  open();

  it('writes guidelines, numbers new rules, adds a rule and shows it in the diff', async () => {
    await newProjectStep(projectName);

    await step('open-empty-guidelines', async () => {
      await tab(page, 'Guidelines', { exact: false });
      await page.getByText('No guidelines yet').waitFor();
      await screenshot('40-guidelines-empty');
      await page.getByRole('link', { name: 'Write guidelines' }).click();
    });

    await step('write-first-version', async () => {
      const editor = page.getByLabel('Guidelines (markdown)');
      await editor.fill(FIRST);
      // The preview marks the rule without an ID as new.
      const preview = page.getByLabel('Preview');
      await preview.getByRole('heading', { name: /Count entities, not rows/ }).getByText('new').waitFor();
      await page.getByLabel('What changed').fill('First version');
      await screenshot('41-guidelines-editor');
      await page.getByRole('button', { name: 'Save version 1' }).click();
    });

    await step('see-r1-and-r2', async () => {
      await page.getByText(/Saved version 1 — new rules: R2/).waitFor();
      const r2 = page.locator('h3#R2');
      await r2.waitFor();
      assert.match((await r2.textContent()) ?? '', /R2\s*Count entities, not rows/);
      await page.locator('h3#R1').waitFor();
      const rules = page.getByRole('list', { name: 'Rules' });
      await rules.getByRole('link', { name: 'R1' }).waitFor();
      await rules.getByRole('link', { name: 'R2' }).waitFor();
      await screenshot('42-guidelines-v1');
    });

    await step('add-a-rule-and-save-with-keyboard', async () => {
      await page.getByRole('link', { name: 'Edit', exact: true }).click();
      const editor = page.getByLabel('Guidelines (markdown)');
      const text = await editor.inputValue();
      assert.match(text, /## R2: Count entities, not rows/, 'the saved markdown carries the assigned ID');
      await editor.fill(`${text}\n\n## R: Order names alphabetically\nUnless the question asks for another order.`);
      await page.getByLabel('What changed').fill('Added a rule on ordering');
      await editor.focus();
      await page.keyboard.press('Control+s');
      await page.getByText(/Saved version 2 — new rules: R3/).waitFor();
      await page.locator('h3#R3').waitFor();
      await screenshot('43-guidelines-v2');
    });

    await step('diff-v1-v2', async () => {
      const versions = page.getByRole('list', { name: 'Versions' });
      await versions.getByRole('link', { name: 'Compare with previous' }).first().click();
      const changes = page.getByRole('region', { name: 'Rule changes' });
      await changes.waitFor();
      assert.match((await changes.textContent()) ?? '', /Added\s*R3 Order names alphabetically/);
      const table = page.getByRole('table', { name: 'Changes from v1 to v2' });
      await table.locator('tr.gl-diff-insert', { hasText: '## R3: Order names alphabetically' }).waitFor();
      await screenshot('44-guidelines-diff');
    });
  });
});
