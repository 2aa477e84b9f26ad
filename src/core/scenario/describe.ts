/** How a JSON value is named in load errors: "a string ("abc")", "the number 12", "an object". */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return `a string (${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)})`;
    case 'number':
      return Number.isInteger(v) ? `the integer ${v}` : `the number ${v}`;
    case 'boolean':
      return `a boolean (${v})`;
    case 'bigint':
      return `the bigint ${v}`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof v}`;
  }
}

/** `expected` of a zod invalid_type issue, in words. */
export function describeExpected(expected: string): string {
  switch (expected) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'int':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'an array';
    case 'object':
    case 'record':
      return 'an object';
    case 'null':
      return 'null';
    case 'bigint':
      return 'a u64 value';
    default:
      return expected;
  }
}
