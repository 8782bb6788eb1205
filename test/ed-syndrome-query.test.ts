/**
 * The ESSENCE free-text query engine: parsing (AST, canonical text), term semantics, operator
 * truth tables and left-to-right reading, bad queries with their exact messages, the CCDD text,
 * and the compiled query set checked against a plain recursive evaluator on random queries.
 */
import { describe, expect, it } from 'vitest';
import {
  ccddText,
  compileQuery,
  createQuerySet,
  formatQuery,
  parseQuery,
  type QueryNode,
  SyntaxQueryError,
} from '../pipeline/coding/ed/syndromes/index.ts';
import { toRegExpSource } from '../pipeline/coding/ed/syndromes/term-matcher.ts';

const matches = (query: string, text: string | null) => compileQuery(query)(text);

describe('parseQuery', () => {
  it.each([
    ['^a^,and,^b^', '^a^,and,^b^'],
    ['^a^,OR,^b^,or,^c^', '^a^,or,^b^,or,^c^'],
    ['^a^,or,^b^,andnot,^c^', '(,^a^,or,^b^,),andnot,^c^'],
    ['^a^,or,(,^b^,andnot,^c^,)', '^a^,or,(,^b^,andnot,^c^,)'],
    ['^a^,and,^b^,or,^c^', '(,^a^,and,^b^,),or,^c^'],
    ['(,(,^a^,or,^b^,),and,(,^c^,or,(,^d^,andnot,^e^,),),)', '(,^a^,or,^b^,),and,(,^c^,or,(,^d^,andnot,^e^,),)'],
    ['(,(,(,^a^,),),)', '^a^'],
    ['^a^,^b^', '^a^,or,^b^'],
    ['^a^,(,^b^,and,^c^,)', '^a^,or,(,^b^,and,^c^,)'],
    ['isnull,or,IsBlank', 'ISNULL,or,ISBLANK'],
    [' ^a^ , AndNot , ^b^ ', '^a^,andnot,^b^'],
    ['^overdose^,or,^ OD ^,or,(,^narcan^,andnot,^no narcan^,)', '^overdose^,or,^ OD ^,or,(,^narcan^,andnot,^no narcan^,)'],
  ])('%s reads as %s', (query, canonical) => {
    expect(formatQuery(parseQuery(query))).toBe(canonical);
  });

  it('builds the AST: n-ary and/or, binary andnot, terms with their 1-based position', () => {
    const ast = parseQuery('^a^,or,^b^,or,^c^,andnot,^d^');
    expect(ast.kind).toBe('andnot');
    const { left, right } = ast as Extract<QueryNode, { kind: 'andnot' }>;
    expect(left.kind).toBe('or');
    expect((left as Extract<QueryNode, { children: QueryNode[] }>).children.map((c: QueryNode) => (c.kind === 'term' ? [c.text, c.position] : c.kind))).toEqual([
      ['^a^', 1],
      ['^b^', 8],
      ['^c^', 15],
    ]);
    expect(right).toMatchObject({ kind: 'term', text: '^d^', position: 26 });
  });

  it('splits a term into literal, class, one-character and wildcard pieces', () => {
    const term = parseQuery('^[;/ ]T40.1X[14]A^') as Extract<QueryNode, { kind: 'term' }>;
    expect(term.pattern).toEqual({
      pieces: [
        { kind: 'class', chars: ';/ ', ranges: [] },
        { kind: 'literal', text: 't40.1x' },
        { kind: 'class', chars: '14', ranges: [] },
        { kind: 'literal', text: 'a' },
      ],
      anchoredStart: false,
      anchoredEnd: false,
      wordStart: false,
      wordEnd: false,
    });
    const mixed = parseQuery('Fa_l^x[A-C0-9]') as Extract<QueryNode, { kind: 'term' }>;
    expect(mixed.pattern).toEqual({
      pieces: [
        { kind: 'literal', text: 'fa' },
        { kind: 'one' },
        { kind: 'literal', text: 'l' },
        { kind: 'any' },
        { kind: 'literal', text: 'x' },
        { kind: 'class', chars: '', ranges: [['a', 'c'], ['0', '9']] },
      ],
      anchoredStart: true,
      anchoredEnd: true,
      wordStart: false,
      wordEnd: false,
    });
    expect((parseQuery('!Meth!') as Extract<QueryNode, { kind: 'term' }>).pattern).toEqual({
      pieces: [{ kind: 'literal', text: 'meth' }],
      anchoredStart: false,
      anchoredEnd: false,
      wordStart: true,
      wordEnd: true,
    });
    expect((parseQuery('^a[COMMA]b^') as Extract<QueryNode, { kind: 'term' }>).pattern.pieces).toEqual([{ kind: 'literal', text: 'a,b' }]);
  });
});

