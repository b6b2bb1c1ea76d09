// Monaco is bundled with the app: no CDN. @monaco-editor/react is pointed at this copy, and its
// web workers are built by Vite as separate files (CSP worker-src 'self').
import * as monaco from 'monaco-editor';
import { loader } from '@monaco-editor/react';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

self.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

loader.config({ monaco });

/** The bundled Monaco namespace. */
export { monaco };
