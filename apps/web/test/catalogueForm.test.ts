// The frame every catalogue form shares (components/CataloguePage.tsx), rendered to HTML: the
// page's fields, the submit label, Cancel only where editing can be left, and the server's field
// problems pinned to the fields the page named, the rest listed under the form.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/http.ts';
import type { Action } from '../src/app/hooks.ts';
import { CatalogueForm, type FieldsProps } from '../src/components/CataloguePage.tsx';

interface Draft {
  name: string;
}

const idle: Action = {
  busy: false,
  error: null,
  done: null,
  run: () => Promise.resolve(true),
  reset: () => undefined,
};

function render(action: Action, onCancel?: () => void) {
  const seen: FieldsProps<Draft>[] = [];
  const html = renderToStaticMarkup(
    createElement(CatalogueForm<Draft>, {
      draft: { name: 'Confidential' },
      setDraft: () => undefined,
      isNew: onCancel === undefined,
      action,
      fields: ['name'],
      render: (props) => {
        seen.push(props);
        return createElement('input', { name: 'name', defaultValue: props.draft.name });
      },
      submitLabel: 'Create label',
      onSubmit: () => undefined,
      onCancel,
    }),
  );
  return { html, seen };
}

describe('CatalogueForm', () => {
  it('renders the page fields with the draft, and a submit without Cancel for a new object', () => {
    const { html, seen } = render(idle);
    expect(html).toContain('value="Confidential"');
    expect(html).toContain('>Create label</button>');
    expect(html).not.toContain('Cancel');
    expect(seen[0]?.isNew).toBe(true);
  });

  it('offers Cancel when editing, and disables submit while busy', () => {
    const { html } = render({ ...idle, busy: true }, () => undefined);
    expect(html).toContain('>Cancel</button>');
    expect(html).toMatch(/<button type="submit"[^>]*disabled/);
  });

  it('pins field problems to the named fields and lists the others', () => {
    const error = new ApiError('INVALID_INPUT', 'The request body is not valid.', 400, [
      { path: '$.name', message: 'Too long.' },
      { path: '$.colour', message: 'Unknown field.' },
    ]);
    const { html, seen } = render({ ...idle, error });
    expect(seen[0]?.hints.byField).toEqual({ name: 'Too long.' });
    expect(html).toContain('The request body is not valid.');
    expect(html).toContain('Unknown field.');
    expect(html).not.toContain('Too long.');
  });
});
