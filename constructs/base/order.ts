/**
 * Orders strings by UTF-16 code units: the same on every machine (`localeCompare` follows the process's ICU locale,
 * so rendered output could differ between a laptop and CI), and much cheaper.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
