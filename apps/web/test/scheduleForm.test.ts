import { describe, expect, it } from 'vitest';
import { incompatibleOptions } from '@conclave/policy';
import type { E2eeToggleView } from '../src/model/e2eeToggle.ts';
import { baseRequest, probeRequest } from '../src/model/previews.ts';
import {
  emptyScheduleForm,
  optionViews,
  toRequest,
  withCatalogChoice,
} from '../src/model/scheduleForm.ts';

const labelLock: E2eeToggleView = {
  kind: 'locked',
  checked: true,
  state: { enabled: true, locked: true, source: 'label' },
  sentence: "Required by the sensitivity label 'Highly confidential'",
};
const names = { label: 'Highly confidential', template: null };

describe('the scheduling request', () => {
  it('sends only what the organizer chose', () => {
    expect(toRequest(emptyScheduleForm, 'schedule')).toEqual({
      subject: '',
      type: 'meeting',
      options: {},
      timeZone: 'UTC',
      durationMinutes: 60,
    });
    const form = {
      ...emptyScheduleForm,
      subject: ' Board ',
      label: 'hc',
      e2ee: true,
      options: { recording: false },
      invitees: ['u2'],
    };
    expect(toRequest(form, 'schedule')).toEqual({
      subject: 'Board',
      type: 'meeting',
      label: 'hc',
      options: { endToEndEncryption: true, recording: false },
      invitees: ['u2'],
      timeZone: 'UTC',
      durationMinutes: 60,
    });
    expect(toRequest(form, 'preview')).not.toHaveProperty('invitees');
    expect(toRequest(form, 'preview')).not.toHaveProperty('timeZone');
  });

  it('leaves the subject out of previews, so typing it does not ask the server again', () => {
    const preview = (subject: string) => toRequest({ ...emptyScheduleForm, subject }, 'preview');
    expect(preview('').subject).not.toBe('');
    expect(preview('Board')).toEqual(preview('Board review'));
  });

  it('strips the E2EE choice and every incompatible option for the base and probe questions', () => {
    const request = toRequest(
      { ...emptyScheduleForm, e2ee: false, options: { recording: true, dialIn: true } },
      'preview',
    );
    expect(baseRequest(request).options).toEqual({});
    expect(probeRequest(request).options).toEqual({ endToEndEncryption: true });
  });

  it('forgets explicit choices when another template is picked, and the E2EE choice for a label', () => {
    const form = { ...emptyScheduleForm, e2ee: false, options: { recording: true } };
    expect(withCatalogChoice(form, { template: 'sensitive' })).toMatchObject({
      template: 'sensitive',
      e2ee: undefined,
      options: {},
    });
    expect(withCatalogChoice(form, { label: 'hc' })).toMatchObject({
      label: 'hc',
      e2ee: undefined,
      options: { recording: true },
    });
  });
});

describe('the option checkboxes', () => {
  it('are all disabled with the E2EE reason when a label forces E2EE', () => {
    const views = optionViews(emptyScheduleForm, labelLock, null, null, names);
    expect(views.map((v) => v.option)).toEqual([...incompatibleOptions]);
    for (const view of views) expect(view).toMatchObject({ checked: false, disabled: true });
    expect(views.find((v) => v.option === 'recording')?.hint).toBe(
      "Recording is unavailable: this meeting is end-to-end encrypted, as the label 'Highly confidential' requires.",
    );
  });

  it('leave a still-requested option operable, with the refusal as its problem', () => {
    const form = { ...emptyScheduleForm, options: { recording: true } };
    const refusal = {
      outcome: 'rejected' as const,
      reasons: [
        {
          code: 'FEATURE_UNAVAILABLE_IN_E2EE' as const,
          severity: 'error' as const,
          message: 'Recording cannot be turned on.',
          option: 'recording' as const,
        },
      ],
    };
    const recording = optionViews(form, labelLock, refusal, null, names).find(
      (v) => v.option === 'recording',
    );
    expect(recording).toEqual({
      option: 'recording',
      checked: true,
      disabled: false,
      hint: null,
      problem: 'Recording cannot be turned on.',
    });
  });

  it('are free when E2EE is off, and follow a template’s locks', () => {
    const off: E2eeToggleView = {
      kind: 'available',
      checked: false,
      state: { enabled: false, locked: false, source: 'default' },
      note: null,
    };
    const template = {
      id: 'open',
      name: 'Open',
      options: { recording: { value: true, locked: true } },
    };
    const views = optionViews(emptyScheduleForm, off, null, template, {
      label: null,
      template: 'Open',
    });
    expect(views.find((v) => v.option === 'recording')).toMatchObject({
      checked: true,
      disabled: true,
      hint: "Set by the meeting template 'Open'.",
    });
    expect(views.find((v) => v.option === 'dialIn')).toMatchObject({
      checked: false,
      disabled: false,
      hint: null,
    });
  });
});