describe('term semantics', () => {
  it.each([
    // ^ at both ends, at one end, none (whole field)
    ['^fent^', 'OD on FENT', true],
    ['^fent^', 'fentanyl', true],
    ['^fent^', 'fetanyl', false],
    ['fent^', 'fentanyl OD', true],
    ['fent^', 'OD on fentanyl', false],
    ['^fent', 'OD on fent', true],
    ['^fent', 'fent OD', false],
    ['fall', 'Fall', true],
    ['fall', 'Fall; wrist injury', false],
    ['fall', 'a fall', false],
    ['^fall^injur^', 'fall with head injury', true],
    ['^fall^injur^', 'injury after fall', false],
    ['^', 'anything', true],
    ['^', '', true],
    ['^', null, false],
    // _ exactly one character (CDC part 2)
    ['^fall_^', 'Fall', false],
    ['^fall_^', 'Falling', true],
    ['^fall_^', 'Fall; wrist', true],
    ['^_fall^', 'Fall', false],
    ['^_fall^', 'arm injury; fall', true],
    ['^t40._x1a^', ';t40.1x1a;', true],
    ['^t40._x1a^', ';t40.41x1a;', false],
    ['f_ll', 'fell', true],
    ['f_ll', 'fel', false],
    // bracket classes
    ['^[;/ ]meth[;/ ]^', 'used meth today', true],
    ['^[;/ ]meth[;/ ]^', 'on methotrexate', false],
    ['^[;/ ]meth[;/ ]^', 'meth/heroin', false],
    ['^[;/ ]T40.1X[14]A^', 'x ;T40.1X4A;', true],
    ['^[;/ ]T40.1X[14]A^', 'x ;T40.1X2A;', false],
    ['^T4[0-3]^', 'T45', false],
    ['^T4[0-9]^', 'T45', true],
    ['^a[,;]b^', 'a,b', true],
    ['^a[COMMA]b^', 'a,b', true],
    ['^a[comma]b^', 'a b', false],
    ['^[a-]x^', '-x', true],
    // !word! edges (NSSP !TERM!)
    ['!meth!', 'meth/heroin', true],
    ['!meth!', 'crystal meth', true],
    ['!meth!', 'METH.', true],
    ['!meth!', 'methotrexate', false],
    ['!meth!', 'something', false],
    ['!od!', "OD'd on H", true],
    ['!od!', 'good', false],
    ['!od!', 'odor', false],
    ['^ on h!', 'od on h', true],
    ['^ on h!', 'od on heroin', false],
    ['!od', 'pain od', true],
    ['!od', 'pain od now', false],
    // case-insensitive, and regular-expression characters are literal
    ['^OVERDOSE^', 'overdose', true],
    ['^overdose^', 'OVERDOSE', true],
    ['^a.b^', 'axb', false],
    ['^a.b^', 'a.b', true],
    ['^(od)^', 'pt (od) x2', true],
    ['^a+b^', 'aab', false],
    ['^a$^', 'a$', true],
    ['^a\\b^', 'a\\b', true],
    ['^ OD ^', 'OD on fent', false],
    ['^ OD ^', 'pt OD on fent', true],
  ])('%s on %j is %s', (query, text, expected) => {
    expect(matches(query, text)).toBe(expected);
  });

  it.each([
    [null, true, false],
    ['', false, true],
    ['   ', false, true],
    ['x', false, false],
  ])('ISNULL / ISBLANK on %j: %s / %s', (text, isNull, isBlank) => {
    expect(matches('ISNULL', text)).toBe(isNull);
    expect(matches('isblank', text)).toBe(isBlank);
    expect(matches('ISNULL,or,ISBLANK', text)).toBe(isNull || isBlank);
  });
});

