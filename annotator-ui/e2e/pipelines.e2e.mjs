// End-to-end test of a generating pipeline on real Spider data: the lead imports three concert_singer
// questions (stage human-seed), previews the paraphrase prompt of the first item, starts a paraphrase
// run of two of them, watches it finish live with its kept and dropped counts and log, follows the link
// to the new stage's questions and opens one: its history shows its lineage (pipeline, method, prompt
// version, model, run) with a link to its parent question, whose history opens.
// Same environment as wholeloop.e2e.mjs: GOLDSET_E2E_LLM=1, where the fake model
// (server/browser_test.go) paraphrases a question by prefixing it, and repeats verbatim one that ends
// with "?" (so it is dropped as a duplicate).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { skipUnlessConfigured, uniqueSuffix } from './harness.mjs';
import { browserSpec, hasSpider, importSpider, newProject, SPIDER, spiderZip } from './spec.mjs';

const WITH_LLM = process.env.GOLDSET_E2E_LLM === '1';
const DB = 'concert_singer';
const QUESTIONS = [
  'Show name, country, age for all singers ordered by age from the oldest to the youngest.',
  'What are all distinct countries where singers above age 20 are from?',
  'Show all countries and the number of singers in each country.',
];

const suffix = uniqueSuffix();
const projectName = `E2E pipelines ${suffix}`;
const skip = skipUnlessConfigured || (!WITH_LLM && 'needs GOLDSET_E2E_LLM=1 (a fake model)') || (!hasSpider && `no Spider dataset at ${SPIDER}`);

let zipPath = '';

const { open, page, screenshot, step, tab } = browserSpec('pipelines-', {
  prepare: (dir) => {
    zipPath = spiderZip(dir, DB, (q) => QUESTIONS.includes(q), QUESTIONS.length);
  },
});

describe('Goldset generating pipelines on Spider data', { skip }, () => {
  open();

  it('previews, runs and follows a paraphrase run, and shows the lineage of what it made', async () => {
    await step('import', async () => {
      await newProject(page, projectName);
      await importSpider(page, zipPath);
    });

    const form = page.getByRole('form', { name: 'New pipeline run' });
    await step('field-error', async () => {
      await tab('Pipelines');
      await form.getByLabel('Pipeline').selectOption('paraphrase');
      await form.getByLabel('From stage').selectOption('human-seed');
      // The server refuses a new stage equal to the source one, beside the field.
      await form.getByLabel('New stage').fill('human-seed');
      await form.getByRole('button', { name: 'Preview prompt' }).click();
      await form.getByText('must differ from from_stage').waitFor();
      await form.getByLabel('New stage').fill('');
    });

    await step('preview', async () => {
      await form.getByLabel('Questions to rewrite').fill('2');
      await form.getByRole('button', { name: 'Preview prompt' }).click();
      const preview = page.getByTestId('prompt-preview');
      await preview.waitFor();
      assert.match((await preview.textContent()) ?? '', /of 2 items/);
      const prompt = preview.getByLabel('Prompt: user message');
      assert.match((await prompt.textContent()) ?? '', /Paraphrase the question below/);
      assert.match((await prompt.textContent()) ?? '', /Original question:\n/);
      await screenshot('80-pipelines-preview');
    });

    let runUrl = '';
    await step('run-live', async () => {
      await form.getByRole('button', { name: 'Start run' }).click();
      await page.getByRole('heading', { name: /Paraphrase run #\d+/ }).waitFor();
      runUrl = page.url();
      await page.getByTestId('progress-figures').getByText('2 / 2').waitFor({ timeout: 60_000 });
      await page.getByRole('heading', { name: /Paraphrase run #\d+/ }).getByText('Succeeded').waitFor({ timeout: 30_000 });
      const chips = page.getByRole('list', { name: 'Kept and dropped' });
      const text = (await chips.textContent()) ?? '';
      const kept = Number(/kept\s*(\d+)/.exec(text)?.[1] ?? -1);
      assert.ok(kept >= 1, `kept ${kept}: ${text}`);
      // Which two questions the run picks depends on its seed: a "?" one is dropped as a duplicate.
      const duplicates = Number(/duplicate\s*(\d+)/.exec(text)?.[1] ?? 0);
      assert.equal(kept + duplicates, 2, text);
      await page.getByTestId('run-log').waitFor();
      // The agent batch it queued over the new questions.
      await page.getByTestId('run-outcome').getByRole('link', { name: /Batch #\d+/ }).waitFor({ timeout: 30_000 });
      await screenshot('81-pipelines-run');
    });

    await step('runs-list', async () => {
      await tab('Pipelines');
      const table = page.getByRole('table', { name: 'Runs' });
      const row = table.getByRole('row').filter({ hasText: 'Paraphrase' });
      await row.getByText('Succeeded').waitFor();
      await page.goto(runUrl);
    });

    await step('lineage', async () => {
      await page.getByTestId('run-outcome').getByRole('link', { name: /new questions? in stage human-seed\+paraphrase/ }).click();
      const list = page.getByRole('table').filter({ hasText: 'Could you tell me this, please' });
      await list.getByText(/Could you tell me this, please/).first().click();
      const lineage = page.getByTestId('lineage');
      await lineage.waitFor();
      const text = (await lineage.textContent()) ?? '';
      assert.match(text, /Pipeline\s*paraphrase/);
      assert.match(text, /Method\s*(imperative|interrogative|lexical|morphological)/);
      assert.match(text, /Prompt version\s*\S+/);
      assert.match(text, /Run\s*run #\d+/);
      await screenshot('82-pipelines-lineage');
      await lineage.getByRole('link', { name: /question #\d+/ }).click();
      const question = page.getByTestId('history-question');
      await page.waitForFunction(() => !document.querySelector('[data-testid="lineage"]'));
      assert.ok(QUESTIONS.includes(((await question.textContent()) ?? '').trim()), 'the parent is an imported question');
    });
  });
});
