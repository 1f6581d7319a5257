/** `word` as one POSIX shell word, quoted only where needed (command lines users paste, batch scripts). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
