// Where a JSON text first goes wrong. The browser's JSON.parse message varies by engine and may
// echo the whole input, so the what-if page points at the spot itself: "line 4, column 12".

export interface SyntaxProblem {
  offset: number;
  message: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export function findSyntaxError(text: string): SyntaxProblem | null {
  let at = 0;

  const describe = (index: number) =>
    index >= text.length ? 'the text ends too early' : `unexpected ${JSON.stringify(text[index])}`;
  const fail = (expected: string): never => {
    throw new Stop(at, `${describe(at)}; expected ${expected}`);
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at] ?? '')) at += 1;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, at)) at += word.length;
    else fail('a value');
  };
  const string = () => {
    at += 1; // the opening quote
    while (at < text.length) {
      const char = text[at];
      if (char === '"') {
        at += 1;
        return;
      }
      if (char === '\\') {
        const next = text[at + 1] ?? '';
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) {
            at += 2;
            fail('four hex digits after \\u');
          }
          at += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(next) || next === '') {
          at += 1;
          fail('a valid escape');
        }
        at += 2;
        continue;
      }
      if (char !== undefined && char < ' ') fail('no control characters inside a string');
      at += 1;
    }
    fail('a closing quote');
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match || match[0] === '' || match[0] === '-') fail('a value');
    at += match?.[0].length ?? 0;
  };
  const value = (): void => {
    space();
    const char = text[at];
    if (char === '{') return object();
    if (char === '[') return array();
    if (char === '"') return string();
    if (char === 't') return literal('true');
    if (char === 'f') return literal('false');
    if (char === 'n') return literal('null');
    return number();
  };
  const object = () => {
    at += 1;
    space();
    if (text[at] === '}') {
      at += 1;
      return;
    }
    for (;;) {
      space();
      if (text[at] !== '"') fail('a property name in double quotes');
      string();
      space();
      if (text[at] !== ':') fail("':'");
      at += 1;
      value();
      space();
      if (text[at] === ',') {
        at += 1;
        continue;
      }
      if (text[at] === '}') {
        at += 1;
        return;
      }
      fail("',' or '}'");
    }
  };
  const array = () => {
    at += 1;
    space();
    if (text[at] === ']') {
      at += 1;
      return;
    }
    for (;;) {
      value();
      space();
      if (text[at] === ',') {
        at += 1;
        continue;
      }
      if (text[at] === ']') {
        at += 1;
        return;
      }
      fail("',' or ']'");
    }
  };

  try {
    value();
    space();
    if (at < text.length) fail('nothing after the value');
    return null;
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, message: error.message };
    throw error;
  }
}
