/** Offers text as a file download (browser mode; the desktop window saves it the same way). */
export function downloadText(fileName: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Reads the files a file input chose, as UTF-8 text. Bytes that are not UTF-8 are refused with the
 * file's name, never replaced by U+FFFD (File.text() would replace them and change the text silently).
 */
export async function readFiles(list: FileList | readonly File[] | null): Promise<{ fileName: string; content: string }[]> {
  if (!list) return [];
  return Promise.all(
    [...list].map(async (f) => {
      const bytes = new Uint8Array(await f.arrayBuffer());
      try {
        return { fileName: f.name, content: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) };
      } catch {
        throw new Error(`${f.name}: not valid UTF-8 text. Nothing was imported.`);
      }
    }),
  );
}
