// `node --test e2e/` only picks up files named like tests (*.test.mjs); the scenario lives in agent.e2e.mjs.
import './agent.e2e.mjs';
