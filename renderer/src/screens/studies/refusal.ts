/** A refusal taken apart for the screen: where in the file, which field, what is wrong. */
export interface RefusalParts {
  /** "line 12" (review records) or "review 3 (task "t-7")" (results files, counted from 1), with "event N (type)" of its log; null: the file as a whole. */
  readonly place: string | null;
  /** The field's path in the record or the file ("rating", "decisions.0.reason", "record.rating"); null when the refusal names none. */
  readonly field: string | null;
  /** What is wrong, ending in a full stop. */
  readonly message: string;
}

const fieldPath = /^([A-Za-z_][\w-]*(?:\.[\w-]+)*): /;

/**
 * Splits a results import's refusal (the back end's "FILE:LINE: FIELD: message" for review records,
 * "FILE: reviews.N (task "ID"): record: FIELD: message" for results files) into place, field and
 * message, so that the screen can say "line 12, field rating: …" instead of "12: rating: …" and count
 * reviews from 1. Whatever it does not recognise stays in the message: no text is ever dropped.
 */
export function refusalParts(error: string, file: string): RefusalParts {
  let rest = error.startsWith(`${file}:`) ? error.slice(file.length + 1) : error;
  let place: string | null = null;
  // "file:12: …" — review-record JSON Lines name the line with no space after the file's colon
  const line = /^(\d+): /.exec(rest);
  if (line) {
    place = `line ${line[1]!}`;
    rest = rest.slice(line[0].length);
  } else {
    rest = rest.trimStart();
    const review = /^reviews\.(\d+) \(task "(.*?)"\): /.exec(rest);
    const zodPath = /^reviews\.(\d+)\.(?=[A-Za-z_])/.exec(rest);
    if (review) {
      place = `review ${Number(review[1]!) + 1} (task "${review[2]!}")`;
      rest = rest.slice(review[0].length);
    } else if (zodPath) {
      place = `review ${Number(zodPath[1]!) + 1}`;
      rest = rest.slice(zodPath[0].length);
    }
  }
  const event = place !== null ? /^event (\d+) \(([\w-]+)\): /.exec(rest) : null;
  if (event) {
    place = `${place}, event ${event[1]!} (${event[2]!})`;
    rest = rest.slice(event[0].length);
  }
  let field: string | null = null;
  const record = /^record: /.exec(rest);
  const f = fieldPath.exec(record ? rest.slice(record[0].length) : rest);
  if (f) {
    field = record ? `record.${f[1]!}` : f[1]!;
    rest = (record ? rest.slice(record[0].length) : rest).slice(f[0].length);
  }
  const message = rest.trim();
  return { place, field, message: /[.!?]$/.test(message) ? message : `${message}.` };
}
