const normalize = (s: string): string => s.replace(/\r\n?/g, '\n').trim();

/**
 * Pure: whether the twin printed what the app printed inside the unikernel. The unikernel's console also
 * carries the framework's boot banner, so the twin's whole output must appear in it, not equal it.
 */
export function sameAppOutput(unikernelConsole: string, twinOutput: string): boolean {
  const twin = normalize(twinOutput);
  return twin.length > 0 && normalize(unikernelConsole).includes(twin);
}
