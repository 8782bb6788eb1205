/**
 * JSON.parse with a located message. V8's own messages differ between Node versions and often
 * lack a position, so on failure a small scanner finds the first offending character and the
 * message gives its line and column.
 */
import { VrdrFormatError } from './fhir-json.ts';

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** Index of the first character that breaks JSON syntax, or the text length when it ends early. */
export function jsonErrorIndex(text: string): number {
  let at = 0;
  const space = () => {
    while (at < text.length && WHITESPACE.has(text[at]!)) at++;
  };
  const fail = (): never => {
    throw at;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, at)) at += word.length;
    else fail();
  };
  const string = () => {
    at++;
    while (at < text.length && text[at] !== '"') {
      if (text.charCodeAt(at) < 0x20) fail();
      if (text[at] === '\\') at += /^u[0-9a-fA-F]{4}/.test(text.slice(at + 1, at + 6)) ? 6 : /^["\\/bfnrt]/.test(text[at + 1] ?? '') ? 2 : fail();
      else at++;
    }
    if (at >= text.length) fail();
    at++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (!match) fail();
    at += match![0].length;
  };
  const list = (close: string, member: () => void) => {
    at++;
    space();
    if (text[at] === close) return void at++;
    for (;;) {
      member();
      space();
      if (text[at] === close) return void at++;
      if (text[at] !== ',') fail();
      at++;
      space();
    }
  };
  const member = () => {
    if (text[at] !== '"') fail();
    string();
    space();
    if (text[at] !== ':') fail();
    at++;
    value();
  };
  const value = (): void => {
    space();
    const c = text[at];
    if (c === '{') list('}', member);
    else if (c === '[') list(']', value);
    else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else number();
  };
  try {
    value();
    space();
    return at < text.length ? at : -1;
  } catch (index) {
    return typeof index === 'number' ? index : -1;
  }
}

function lineAndColumn(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return `line ${line}, column ${index - before.lastIndexOf('\n')}`;
}

export function parseJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch {
    const index = jsonErrorIndex(body);
    if (body.trim() === '') throw new VrdrFormatError([{ path: '', message: 'the file is empty: expected a FHIR Bundle in JSON' }]);
    const found = index >= body.length ? 'the text ends early' : `unexpected ${JSON.stringify(body[index])}`;
    throw new VrdrFormatError([{ path: '', message: `not valid JSON: ${found} at ${lineAndColumn(body, Math.max(index, 0))}` }]);
  }
}
