// End-to-end test of the language-model screens against a real Goldset server: the settings page, the
// Agent tab and the Batches tab.
// Same environment as shell.e2e.mjs (GOLDSET_E2E_URL, GOLDSET_E2E_ADMIN_EMAIL, GOLDSET_E2E_ADMIN_PASSWORD,
// optional CHROMIUM_PATH and GOLDSET_E2E_SCREENSHOTS), plus:
//   GOLDSET_E2E_LLM=1  the server is wired to a fake OpenAI-compatible model that answers every question
//                      with give_final_answer `SELECT count(*) FROM <first table>`. Without it, only the
//                      "not configured" path is tested.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, BASE, createProject as createProjectFrom, importCsv as importCsvInto, signIn, skipUnlessConfigured, uniqueSuffix } from './harness.mjs';
import { browserSpec } from './spec.mjs';

const WITH_LLM = process.env.GOLDSET_E2E_LLM === '1';

const suffix = uniqueSuffix();
const projectName = `E2E agent ${suffix}`;
const QUESTION = 'How many cities are there?';

const CITIES_CSV = ['City,Country,Population', 'Oslo,Norway,709037', 'Bergen,Norway,289330', 'Lyon,France,522250', ''].join('\n');

let projectPath = '';

const { file, open, page, screenshot, step, tab } = browserSpec('agent-', {
  files: { 'cities.csv': CITIES_CSV },
});

const login = () => signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);

async function createProject(name) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
  return createProjectFrom(page, name);
}

const importCsv = (file) => importCsvInto(page, file);

async function askAgent(question) {
  const form = page.getByRole('form', { name: 'Try the agent' });
  await form.getByLabel('Question').fill(question);
  await form.getByLabel('Question').press('Control+Enter');
}

describe('Goldset agent and language model', { skip: skipUnlessConfigured }, () => {
  open();

  it('shows the language-model settings to an admin', async () => {
    await step('login', login);
    await step('settings', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('heading', { name: 'Language model', level: 1 }).waitFor();
      await page.getByRole('form', { name: 'Language model settings' }).waitFor();
      const banner = page.getByText('No language model is configured');
      if (WITH_LLM) {
        assert.equal(await banner.count(), 0, 'the fake model is configured: no banner');
      } else {
        await banner.waitFor();
        assert.equal(await page.getByRole('button', { name: 'Test connection' }).isDisabled(), true);
      }
      await screenshot('40-llm-settings');
    });
  });

  it('sets up a project with a database', async () => {
    await step('project-and-import', async () => {
      projectPath = await createProject(projectName);
      await importCsv(file('cities.csv'));
    });
  });

  if (!WITH_LLM) {
    it('says clearly that no model is configured when a lead asks the agent', async () => {
      await step('agent-not-configured', async () => {
        await page.goto(`${BASE}${projectPath}`);
        await tab('Agent');
        await page.getByRole('form', { name: 'Try the agent' }).waitFor();
        await askAgent(QUESTION);
        const message = page.getByTestId('llm-not-configured');
        await message.waitFor();
        assert.match((await message.textContent()) ?? '', /no language model is configured/i);
        await screenshot('41-agent-not-configured');
        await page.getByRole('link', { name: 'Open Language model settings' }).click();
        await page.getByRole('heading', { name: 'Language model', level: 1 }).waitFor();
      });
      await step('batches-tab', async () => {
        await page.goto(`${BASE}${projectPath}/batches`);
        await page.getByRole('form', { name: 'New agent batch' }).waitFor();
        await page.getByText('No batches yet').waitFor();
        await screenshot('42-batches-empty');
      });
    });
    return;
  }

  it('runs the agent on a question, streams its trajectory and saves it', async () => {
    await step('ask', async () => {
      await page.goto(`${BASE}${projectPath}`);
      await tab('Agent');
      await askAgent(QUESTION);
      const status = page.getByTestId('trajectory-status');
      await status.waitFor();
      await status.getByText('Answered').waitFor({ timeout: 60_000 });
      const answer = page.getByTestId('final-answer');
      assert.match((await answer.getByTestId('sql-code').first().textContent()) ?? '', /select count\(\*\) from/i);
      await answer.getByRole('region', { name: 'Final answer result' }).getByRole('cell', { name: '3', exact: true }).waitFor();
      assert.ok((await page.getByTestId('step').count()) >= 1);
      // What the prompt described: the one table of the database, every table there is.
      const schema = page.getByTestId('prompt-tables');
      await schema.getByText('Schema in the prompt').waitFor();
      assert.match((await schema.textContent()) ?? '', /1 table, every table of the database/);
      await screenshot('43-agent-answered');
    });
    await step('save-as-question', async () => {
      await page.getByRole('form', { name: 'Save as question' }).getByRole('button', { name: 'Save as question' }).click();
      await page.getByText('Saved as a question').first().waitFor();
      await tab('Questions');
      await page.getByRole('cell', { name: QUESTION }).waitFor();
    });
    await step('runs-list', async () => {
      await tab('Agent');
      await page.getByRole('link', { name: QUESTION }).first().click();
      await page.getByTestId('trajectory-status').getByText('Answered').waitFor();
      await screenshot('44-agent-run');
    });
  });

  it('runs a batch over the questions and follows it to the end', async () => {
    await step('start-batch', async () => {
      await tab('Batches');
      await page.getByRole('form', { name: 'New agent batch' }).getByRole('button', { name: 'Start batch' }).click();
      await page.getByRole('heading', { name: /Agent batch #\d+/ }).waitFor();
    });
    await step('batch-progress', async () => {
      const bar = page.getByRole('progressbar').first();
      await page.waitForFunction(
        (el) => el && el.getAttribute('aria-valuenow') === el.getAttribute('aria-valuemax') && Number(el.getAttribute('aria-valuemax')) > 0,
        await bar.elementHandle(),
        { timeout: 60_000 },
      );
      await page.getByTestId('progress-figures').getByText('(100%)').waitFor();
      await page.getByText('Succeeded').first().waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Resume' }).waitFor();
      await screenshot('45-batch-done');
    });
    await step('batch-list', async () => {
      await tab('Batches');
      await page.getByRole('table', { name: 'Batches' }).getByText('Succeeded').first().waitFor();
    });
    await step('dashboard-schema-recall', async () => {
      // The batch's one question was saved from the agent: no gold SQL and no known table, so there
      // is nothing to measure recall against, and the dashboard's card says what would be.
      await tab('Dashboard');
      const card = page.getByRole('heading', { name: 'Schema retrieval' });
      await card.waitFor();
      await page.getByText('No agent batch to measure yet').waitFor();
    });
  });
});
