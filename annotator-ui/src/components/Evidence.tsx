// A question's evidence: the external knowledge its SQL needs, as BIRD (Li et al., NeurIPS 2023)
// gives with each question ("eligible free rate = Free Meal Count / Enrollment"), and the
// benchmark's difficulty label. Shown with the question to whoever answers or reviews it; a question
// without either renders nothing.
import { Badge } from './ui';
import './evidence.css';

const DIFFICULTY_TONES: Record<string, string> = { simple: 'success', moderate: 'warning', challenging: 'danger' };

export function Evidence({ evidence, difficulty }: { evidence?: string | null; difficulty?: string | null }) {
  if (!evidence && !difficulty) return null;
  return (
    <aside className="evidence" aria-label="Evidence" data-testid="evidence">
      {evidence ? (
        <p className="evidence-text">
          <strong>Evidence</strong> {evidence}
        </p>
      ) : (
        <p className="evidence-text muted">No evidence given with this question.</p>
      )}
      {difficulty && (
        <span className="evidence-difficulty" title="The benchmark's difficulty label">
          <Badge tone={DIFFICULTY_TONES[difficulty] ?? 'neutral'}>{difficulty}</Badge>
        </span>
      )}
    </aside>
  );
}
