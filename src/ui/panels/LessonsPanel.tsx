import { useId, useState } from 'react';
import {
  type Lesson,
  LESSONS,
  lessonById,
  lessonHint,
  lessonStory,
  type LessonStep,
} from '../../core/lessons/index.ts';
import type { Outcome } from '../../core/outcome.ts';
import { type Expect, show } from '../../core/scenario/index.ts';
import { selectLessonDeparted, selectReadOnly } from '../../store/app-store.ts';
import {
  closeLesson,
  differenceFromStep,
  doLessonStep,
  goToLessonStep,
  lessonAction,
  lessonMismatch,
  nextLessonStep,
  openLesson,
  previousLessonStep,
  resetLessonStep,
} from '../../store/lesson.ts';
import { useApp, useStoreApi } from '../app/store-context.tsx';
import { actionFields } from './LogPanel.tsx';
import { formFor, formValuesOf } from '../../view/actions/op-forms.ts';
import { GlossaryText } from './GlossaryText.tsx';
import { RangeText } from './RangeText.tsx';
import { footprintOf } from '../../view/actions/footprint.ts';
import { type LessonProgress, readProgress } from '../app/lesson-progress.ts';

/** "fails with EINVAL", "succeeds, result {...}": what the lesson's scenario expects of a step. */
export function expectedText(expect: Expect | undefined): string {
  if (!expect) return 'no particular outcome (the lesson only looks)';
  const base = expect.errno !== undefined ? `fails with ${expect.errno}` : 'succeeds';
  return expect.result !== undefined ? `${base}, result ${show(expect.result)}` : base;
}

const STORY_LABEL = { thread: 'Thread', incident: 'Incident', change: 'Change' } as const;

