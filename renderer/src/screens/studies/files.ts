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

/** Reads the files a file input chose, as text. */
export async function readFiles(list: FileList | null): Promise<{ fileName: string; content: string }[]> {
  if (!list) return [];
  return Promise.all([...list].map(async (f) => ({ fileName: f.name, content: await f.text() })));
}
