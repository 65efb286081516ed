import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App from './App';
// The global styles, in cascade order. The sections below the shared components hold classes that several
// features use (the SQL workspace's, the questions', the trajectories', the runs'), so they load with the
// first page rather than with one feature's lazy chunk; a feature's own sheet is imported by that feature.
import './styles/base.css';
import './styles/shell.css';
import './components/ui.css';
import './features/databases/databases.css';
import './features/questions/questions.css';
import './features/runs/trajectories.css';
import './features/runs/runs.css';
import './features/pipelines/pipelines.css';
import './features/annotate/loop.css';
import './features/projects/projects.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
