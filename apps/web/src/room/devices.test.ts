import { describe, expect, it } from 'vitest';
import { availableChoice, listsOf } from './devices.ts';

describe('the devices to choose from', () => {
  it('are sorted by kind, named, numbered when the browser gives no name, and listed once', () => {
    const lists = listsOf([
      { kind: 'audioinput', deviceId: 'default', label: 'Default - Headset' },
      { kind: 'audioinput', deviceId: 'm2', label: '' },
      { kind: 'audioinput', deviceId: 'm2', label: '' },
      { kind: 'videoinput', deviceId: 'c1', label: 'Built-in camera' },
      { kind: 'audiooutput', deviceId: 's1', label: 'Speakers' },
      // Before permission some browsers list a device without an id: nothing to choose.
      { kind: 'videoinput', deviceId: '', label: '' },
    ]);
    expect(lists).toEqual({
      camera: [{ id: 'c1', label: 'Built-in camera' }],
      microphone: [
        { id: 'default', label: 'Default - Headset' },
        { id: 'm2', label: 'Microphone 2' },
      ],
      speaker: [{ id: 's1', label: 'Speakers' }],
    });
  });

  it('keep a choice only while its device is there (else the browser default is used)', () => {
    const lists = listsOf([
      { kind: 'audioinput', deviceId: 'm1', label: 'Mic' },
      { kind: 'videoinput', deviceId: 'c1', label: 'Cam' },
    ]);
    expect(
      availableChoice({ microphone: 'm1', camera: 'unplugged', speaker: 's9' }, lists),
    ).toEqual({ microphone: 'm1' });
  });
});