describe('operators: truth tables', () => {
  const words = ['alpha', 'bravo', 'charlie'];
  const text = (bits: boolean[]) => words.filter((_, i) => bits[i]).join(' ');
  const combos = (n: number) => Array.from({ length: 1 << n }, (_, k) => Array.from({ length: n }, (_, i) => ((k >> i) & 1) === 1));

  it.each([
    ['^alpha^,and,^bravo^', ([a, b]: boolean[]) => a! && b!],
    ['^alpha^,or,^bravo^', ([a, b]: boolean[]) => a! || b!],
    ['^alpha^,andnot,^bravo^', ([a, b]: boolean[]) => a! && !b!],
    ['^alpha^,^bravo^', ([a, b]: boolean[]) => a! || b!],
    ['^alpha^,AND,^bravo^', ([a, b]: boolean[]) => a! && b!],
  ])('%s (two terms)', (query, truth) => {
    const test = compileQuery(query);
    for (const bits of combos(2)) expect(test(text(bits)), JSON.stringify(bits)).toBe(truth(bits));
  });

  it.each([
    // left to right, no precedence (CDC part 6)
    ['^alpha^,or,^bravo^,andnot,^charlie^', ([a, b, c]: boolean[]) => (a! || b!) && !c!],
    ['^alpha^,or,(,^bravo^,andnot,^charlie^,)', ([a, b, c]: boolean[]) => a! || (b! && !c!)],
    ['^alpha^,and,^bravo^,or,^charlie^', ([a, b, c]: boolean[]) => (a! && b!) || c!],
    ['^alpha^,or,^bravo^,and,^charlie^', ([a, b, c]: boolean[]) => (a! || b!) && c!],
    ['^alpha^,andnot,^bravo^,or,^charlie^', ([a, b, c]: boolean[]) => (a! && !b!) || c!],
    ['^alpha^,andnot,(,^bravo^,or,^charlie^,)', ([a, b, c]: boolean[]) => a! && !(b! || c!)],
    ['^alpha^,andnot,^bravo^,andnot,^charlie^', ([a, b, c]: boolean[]) => a! && !b! && !c!],
    ['(,^alpha^,or,^bravo^,),and,(,^charlie^,or,ISBLANK,)', ([a, b, c]: boolean[]) => (a! || b!) && (c! || !(a! || b! || c!))],
  ])('%s (three terms)', (query, truth) => {
    const test = compileQuery(query);
    for (const bits of combos(3)) expect(test(text(bits)), JSON.stringify(bits)).toBe(truth(bits));
  });
});