function LessonList() {
  const store = useStoreApi();
  const readOnly = useApp(selectReadOnly);
  // Read as the list shows: the steps reached are recorded as the learner reads (lesson-progress.ts).
  const progress = readProgress();
  return (
    <section className="panel lessons" aria-label="lessons">
      <h2>Lessons</h2>
      <p className="muted small">
        Each lesson retells a mailing-list thread or a real incident as a scenario you step through;
        the engine answers every step like the kernel. Underlined words are explained in the
        Glossary.
      </p>
      <ol className="lesson-list" data-testid="lesson-list">
        {LESSONS.map((l) => (
          <li key={l.id} className="lesson-item" data-testid="lesson-item">
            <h3>{l.title}</h3>
            <p className="seed small muted">
              {STORY_LABEL[lessonStory(l)]}: <span className="seed-subject">{l.seed.subject}</span>{' '}
              · {l.seed.date} · {l.seed.participants.join(', ')}
            </p>
            <p className="lesson-summary small">
              <GlossaryText text={l.summary} />
            </p>
            <ProgressLine progress={progress[l.id]} />
            <button
              type="button"
              className="primary"
              onClick={() => openLesson(store, l.id)}
              disabled={readOnly !== undefined}
              title={readOnly}
              aria-label={`open lesson: ${l.title}`}
            >
              {progress[l.id] ? 'Start again' : 'Open lesson'} ({l.steps.length} steps)
            </button>
            {progress[l.id] && !progress[l.id]?.done && (progress[l.id]?.reached ?? 0) > 1 && (
              <button
                type="button"
                onClick={() => openLesson(store, l.id, (progress[l.id]?.reached ?? 1) - 1)}
                disabled={readOnly !== undefined}
                title={readOnly}
                aria-label={`go on with lesson: ${l.title}`}
              >
                Go on at step {progress[l.id]?.reached}
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

function ProgressLine({ progress }: { progress: LessonProgress | undefined }) {
  if (!progress) return null;
  return (
    <p className="lesson-progress small" data-testid="lesson-progress">
      {progress.done
        ? `done: all ${progress.steps} steps read`
        : `step ${progress.reached} of ${progress.steps} reached`}
    </p>
  );
}

function OutcomeLine({
  lesson,
  step,
  outcome,
  testId = 'lesson-outcome',
}: {
  lesson: Lesson;
  step: number;
  outcome: Outcome | undefined;
  testId?: string;
}) {
  if (!outcome)
    return <p className="warn small">The engine could not run this action (see the log).</p>;
  const mismatch = lessonMismatch(lesson, step, outcome);
  // Its ranges link to the map and select what is there, as the log's do: the inspector then
  // shows the mapping, its page split and page tables.
  const action = lessonAction(lesson, step);
  const laneId = action ? footprintOf(action, outcome)?.laneId : undefined;
  return (
    <div className="lesson-outcome" data-testid={testId} data-ok={outcome.ok}>
      {outcome.ok ? (
        <span className="badge ok">ok</span>
      ) : (
        <span className="badge fail">{outcome.errno}</span>
      )}{' '}
      <RangeText text={outcome.message ?? ''} laneId={laneId} />
      {!outcome.ok && <div className="rule small">rule: {outcome.rule}</div>}
      <div className={`small ${mismatch ? 'warn' : 'muted'}`}>
        {mismatch ? `not what the lesson expects: ${mismatch}` : 'as the lesson expects'}
      </div>
    </div>
  );
}

/**
 * What the last run off the lesson's path did and why it is not the step: the kernel's answer,
 * then how the action differs from the step's own (or that the step was done already).
 */
function OffPath({ lesson, step }: { lesson: Lesson; step: LessonStep }) {
  const run = useApp((s) => s.lastRun);
  const present = useApp((s) => s.history?.present);
  const departed = useApp(selectLessonDeparted);
  // Only the run that made the present, or one refused over it (the page turns clear it).
  if (!run || run.on !== present) return null;
  const difference = !step.action
    ? 'this step only looks: it asks for no action'
    : differenceFromStep(lesson, step.index, run.action);
  if (difference === undefined && !departed) return null;
  const outcome = run.outcome;
  return (
    <div className="lesson-off-path" role="status" data-testid="lesson-off-path">
      You ran <code>{run.action.op}</code>:{' '}
      {outcome.ok ? (
        <>the kernel accepted it ({outcome.message}).</>
      ) : (
        <>
          the kernel refused it with <b>{outcome.errno}</b> ({outcome.message}; rule {outcome.rule}
          ).
        </>
      )}{' '}
      {difference !== undefined
        ? `That is not this step's action: ${difference}.`
        : "That is this step's action, but the workspace had left the lesson's path before it."}{' '}
      {outcome.ok
        ? ''
        : 'Nothing changed: run the step’s own action (Do it, or Fill the Actions form) to go on.'}
    </div>
  );
}

/** What the platform switch last flipped did to the lesson's steps, while it is the workspace. */
function PlatformChanged({ lesson }: { lesson: Lesson }) {
  const change = useApp((s) => s.platformChange);
  const present = useApp((s) => s.history?.present);
  if (!change || change.on !== present) return null;
  // Replay reports count scenario steps; the learner knows the lesson's own step numbers.
  const stepName = (index: number) => {
    const at = lesson.steps.find((st) => st.actionIndex === index);
    return at ? `step ${at.index + 1}` : `your action ${index + 1 - lesson.scenario.steps.length}`;
  };
  return (
    <div className="lesson-off-path" role="status" data-testid="lesson-platform-change">
      You changed the platform ({change.text}) and the engine replayed the {change.replayed}{' '}
      action(s) done so far on it.{' '}
      {change.mismatched.length === 0
        ? 'Each answers as on the lesson’s platform.'
        : change.mismatched.map((r) => (
            <span key={r.index} className="platform-step-change">
              {stepName(r.index)} ({r.op}) now{' '}
              {r.ok ? 'succeeds' : `fails with ${r.errno ?? '?'} (${r.message ?? ''})`}:{' '}
              {r.mismatch}.{' '}
            </span>
          ))}
      Run this step’s action (Fill the Actions form) to see what it does here; Reset to this step
      puts the lesson’s platform back.
    </div>
  );
}

function ExpectedLine({ expect }: { expect: Expect | undefined }) {
  return (
    <div className="small">
      expected: <span data-testid="lesson-expected">{expectedText(expect)}</span>
    </div>
  );
}

/**
 * Before the step is run: the learner is asked to predict the kernel's answer, with a hint and
 * the answer the lesson expects each shown only on request (keyed by step, so a page turn hides
 * them again).
 */
function Prediction({ step }: { step: LessonStep }) {
  const [hint, setHint] = useState(false);
  const [answer, setAnswer] = useState(false);
  const text = lessonHint(step);
  return (
    <div className="lesson-predict small">
      What will the kernel answer?{' '}
      {text !== undefined && (
        <button type="button" className="link" aria-expanded={hint} onClick={() => setHint(!hint)}>
          {hint ? 'hide the hint' : 'Hint'}
        </button>
      )}{' '}
      <button
        type="button"
        className="link"
        aria-expanded={answer}
        onClick={() => setAnswer(!answer)}
      >
        {answer ? 'hide the answer' : 'Show the expected answer'}
      </button>
      {hint && text !== undefined && (
        <p className="lesson-hint" data-testid="lesson-hint">
          <GlossaryText text={text} />
        </p>
      )}
      {answer && step.action && <ExpectedLine expect={step.action.expect} />}
    </div>
  );
}

function StepAction({ lesson, step }: { lesson: Lesson; step: LessonStep }) {
  const store = useStoreApi();
  const done = useApp((s) => s.lesson?.done);
  const readOnly = useApp(selectReadOnly);
  const action = lessonAction(lesson, step.index);
  if (!action || !step.action) return null;
  return (
    <div className="lesson-action" data-testid="lesson-action">
      <div>
        <span className="badge info">action</span> <code>{action.op}</code>{' '}
        <span className="muted small">{actionFields(action)}</span>
      </div>
      {done ? (
        <>
          <ExpectedLine expect={step.action.expect} />
          <OutcomeLine lesson={lesson} step={step.index} outcome={done.outcome} />
        </>
      ) : (
        <Prediction key={`${lesson.id}:${step.index}`} step={step} />
      )}
      <div className="lesson-do">
        {!done && (
          <>
            <button
              type="button"
              className="primary"
              onClick={() => doLessonStep(store)}
              disabled={readOnly !== undefined}
              title={readOnly}
            >
              Do it
            </button>{' '}
          </>
        )}
        {/* Also after the step: to run it again changed, or on a platform switched since. */}
        <button
          type="button"
          onClick={() =>
            store.getState().fillForm(action.op, formValuesOf(formFor(action.op), action))
          }
          disabled={readOnly !== undefined}
          title="Put this action in the Actions form, to run it from there or change it first"
        >
          Fill the Actions form
        </button>
      </div>
    </div>
  );
}

function LessonView({ lesson }: { lesson: Lesson }) {
  const store = useStoreApi();
  const stepIndex = useApp((s) => s.lesson?.step ?? 0);
  const previous = useApp((s) => s.lesson?.previous);
  const departed = useApp(selectLessonDeparted);
  // Every step of a lesson is replayed into the workspace, so a read-only tab cannot turn pages.
  const readOnly = useApp(selectReadOnly);
  const jumpId = useId();
  const step = lesson.steps[stepIndex];
  if (!step) return null;
  const last = lesson.steps.length - 1;
  return (
    <section className="panel lessons lesson-open" aria-label="lesson">
      <div className="lesson-head">
        <h2>Lesson</h2>
        <button type="button" className="link" onClick={() => closeLesson(store)}>
          all lessons
        </button>
      </div>
      <p className="lesson-title">{lesson.title}</p>
      <p className="seed small muted">
        {lesson.seed.subject} · {lesson.seed.date}
      </p>
      <div className="lesson-nav" role="group" aria-label="lesson steps">
        <button
          type="button"
          onClick={() => previousLessonStep(store)}
          disabled={stepIndex === 0 || readOnly !== undefined}
          title={readOnly}
          aria-label="previous step"
        >
          ◀ Prev
        </button>
        <label htmlFor={jumpId} className="sr-only">
          jump to step
        </label>
        <select
          id={jumpId}
          value={stepIndex}
          onChange={(e) => goToLessonStep(store, Number(e.target.value))}
          disabled={readOnly !== undefined}
          title={readOnly}
          data-testid="lesson-jump"
        >
          {lesson.steps.map((s) => (
            <option key={s.index} value={s.index}>
              {s.index + 1}. {s.title}
            </option>
          ))}
        </select>
        <button
          type="button"
          onClick={() => nextLessonStep(store)}
          disabled={stepIndex === last || readOnly !== undefined}
          title={readOnly}
          aria-label="next step"
        >
          Next ▶
        </button>
      </div>
      <p className="muted small" data-testid="lesson-position">
        step {stepIndex + 1} of {last + 1}
      </p>
      <OffPath lesson={lesson} step={step} />
      <PlatformChanged lesson={lesson} />
      {departed && (
        <div className="lesson-departed" role="status" data-testid="lesson-departed">
          The workspace has left the lesson: the map shows your own state, not the one this step
          describes.{' '}
          <button
            type="button"
            onClick={() => resetLessonStep(store)}
            disabled={readOnly !== undefined}
            title={readOnly}
          >
            Reset to this step
          </button>
        </div>
      )}
      {previous && previous.step === stepIndex - 1 && lesson.steps[previous.step]?.action && (
        <div className="lesson-previous small">
          <span className="muted">
            step {previous.step + 1} ({lesson.steps[previous.step]?.action?.op}):
          </span>{' '}
          <OutcomeLine
            lesson={lesson}
            step={previous.step}
            outcome={previous.outcome}
            testId="lesson-previous-outcome"
          />
        </div>
      )}
      <article className="lesson-step" data-testid="lesson-step">
        <h3>{step.title}</h3>
        <p className="prose">
          <GlossaryText text={step.prose} />
        </p>
        {step.quote && (
          <figure className="lesson-quote">
            <blockquote>{step.quote.text}</blockquote>
            <figcaption>
              — {step.quote.author}, {step.quote.date}
            </figcaption>
          </figure>
        )}
        <StepAction lesson={lesson} step={step} />
        {step.tryThis.length > 0 && (
          <div className="try-this">
            <h4>Try this</h4>
            <ul>
              {step.tryThis.map((t) => (
                <li key={t}>{t}</li>
              ))}
            </ul>
          </div>
        )}
      </article>
    </section>
  );
}

/** The built-in lessons: the list, or the open lesson's current step. */
export function LessonsPanel() {
  const id = useApp((s) => s.lesson?.id);
  const lesson = id === undefined ? undefined : lessonById(id);
  return lesson ? <LessonView lesson={lesson} /> : <LessonList />;
}
