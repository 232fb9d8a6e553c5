/**
 * Evaluates the WHERE conditions the `*.sql.ts` builders make on one row in JS, so that unit
 * specs can check what a query selects, not only its text. It knows the builders' forms only:
 * `col = ?`, `col < ?` (and `<=`, `>`, `>=`), `col IN (?, …)`, `col NOT IN (?, …)`, `col IS NULL`,
 * `col IS NOT NULL`, and AND/OR of them in parentheses; anything else throws. Columns may carry
 * a table alias (`t.`). A comparison with NULL is false, as in SQL.
 */

type Row = Record<string, unknown>;

/** Splits `expr` on `sep` outside parentheses. */
function splitTop(expr: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expr.length; i += 1) {
    if (expr[i] === '(') depth += 1;
    else if (expr[i] === ')') depth -= 1;
    else if (depth === 0 && expr.startsWith(sep, i)) {
      parts.push(expr.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(expr.slice(start));
  return parts;
}

/** True when the parentheses at both ends of `expr` enclose all of it. */
function wrapped(expr: string): boolean {
  if (!expr.startsWith('(') || !expr.endsWith(')')) return false;
  let depth = 0;
  for (let i = 0; i < expr.length; i += 1) {
    if (expr[i] === '(') depth += 1;
    else if (expr[i] === ')') depth -= 1;
    if (depth === 0 && i < expr.length - 1) return false;
  }
  return true;
}

const value = (row: Row, column: string): unknown => {
  const name = column.replace(/^\w+\./, '');
  if (!(name in row)) throw new Error(`row has no column ${name}`);
  return row[name];
};

function evaluate(expr: string, params: unknown[], row: Row): boolean {
  const e = expr.trim();
  if (wrapped(e)) return evaluate(e.slice(1, -1), params, row);
  const ors = splitTop(e, ' OR ');
  // Every branch consumes its parameters, whatever the others answer.
  if (ors.length > 1) return ors.map((p) => evaluate(p, params, row)).some(Boolean);
  const ands = splitTop(e, ' AND ');
  if (ands.length > 1) return ands.map((p) => evaluate(p, params, row)).every(Boolean);
  let m = /^([\w.]+) = \?$/.exec(e);
  if (m) return value(row, m[1]) === params.shift();
  m = /^([\w.]+) (<|<=|>|>=) \?$/.exec(e);
  if (m) {
    const [a, b] = [value(row, m[1]), params.shift()];
    if (a === null || b === null) return false;
    const [x, y] = [a as number, b as number];
    return { '<': x < y, '<=': x <= y, '>': x > y, '>=': x >= y }[m[2]]!;
  }
  m = /^([\w.]+) (NOT IN|IN) \(((?:\?, )*\?)\)$/.exec(e);
  if (m) {
    const list = params.splice(0, m[3].split(',').length);
    const found = list.includes(value(row, m[1]));
    return m[2] === 'IN' ? found : !found;
  }
  m = /^([\w.]+) IS (NOT )?NULL$/.exec(e);
  if (m) return (value(row, m[1]) === null) !== (m[2] !== undefined);
  throw new Error(`unknown condition: ${e}`);
}

/** True when `row` meets every condition; every parameter must be consumed. */
export function meets(
  conditions: readonly string[],
  params: readonly unknown[],
  row: Row,
): boolean {
  const rest = [...params];
  const results = conditions.map((c) => evaluate(c, rest, row));
  if (rest.length > 0) throw new Error(`unused parameters: ${JSON.stringify(rest)}`);
  return results.every(Boolean);
}
