import { DiffEditor, Editor } from '@monaco-editor/react';
import '../monaco/setup.js';

interface Props {
  readonly output: string;
  readonly base: string | null;
  readonly language: string;
  readonly dark: boolean;
}

const options = {
  readOnly: true,
  domReadOnly: true,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  renderValidationDecorations: 'off' as const,
  fontSize: 13,
  automaticLayout: true,
};

/** Read-only code, or a diff from `base` to `output` when there is a base. Loaded lazily. */
export default function CodeView({ output, base, language, dark }: Props): React.JSX.Element {
  const theme = dark ? 'vs-dark' : 'vs';
  if (base !== null) {
    return (
      <DiffEditor
        original={base}
        modified={output}
        language={language}
        theme={theme}
        options={{ ...options, renderSideBySide: true, originalEditable: false }}
      />
    );
  }
  return <Editor value={output} language={language} theme={theme} options={options} />;
}
