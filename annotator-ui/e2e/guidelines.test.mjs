// `node --test e2e/` only picks up files named like tests (*.test.mjs); the scenario lives in guidelines.e2e.mjs.
import './guidelines.e2e.mjs';
