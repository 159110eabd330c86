import { describe, expect, it } from 'vitest';
import { toggleView, onState, needsProbe, withoutRequestClause } from '../src/model/e2eeToggle.ts';
import { gatherPreviews } from '../src/model/previews.ts';
import { emptyScheduleForm, toRequest, type ScheduleForm } from '../src/model/scheduleForm.ts';
import { disableGlobalMeetingE2ee, fakePreview, organization } from './governanceFixture.ts';
import type { OrgFacts } from '@conclave/policy';

const names = (form: ScheduleForm) => ({
  label: { hc: 'Highly confidential', general: 'General' }[form.label] ?? null,
  template:
    { sensitive: 'Sensitive', open: 'Open', 'private-by-default': 'Private by default' }[
      form.template
    ] ?? null,
});

async function viewFor(facts: OrgFacts, organizer: string, change: Partial<ScheduleForm> = {}) {
  const form = { ...emptyScheduleForm, ...change };
  const { preview, asked } = fakePreview(facts, organizer);
  const previews = await gatherPreviews(toRequest(form, 'preview'), preview);
  return { view: toggleView(previews, form.e2ee, names(form)), asked };
}

describe('the E2EE switch, read from the engine’s decisions', () => {
  it('is free (off) for an eligible organizer with nothing chosen, after one probe', async () => {
    const { view, asked } = await viewFor(organization(), 'olivia');
    expect(view).toMatchObject({ kind: 'available', checked: false });
    expect(asked).toHaveLength(2);
    expect(asked[1]?.options).toEqual({ endToEndEncryption: true });
  });

  it('is free and on when the organizer asks for it, with a single preview', async () => {
    const { view, asked } = await viewFor(organization(), 'olivia', { e2ee: true });
    expect(view).toMatchObject({
      kind: 'available',
      checked: true,
      state: { source: 'organizer' },
    });
    expect(asked).toHaveLength(1);
  });

  it('is unavailable with the policy reason when the Global policy is "Not enabled"', async () => {
    const { view } = await viewFor(organization(disableGlobalMeetingE2ee), 'olivia');
    expect(view.kind).toBe('unavailable');
    if (view.kind !== 'unavailable') return;
    expect(view.checked).toBe(false);
    expect(view.reasons.map((r) => r.code)).toEqual(['E2EE_POLICY_DISABLED']);
    expect(view.reasons[0]?.message).toContain("'Global'");
    // The organizer asked for nothing: the sentence doesn't say they did.
    expect(view.reasons[0]?.message).not.toMatch(/requested/);
  });

  it('lists every §3 failure: no licence and an unsupported meeting type', async () => {
    const { view } = await viewFor(organization(), 'basil', { type: 'webinar' });
    expect(view.kind).toBe('unavailable');
    if (view.kind !== 'unavailable') return;
    expect(view.reasons.map((r) => r.code).sort()).toEqual(
      ['E2EE_REQUIRES_PREMIUM', 'E2EE_UNSUPPORTED_MEETING_TYPE'].sort(),
    );
  });

  it('stays switched on (so it can be withdrawn) when asked for but no longer possible', async () => {
    const { view } = await viewFor(organization(), 'olivia', { e2ee: true, type: 'townHall' });
    expect(view).toMatchObject({ kind: 'unavailable', checked: true });
    if (view.kind !== 'unavailable') return;
    expect(view.reasons[0]?.message).toMatch(/requested/);
  });

  it('is on and locked by a label, even where the policy says "Not enabled"', async () => {
    const { view } = await viewFor(organization(disableGlobalMeetingE2ee), 'olivia', {
      label: 'hc',
    });
    expect(view).toMatchObject({ kind: 'locked', checked: true });
    if (view.kind !== 'locked') return;
    expect(view.sentence).toBe("Required by the sensitivity label 'Highly confidential'");
  });

  it('is on and locked by a template that requires it', async () => {
    const { view } = await viewFor(organization(), 'olivia', { template: 'sensitive' });
    expect(view).toMatchObject({
      kind: 'locked',
      checked: true,
      sentence: "Required by the meeting template 'Sensitive'",
    });
  });

  it('is off and locked by a template that forbids it', async () => {
    const { view } = await viewFor(organization(), 'olivia', { template: 'open' });
    expect(view).toMatchObject({
      kind: 'locked',
      checked: false,
      sentence: "Turned off by the meeting template 'Open'",
    });
  });

  it('shows a required-but-impossible lock when the label needs a licence the organizer lacks', async () => {
    const { view } = await viewFor(organization(), 'basil', { label: 'hc' });
    expect(view.kind).toBe('requiredButUnavailable');
    if (view.kind !== 'requiredButUnavailable') return;
    expect(view.sentence).toBe("Required by the sensitivity label 'Highly confidential'");
    expect(view.reasons.map((r) => r.code)).toContain('E2EE_REQUIRES_PREMIUM');
    expect(onState(view)).toMatchObject({ enabled: true, source: 'label' });
  });

  it('names the template when a locked-on template cannot be met', async () => {
    const { view } = await viewFor(organization(disableGlobalMeetingE2ee), 'olivia', {
      template: 'sensitive',
    });
    expect(view).toMatchObject({
      kind: 'requiredButUnavailable',
      sentence: "Required by the meeting template 'Sensitive'",
    });
  });

  it('reads rule 5: a template default the organizer cannot have is off, with the reason', async () => {
    const { view, asked } = await viewFor(organization(), 'basil', {
      template: 'private-by-default',
    });
    expect(view.kind).toBe('unavailable');
    if (view.kind !== 'unavailable') return;
    expect(view.reasons.map((r) => r.code)).toEqual(['E2EE_REQUIRES_PREMIUM']);
    expect(asked).toHaveLength(1);
  });

  it('is on by template default and can be turned off', async () => {
    const { view } = await viewFor(organization(), 'olivia', { template: 'private-by-default' });
    expect(view).toMatchObject({ kind: 'available', checked: true });
    if (view.kind !== 'available') return;
    expect(view.note).toContain("'Private by default'");
  });

  it('keeps the switch readable when an incompatible option made the request fail', async () => {
    const { view, asked } = await viewFor(organization(), 'olivia', {
      e2ee: true,
      options: { recording: true },
    });
    expect(view).toMatchObject({ kind: 'available', checked: true });
    // actual (refused), then base, then the probe.
    expect(asked).toHaveLength(3);
    expect(asked[1]?.options).toEqual({});
  });

  it('says "checking" until the answers it needs have arrived', () => {
    const actual = { outcome: 'rejected' as const, reasons: [] };
    expect(toggleView({ actual }, undefined, { label: null, template: null })).toEqual({
      kind: 'checking',
    });
    const off = {
      outcome: 'scheduled' as const,
      endToEndEncryption: { enabled: false, locked: false, source: 'default' as const },
      features: {},
      reasons: [],
    };
    expect(needsProbe(off)).toBe(true);
    expect(toggleView({ actual: off }, undefined, { label: null, template: null })).toEqual({
      kind: 'checking',
    });
  });
});

describe('the reason shown for a probe the organizer did not ask for', () => {
  it('is the structured cause, not a cut sentence', () => {
    const reason = {
      code: 'E2EE_REQUIRES_PREMIUM' as const,
      severity: 'error' as const,
      message: 'No licence. More words about the request.',
      cause: 'No licence.',
    };
    expect(withoutRequestClause(reason).message).toBe('No licence.');
  });

  it('is the whole sentence when the reason has no separate cause', () => {
    const reason = { code: 'MEETING_FULL' as const, severity: 'error' as const, message: 'Full.' };
    expect(withoutRequestClause(reason)).toEqual(reason);
  });
});
