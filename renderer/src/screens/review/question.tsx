import { keyLabel, keysOf } from './keymap.js';
import { confidenceSteps } from './settings.js';

interface Props {
  readonly item: number;
  /** The study's yes/no question (yes = the output is flawed). */
  readonly question: string;
  readonly answer: boolean | null;
  readonly confidence: number | null;
  readonly readOnly: boolean;
  readonly onAnswer: (answer: boolean) => void;
  readonly onConfidence: (confidence: number) => void;
}

/**
 * The study's yes/no question with the evaluator's confidence, 50 % (a guess) to 100 % (certain):
 * two radio groups, answered by click, by arrow keys inside a group, or from anywhere by the
 * table's keys (`y`/`x`, then `+`/`-`). Read-only once the review is finished.
 */
export function QuestionSection(p: Props): React.JSX.Element {
  return (
    <section aria-labelledby="question-title" className="question-section">
      <h2 id="question-title">Question</h2>
      <p className="question-text" id={`question-${p.item}`}>
        {p.question}
      </p>
      <div role="radiogroup" aria-labelledby={`question-${p.item}`} aria-keyshortcuts={keysOf('answer')} className="choice answer">
        {([true, false] as const).map((yes) => (
          <label key={String(yes)} className={p.answer === yes ? 'checked' : undefined}>
            <input type="radio" name={`answer-${p.item}`} checked={p.answer === yes} disabled={p.readOnly} onChange={() => p.onAnswer(yes)} />
            {yes ? 'Yes' : 'No'}
            <kbd aria-hidden="true">{yes ? 'y' : 'x'}</kbd>
          </label>
        ))}
      </div>
      <p className="small muted confidence-caption" aria-hidden="true">
        How sure are you?
      </p>
      <div role="radiogroup" aria-label="Confidence in your answer" className="choice confidence">
        {confidenceSteps.map((c) => (
          <label key={c} className={p.confidence === c ? 'checked' : undefined}>
            <input type="radio" name={`confidence-${p.item}`} value={c} checked={p.confidence === c} disabled={p.readOnly} onChange={() => p.onConfidence(c)} />
            {c} %
          </label>
        ))}
      </div>
      <div className="rating-scale small muted" aria-hidden="true">
        <span>50 % a guess</span>
        <span>
          {p.confidence !== null && !confidenceSteps.includes(p.confidence) ? `given: ${p.confidence} % · ` : ''}
          {keyLabel(keysOf('less-sure'))} / {keyLabel(keysOf('more-sure').split(' ')[0]!)} · 100 % certain
        </span>
      </div>
    </section>
  );
}