describe('bad queries', () => {
  it.each([
    ['', 'query "": at character 1: expected a term at the start of the query'],
    ['^a^,and,', 'query "^a^,and,": at character 9: expected a term after ",and,"'],
    ['^a^,or,^b^,and', 'query "^a^,or,^b^,and": at character 15: expected a term after ",and,"'],
    ['^a^,andnot', 'query "^a^,andnot": at character 11: expected a term after ",andnot,"'],
    ['^a^,and,,or,^b^', 'query "^a^,and,,or,^b^": at character 9: expected a term after ",and,"'],
    ['^a^,and,or,^b^', 'query "^a^,and,or,^b^": at character 9: expected a term after ",and,", found ",or,"'],
    ['and,^a^', 'query "and,^a^": at character 1: expected a term at the start of the query, found ",and,"'],
    [',or,^a^', 'query ",or,^a^": at character 1: expected a term at the start of the query'],
    ['^a^,xor,^b^', 'query "^a^,xor,^b^": at character 5: unknown operator ",xor,"; expected ",and," ",or," or ",andnot,"'],
    ['^a^,ANDNOT,^b^,XOR,^c^', 'query "^a^,ANDNOT,^b^,XOR,^c^": at character 16: unknown operator ",XOR,"; expected ",and," ",or," or ",andnot,"'],
    ['fall,fell', 'query "fall,fell": at character 6: unknown operator ",fell,"; expected ",and," ",or," or ",andnot,"'],
    ['^a^,,^b^', 'query "^a^,,^b^": at character 5: expected ",and," ",or," or ",andnot,", found an empty entry ",,"'],
    ['^a^,', 'query "^a^,": at character 5: expected a term after the last ","'],
    ['(,^a^,or,^b^', 'query "(,^a^,or,^b^": at character 13: expected ",)" to close the group "(," opened at character 1'],
    ['(,^a^,or,(,^b^,)', 'query "(,^a^,or,(,^b^,)": at character 17: expected ",)" to close the group "(," opened at character 1'],
    [
      '^overdose^,or,(,^narcan^,andnot,^no narcan^,',
      'query "^overdose^,or,(,^narcan^,andnot,^no narcan^,": at character 45: expected ",)" to close the group "(," opened at character 15',
    ],
    ['^a^,or,^b^,)', 'query "^a^,or,^b^,)": at character 12: unexpected ",)": no group "(," is open'],
    ['(,,)', 'query "(,,)": at character 3: expected a term after "(,"'],
    ['(,)', 'query "(,)": at character 3: expected a term after "(,", found ",)"'],
    ['^a^,or,)', 'query "^a^,or,)": at character 8: expected a term after ",or,", found ",)"'],
    ['^[;/ meth^', 'query "^[;/ meth^": at character 2: expected "]" to close the bracket class "["'],
    ['^a^,or,^[;/ meth^', 'query "^a^,or,^[;/ meth^": at character 9: expected "]" to close the bracket class "["'],
    ['^[]meth^', 'query "^[]meth^": at character 2: expected at least one character inside "[]"'],
    ['^a]^', 'query "^a]^": at character 3: unexpected "]" without an opening "["'],
    ['^[^a-z]od^', 'query "^[^a-z]od^": at character 3: expected the characters to match inside "[...]": a leading "^" (negation) is not supported'],
    ['^[z-a]^', 'query "^[z-a]^": at character 3: expected a range from low to high inside "[...]", found "z-a"'],
    ['!!', 'query "!!": at character 1: expected a word between "!" and "!"'],
    [
      '^overdose^,or,^overdsoe^,or,^over dose^,or,^ovredose^,or,^od^,xor,^ams^',
      'query "^overdose^,or,^overdsoe^,or,^over dose^,or,^ovredose^,or,^o…": at character 63: unknown operator ",xor,"; expected ",and," ",or," or ",andnot,"',
    ],
  ])('%j', (query, message) => {
    let error: unknown;
    try {
      parseQuery(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SyntaxQueryError);
    expect((error as Error).message).toBe(message);
  });

  it('keeps the position and the detail on the error', () => {
    const error = (() => {
      try {
        parseQuery('^a^,and,');
      } catch (e) {
        return e as SyntaxQueryError;
      }
      throw new Error('no error');
    })();
    expect([error.name, error.query, error.position, error.detail]).toEqual(['SyntaxQueryError', '^a^,and,', 9, 'expected a term after ",and,"']);
  });
});

describe('ccddText', () => {
  it('joins the chief complaint and every code, dotted and undotted', () => {
    expect(ccddText({ chiefComplaint: 'OD on fent, narcan x2', dischargeDiagnoses: ['T40.411A', 'F11.120'] })).toBe(
      'OD on fent, narcan x2 ;T40.411A;T40411A;F11.120;F11120;',
    );
  });
  it('adds the dot to undotted codes and leaves three-character codes alone', () => {
    expect(ccddText({ chiefComplaint: 'syncope', dischargeDiagnoses: ['t40601a', 'R55'] })).toBe('syncope ;T40.601A;T40601A;R55;');
  });
  it('is the complaint alone without codes, the codes alone without a complaint, null without either', () => {
    expect(ccddText({ chiefComplaint: 'chest pain', dischargeDiagnoses: [] })).toBe('chest pain');
    expect(ccddText({ chiefComplaint: null, dischargeDiagnoses: ['T40.1X1A'] })).toBe(' ;T40.1X1A;T401X1A;');
    expect(ccddText({ chiefComplaint: null, dischargeDiagnoses: [] })).toBeNull();
  });
  it('lets dotted and undotted queries find a code', () => {
    const text = ccddText({ chiefComplaint: 'unresponsive', dischargeDiagnoses: ['T40.411A'] });
    expect(['^T40.41^', '^T4041^', '^[;/ ]T40.41[14]A^', '^t40411a^'].map((q) => matches(q, text))).toEqual([true, true, true, true]);
    expect(matches('^T40.42^', text)).toBe(false);
  });
});

describe('query sets', () => {
  it('shares a group between queries and re-evaluates it for each text', () => {
    const set = createQuerySet();
    const shared = '(,^fent^,andnot,^fentanyl patch^,)';
    const a = set.add(`${shared},and,^od^`);
    const b = set.add(`${shared},and,^unresp^`);
    const results = ['fent OD', 'fentanyl patch, OD', 'unresponsive after fent', 'nothing'].map((text) => {
      set.prepare(text);
      return [set.test(a), set.test(b)];
    });
    expect(results).toEqual([
      [true, false],
      [false, false],
      [false, true],
      [false, false],
    ]);
  });

  it('recompiles when a query is added after use, and rejects an unknown index', () => {
    const set = createQuerySet();
    set.add('^a^');
    set.prepare('ab');
    expect(set.test(0)).toBe(true);
    const second = set.add('^b^,andnot,^a^');
    set.prepare('b');
    expect([set.test(0), set.test(second)]).toEqual([false, true]);
    expect(() => set.test(5)).toThrow('no query 5 in this set');
  });

  it('throws the syntax error when a bad query is added', () => {
    expect(() => createQuerySet().add('^a^,xor,^b^')).toThrow(SyntaxQueryError);
  });

  // The compiled set (terms filed by character pair, term and group tables, memo slots) against a plain recursive
  // evaluation with one RegExp per term, on seeded random queries and texts.
  it('agrees with a plain evaluator on 400 random queries × 60 texts', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const atoms = ['a', 'b', 'c', 'ab', 'ba', 'abc', ' ', ';', '.', '_', '[ab]', '[;.]', '[a-b]', '^'];
    const term = () => {
      if (random() < 0.06) return pick(['ISNULL', 'ISBLANK']);
      let body = '';
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--) body += pick(atoms);
      const edge = () => pick(['^', '^', '', '!']);
      return `${edge()}${body.replace(/^\^+|\^+$/g, 'a')}${edge()}`;
    };
    const query = (depth: number): string => {
      if (depth === 0 || random() < 0.35) return term();
      const parts = [query(depth - 1)];
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--) parts.push(pick([',and,', ',or,', ',andnot,']), query(depth - 1));
      return random() < 0.5 ? `(,${parts.join('')},)` : parts.join('');
    };
    const reference = (node: QueryNode, text: string | null): boolean => {
      switch (node.kind) {
        case 'term':
          return text !== null && new RegExp(toRegExpSource(node.pattern)).test(text.toLowerCase());
        case 'isnull':
          return text === null;
        case 'isblank':
          return text !== null && text.trim() === '';
        case 'andnot':
          return reference(node.left, text) && !reference(node.right, text);
        case 'and':
          return node.children.every((c) => reference(c, text));
        case 'or':
          return node.children.some((c) => reference(c, text));
      }
    };
    const texts: (string | null)[] = [null, '', ' '];
    while (texts.length < 60) {
      let t = '';
      for (let n = Math.floor(random() * 9); n > 0; n--) t += pick(['a', 'b', 'c', 'A', 'B', ' ', ';', '.', 'x']);
      texts.push(t);
    }
    const set = createQuerySet();
    const queries = Array.from({ length: 400 }, () => {
      const text = query(3);
      return { text, ast: parseQuery(text), index: set.add(text) };
    });
    let checked = 0;
    for (const text of texts) {
      set.prepare(text);
      for (const q of queries) {
        expect(set.test(q.index), `${q.text} on ${JSON.stringify(text)}`).toBe(reference(q.ast, text));
        checked++;
      }
    }
    expect(checked).toBe(24_000);
  });
});
