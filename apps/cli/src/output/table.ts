// Aligned plain-text tables for `list` commands.
export interface Column<T> {
  header: string;
  value: (row: T) => string;
}

export function formatTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  empty = '(none)',
): string[] {
  if (rows.length === 0) return [empty];
  const cells = rows.map((row) => columns.map((column) => oneLine(column.value(row))));
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => (line[index] ?? '').length)),
  );
  const render = (line: readonly string[]): string =>
    line
      .map((cell, index) => (index === line.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(columns.map((column) => column.header.toUpperCase())), ...cells.map(render)];
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ');
}
