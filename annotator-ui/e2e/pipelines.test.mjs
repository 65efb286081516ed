// `node --test e2e/` only picks up files named like tests (*.test.mjs); the scenario lives in pipelines.e2e.mjs.
import './pipelines.e2e.mjs';
