import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/http.ts';
import { hrefOf, matchRoute, adminSections } from '../src/app/routes.ts';
import { e2eeSummary, featureUnavailableSentence, lockSentence } from '../src/model/e2eeWords.ts';
import { fieldHints, normalizePath } from '../src/model/fieldErrors.ts';
import { draftFromTemplate, optionsFromDraft, slugOf } from '../src/model/templateDraft.ts';
import {
  describePolicySource,
  meetingIdOf,
  parseScenario,
  problemLines,
  scenarioProblems,
} from '../src/model/whatIf.ts';
import { exampleScenarioText } from '../src/model/whatIfExample.ts';
import { findSyntaxError } from '../src/model/jsonSyntax.ts';

describe('sentences about a meeting’s E2EE', () => {
  const label = { enabled: true, locked: true, source: 'label' as const };
  it('name what requires it', () => {
    expect(
      featureUnavailableSentence('recording', label, {
        label: 'Highly confidential',
        template: null,
      }),
    ).toBe(
      "Recording is unavailable: this meeting is end-to-end encrypted, as the label 'Highly confidential' requires",
    );
    expect(
      lockSentence(
        { enabled: true, locked: true, source: 'template' },
        { label: null, template: 'Board' },
      ),
    ).toBe("Required by the meeting template 'Board'");
    expect(
      lockSentence(
        { enabled: true, locked: false, source: 'organizer' },
        { label: null, template: null },
      ),
    ).toBeNull();
    expect(
      e2eeSummary(
        { enabled: false, locked: false, source: 'default' },
        { label: null, template: null },
      ),
    ).toMatch(/standard encryption/);
  });
});

describe('routes', () => {
  it('round-trip every page', () => {
    const routes = [
      { kind: 'meetings' },
      { kind: 'schedule' },
      { kind: 'meeting', id: 'a b/c' },
      { kind: 'room', id: 'm-1' },
      { kind: 'calls' },
      { kind: 'settings' },
      { kind: 'admin' },
      ...adminSections.map((section) => ({ kind: 'adminSection' as const, section })),
    ] as const;
    for (const route of routes) expect(matchRoute(hrefOf(route))).toEqual(route);
  });

  it('send unknown addresses to "not found"', () => {
    expect(matchRoute('/admin/secrets')).toEqual({ kind: 'notFound', path: '/admin/secrets' });
    expect(matchRoute('/meetings/x/y/z').kind).toBe('notFound');
    expect(matchRoute('/meetings/%E0%A4%A')).toMatchObject({ kind: 'notFound' });
    expect(matchRoute('/')).toEqual({ kind: 'meetings' });
  });
});

describe('field problems', () => {
  it('normalise the path spellings servers use', () => {
    expect(normalizePath('$.users[2].id')).toBe('users[2].id');
    expect(normalizePath('/users/2/id')).toBe('users[2].id');
    expect(normalizePath('body.email')).toBe('email');
  });

  it('go to the most specific field, and the rest are kept', () => {
    const hints = fieldHints(
      [
        { path: '$.e2ee.clients.minVersion.windows', message: 'use a version like 1.4.0' },
        { path: 'e2ee.maxParticipants', message: 'too small' },
        { path: 'e2ee.maxParticipants', message: 'not an integer' },
        { path: 'mystery', message: '?' },
      ],
      ['e2ee', 'e2ee.maxParticipants', 'e2ee.clients.minVersion.windows'],
    );
    expect(hints.byField).toEqual({
      'e2ee.clients.minVersion.windows': 'use a version like 1.4.0',
      'e2ee.maxParticipants': 'too small; not an integer',
    });
    expect(hints.unclaimed).toEqual([{ path: 'mystery', message: '?' }]);
  });
});

describe('what-if scenarios', () => {
  it('accept the §8 example', () => {
    const parsed = parseScenario(exampleScenarioText);
    expect(parsed.kind).toBe('ok');
  });

  it('point at the line and column of a JSON syntax error', () => {
    const parsed = parseScenario('{\n  "users": [,]\n}');
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind !== 'invalid') return;
    expect(parsed.problems[0]?.path).toBe('$');
    expect(parsed.problems[0]?.message).toMatch(/line 2/);
  });

  it('refuse a scenario that is not an object, and an empty one', () => {
    expect(parseScenario('[1]')).toMatchObject({ kind: 'invalid' });
    expect(parseScenario('  ')).toMatchObject({ kind: 'invalid' });
  });

  it('list one line per problem, each naming its path', () => {
    const error = new ApiError('INVALID_SCENARIO', 'The scenario is not valid.', 400, [
      { path: '$.assignments[0].user', message: "unknown user 'zed'" },
      { path: '$.meetings[0].type', message: 'not a meeting type' },
    ]);
    const problems = scenarioProblems(error);
    expect(problems && problemLines(problems)).toEqual([
      "$.assignments[0].user: unknown user 'zed'",
      '$.meetings[0].type: not a meeting type',
    ]);
    expect(scenarioProblems(new ApiError('NETWORK', 'down', null))).toBeNull();
  });

  it('describe where a policy came from', () => {
    expect(describePolicySource('group:finance')).toBe("through the group 'finance'");
    expect(describePolicySource('direct')).toBe('assigned directly');
    expect(describePolicySource('group:fin', () => 'Finance')).toBe("through the group 'Finance'");
  });
});

describe('the meeting an admin pastes into the live what-if', () => {
  it('is read from a join link, a meeting page, a room address or a bare id', () => {
    expect(meetingIdOf('https://meet.example.com/meetings/abc123/room')).toBe('abc123');
    expect(meetingIdOf('http://127.0.0.1:8080/meetings/m%201')).toBe('m 1');
    expect(meetingIdOf('/meetings/abc123')).toBe('abc123');
    expect(meetingIdOf('  abc123 ')).toBe('abc123');
  });
  it('is none when nothing is pasted', () => {
    expect(meetingIdOf('   ')).toBeUndefined();
  });
});

describe('template drafts', () => {
  it('round-trip a template’s options, leaving unset ones out', () => {
    const template = {
      id: 'sensitive',
      name: 'Sensitive',
      options: {
        endToEndEncryption: { value: true, locked: true },
        recording: { value: false, locked: false },
      },
    };
    expect(optionsFromDraft(draftFromTemplate(template))).toEqual(template.options);
  });

  it('suggest ids from names', () => {
    expect(slugOf('Highly confidential!')).toBe('highly-confidential');
    expect(slugOf('  Ünïcode  Board ')).toBe('unicode-board');
  });
});

describe('JSON syntax errors', () => {
  it('are located at the first wrong character, whatever the engine says', () => {
    const cases: [string, number, RegExp][] = [
      ['{"a": 1,}', 8, /property name/],
      ['{"a" 1}', 5, /':'/],
      ['[1 2]', 3, /',' or '\]'/],
      ['{"a": tru}', 6, /value/],
      ['{"a": "x', 8, /closing quote|ends too early/],
      ['{} x', 3, /nothing after/],
      ['"\\q"', 2, /escape/],
    ];
    for (const [text, offset, message] of cases) {
      expect(JSON.parse.bind(null, text)).toThrow();
      const problem = findSyntaxError(text);
      expect(problem, text).not.toBeNull();
      expect(problem?.offset, text).toBe(offset);
      expect(problem?.message, text).toMatch(message);
    }
  });

  it('find nothing wrong in valid JSON', () => {
    for (const text of [
      exampleScenarioText,
      '[]',
      '{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"]}',
      ' 0 ',
    ]) {
      expect(findSyntaxError(text), text).toBeNull();
    }
  });
});
