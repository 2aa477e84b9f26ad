/**
 * Where a JSON text stops being JSON. `JSON.parse` on Node 20 does not always say (its message
 * for `{"a": }` names a token but no position), so on failure the loader re-reads the text with
 * this small checker to report a line and a column.
 */

import { MAX_NESTING } from './json-extent.ts';

export interface JsonSyntaxError {
  readonly message: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in characters. */
  readonly column: number;
  readonly offset: number;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/** The first syntax error of `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  // Arrays and objects open: past the limit the check stops, where recursion would overflow.
  let depth = 0;
  const enter = () => {
    if (++depth > MAX_NESTING)
      fail(`nested deeper than ${MAX_NESTING} levels of arrays and objects (the nesting limit)`);
  };
  const fail = (message: string, at = i): never => {
    throw new Stop(at, message);
  };
  const describeHere = (): string =>
    i >= text.length ? 'end of the file' : `${JSON.stringify(text[i])}`;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${describeHere()}: expected a value`);
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string: the file ends before its closing quote');
      const c = text[i] as string;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
            fail('bad \\u escape in a string: expected 4 hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          fail(`bad escape "\\${e ?? ''}" in a string`);
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20)
        fail('a raw control character (such as a line break) inside a string: escape it');
      i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (!m || m[0] === '' || m[0] === '-') fail(`unexpected ${describeHere()}: expected a value`);
    i += (m as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    ws();
    if (i >= text.length) fail('unexpected end of the file: expected a value');
    const c = text[i] as string;
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    if (c === "'") fail('single quotes: JSON strings use double quotes');
    fail(`unexpected ${describeHere()}: expected a value`);
  };
  const object = () => {
    enter();
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      depth--;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') {
        fail(
          text[i] === '}'
            ? 'trailing comma before "}"'
            : `unexpected ${describeHere()}: expected a property name in double quotes`,
        );
      }
      string();
      ws();
      if (text[i] !== ':')
        fail(`unexpected ${describeHere()}: expected ":" after the property name`);
      i++;
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        depth--;
        return;
      }
      fail(`unexpected ${describeHere()}: expected "," or "}" after a property value`);
    }
  };
  const array = () => {
    enter();
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      depth--;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === ']') fail('trailing comma before "]"');
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        depth--;
        return;
      }
      fail(`unexpected ${describeHere()}: expected "," or "]" after an array element`);
    }
  };

  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1; // a byte-order mark is tolerated
    value();
    ws();
    if (i < text.length) fail(`unexpected ${describeHere()} after the end of the JSON value`);
    return undefined;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    const { line, column } = lineAndColumn(text, e.offset);
    return { message: e.message, line, column, offset: e.offset };
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
