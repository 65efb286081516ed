// The Annotate tab: claim the next question, write its SQL blind (the agent's answer is revealed only
// after submitting), preview it with Ctrl/Cmd-Enter, submit with Ctrl/Cmd-S, see the outcome, N for
// the next; G shows the guidelines beside the editor.
// Loaded on demand: it carries the SQL editor.
import { useMutation } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useParams } from 'react-router';
import { loopApi, type AnnotationTask, type SubmitResult } from '../../shared/loop';
import { MyWork } from './MyWork';
import { QueueStart } from '../../components/QueueStart';
import { Outcome } from './Outcome';
import { TaskView } from './TaskView';

type Phase =
  | { kind: 'idle' }
  | { kind: 'empty' }
  | { kind: 'task'; task: AnnotationTask; claimedAt: number }
  | { kind: 'outcome'; task: AnnotationTask; result: SubmitResult; sql: string };

export function ProjectAnnotate() {
  const { projectId = '' } = useParams();
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const next = useMutation({
    mutationFn: () => loopApi.nextAnnotation(projectId),
    onSuccess: (task) => setPhase(task ? { kind: 'task', task, claimedAt: Date.now() } : { kind: 'empty' }),
  });
  const getNext = useCallback(() => {
    if (!next.isPending) next.mutate();
  }, [next]);

  if (phase.kind === 'idle' || phase.kind === 'empty') {
    return (
      <QueueStart
        next={next}
        onNext={getNext}
        empty={phase.kind === 'empty'}
        start={{
          title: 'Annotate questions',
          button: 'Start annotating',
          text: 'Write the SQL that answers each question. You work blind: the agent’s answer is shown only after you submit.',
        }}
        nothing={{
          title: 'Nothing to annotate right now',
          text: 'Every question planned for annotation is taken or done. A lead plans more from the project overview.',
        }}
      >
        <MyWork projectId={projectId} onReopened={getNext} />
      </QueueStart>
    );
  }
  if (phase.kind === 'outcome') {
    return (
      <div className="stack">
        <Outcome projectId={projectId} result={phase.result} sql={phase.sql} onNext={getNext} busy={next.isPending} nextError={next.error} />
        <MyWork projectId={projectId} onReopened={getNext} />
      </div>
    );
  }
  return (
    <TaskView
      key={phase.task.item.id}
      projectId={projectId}
      task={phase.task}
      claimedAt={phase.claimedAt}
      onSubmitted={(result, sql) => setPhase({ kind: 'outcome', task: phase.task, result, sql })}
      onNext={getNext}
      onReleased={() => setPhase({ kind: 'idle' })}
    />
  );
}
