/**
 * CSV text to records, the one way every reader of user CSV files parses them: csv-parse with a leading UTF-8 byte
 * order mark dropped (spreadsheet programs write one), blank lines skipped and cells trimmed.
 */
import { parse } from "csv-parse/sync";

/**
 * Records of `text`; a malformed file (unbalanced quote, or ragged rows unless `raggedRows`, for a caller that
 * checks row widths itself) throws one line naming `label`.
 */
export function parseCsvRecords(text: string, label: string, options: { raggedRows?: boolean } = {}): string[][] {
  try {
    return parse(text, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: options.raggedRows ?? false,
    });
  } catch (error) {
    throw new Error(`${label}: malformed CSV (${(error as Error).message.split("\n")[0]})`);
  }
}
