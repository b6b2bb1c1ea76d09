// Which of Assay's files a file is, by its content (never by its name): every input that takes a
// file — task import, Open pack, results import, drag and drop, the desktop File menu, the CLI —
// asks this one function, then either does the right thing or says which input the file belongs to.

/** The kinds of file Assay reads. */
export type FileKind = 'task-package' | 'pack' | 'results' | 'review-records' | 'unknown';

/** The inputs that take a file, named after what they expect. */
export type FileInput = 'task-import' | 'pack-open' | 'results-import';

/** The input each kind of file belongs to (null: none). */
export const inputFor: { readonly [K in FileKind]: FileInput | null } = {
  'task-package': 'task-import',
  pack: 'pack-open',
  results: 'results-import',
  'review-records': 'results-import',
  unknown: null,
};

/** What a file of each kind is, in words. */
export const fileKindText: { readonly [K in FileKind]: string } = {
  'task-package': 'a task package (tasks for a researcher to study)',
  pack: "an Assay pack (an evaluator's review queue, sent by a researcher)",
  results: "an Assay results file (an evaluator's finished reviews, for the researcher)",
  'review-records': 'review records (JSON Lines of finished reviews, for the researcher)',
  unknown: 'not a file Assay reads',
};

/** Where each input is, in the app and on the command line. */
export const inputText: { readonly [K in FileInput]: string } = {
  'task-import': 'Tasks → "Import task package…" (assay import FILE)',
  'pack-open': '"Open a pack from your researcher" (Studies → "Open pack…", or File → Open Pack… in the desktop app; assay pack import FILE)',
  'results-import': 'Studies → "Import results…" (assay results import FILE)',
};

/** The top-level keys of the first JSON object in a text, and its `format` when that is a string. */
interface Head {
  readonly keys: ReadonlySet<string>;
  readonly format: string | undefined;
  readonly object: boolean;
  /** True when the text held the whole first value (or was not an object): nothing more can change the answer. */
  readonly complete: boolean;
}

/**
 * The top-level keys of the first JSON value of `text`, which may be only the start of a file (the
 * first kilobytes of a 300 MB package, or a pack cut anywhere): a small scanner that reads keys at
 * depth 1 and skips every value, strings and nesting included, without parsing them. It stops at
 * the end of the first value or of the text. Pretty-printed JSON and JSON Lines read the same.
 */
function scanHead(text: string): Head {
  const keys = new Set<string>();
  let format: string | undefined;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  const space = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  while (i < n && space(text[i]!)) i++;
  if (i >= n) return { keys, format, object: false, complete: false };
  if (text[i] !== '{') return { keys, format, object: false, complete: true };
  /** Reads a string starting at the quote at `i`; returns its value and the index after it (or null when cut off). */
  const readString = (at: number): { value: string; end: number } | null => {
    let out = '';
    for (let j = at + 1; j < n; j++) {
      const c = text[j]!;
      if (c === '"') return { value: out, end: j + 1 };
      if (c === '\\') {
        const e = text[j + 1];
        if (e === undefined) return null;
        if (e === 'u') {
          const hex = text.slice(j + 2, j + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) return null;
          out += String.fromCharCode(parseInt(hex, 16));
          j += 5;
        } else {
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === 'b' ? '\b' : e === 'f' ? '\f' : e;
          j += 1;
        }
      } else out += c;
    }
    return null;
  };
  let depth = 0;
  let expectKey = false;
  let lastKey: string | null = null;
  let complete = false;
  while (i < n) {
    const c = text[i]!;
    if (space(c) || c === ':') {
      i++;
      continue;
    }
    if (c === '"') {
      const s = readString(i);
      if (!s) break;
      if (depth === 1 && expectKey) {
        keys.add(s.value);
        lastKey = s.value;
        expectKey = false;
      } else if (depth === 1 && lastKey === 'format' && format === undefined) {
        format = s.value;
      }
      i = s.end;
      continue;
    }
    if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        complete = true;
        break;
      }
    } else if (c === ',') {
      if (depth === 1) {
        expectKey = true;
        lastKey = null;
      }
    }
    i++;
  }
  return { keys, format, object: true, complete };
}

function classify(head: Head): FileKind {
  if (!head.object) return 'unknown';
  if (head.format === 'assay-pack') return 'pack';
  if (head.format === 'assay-results') return 'results';
  if (head.format !== undefined) return 'unknown';
  const k = head.keys;
  // A review record names its evaluator and times; a task has a kind and an output.
  if (k.has('evaluator') && k.has('task') && (k.has('decisions') || k.has('started_at') || k.has('submitted_at'))) return 'review-records';
  if (k.has('kind') || k.has('output') || k.has('critiques') || k.has('flaws') || k.has('id')) return 'task-package';
  return 'unknown';
}

/**
 * Which kind of file starts with `head`: a whole file or only its first kilobytes (64 KiB is plenty:
 * a pack and a results file say so in their first key as Assay writes them, and anywhere among
 * their top-level keys otherwise; a JSON Lines file by its first line's keys).
 */
export function recognizeFile(head: string): FileKind {
  return classify(scanHead(head));
}

/**
 * Like {@link recognizeFile} for a file that is still arriving: the kind once the start decides it
 * (a `format` was read, or the whole first value), null while more of the file could change it.
 */
export function recognizeFileStart(head: string): FileKind | null {
  const scanned = scanHead(head);
  if (scanned.format !== undefined || scanned.complete) return classify(scanned);
  return null;
}

/** Which kind of file a parsed JSON value is (a whole document, or the first line of JSON Lines). */
export function recognizeValue(value: unknown): FileKind {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'unknown';
  const obj = value as Record<string, unknown>;
  return classify({ keys: new Set(Object.keys(obj)), format: typeof obj['format'] === 'string' ? obj['format'] : undefined, object: true, complete: true });
}

/**
 * The message for a file given to the wrong input: what it is and where it goes. Null when the
 * file belongs to `input` (or is of no known kind: then the input's own errors say what is wrong).
 */
export function misplacedFileMessage(fileName: string, kind: FileKind, input: FileInput): string | null {
  const belongs = inputFor[kind];
  if (belongs === null || belongs === input) return null;
  return `${fileName} is ${fileKindText[kind]}, not ${expected[input]}: use ${inputText[belongs]}.`;
}

const expected: { readonly [K in FileInput]: string } = {
  'task-import': 'a task package',
  'pack-open': 'a pack',
  'results-import': 'a results file',
};

/** How many characters of a file {@link recognizeFile} needs at most. */
export const RECOGNIZE_HEAD_CHARS = 64 * 1024;
