// The camera, microphone and speaker this browser uses for meetings: what there is to choose
// from, the choice (kept in this browser, so the next meeting starts with it), and capturing or
// switching a track to the chosen device. A device that went away falls back to the browser's
// default rather than failing the join.

export type DeviceKind = 'camera' | 'microphone' | 'speaker';

export interface DeviceOption {
  readonly id: string;
  readonly label: string;
}

export type DeviceLists = Readonly<Record<DeviceKind, readonly DeviceOption[]>>;
export type DeviceChoice = Readonly<Partial<Record<DeviceKind, string>>>;

export const noDevices: DeviceLists = { camera: [], microphone: [], speaker: [] };

const kinds: Record<MediaDeviceKind, DeviceKind> = {
  videoinput: 'camera',
  audioinput: 'microphone',
  audiooutput: 'speaker',
};

const unnamed: Record<DeviceKind, string> = {
  camera: 'Camera',
  microphone: 'Microphone',
  speaker: 'Speaker',
};

/** The browser's list, by kind; a device without a label (no permission yet) gets a number. */
export function listsOf(
  devices: readonly Pick<MediaDeviceInfo, 'kind' | 'deviceId' | 'label'>[],
): DeviceLists {
  const lists: Record<DeviceKind, DeviceOption[]> = { camera: [], microphone: [], speaker: [] };
  for (const device of devices) {
    const kind = kinds[device.kind];
    if (device.deviceId === '' || lists[kind].some((d) => d.id === device.deviceId)) continue;
    const label = device.label.trim() || `${unnamed[kind]} ${lists[kind].length + 1}`;
    lists[kind].push({ id: device.deviceId, label });
  }
  return lists;
}

/** The chosen device if it is still there; otherwise none (the browser's default). */
export function availableChoice(choice: DeviceChoice, lists: DeviceLists): DeviceChoice {
  const kept: Partial<Record<DeviceKind, string>> = {};
  for (const kind of ['camera', 'microphone', 'speaker'] as const) {
    const id = choice[kind];
    if (id !== undefined && lists[kind].some((device) => device.id === id)) kept[kind] = id;
  }
  return kept;
}

const audio = (deviceId: string | undefined): MediaTrackConstraints => ({
  channelCount: 1,
  sampleRate: 48_000,
  ...(deviceId === undefined ? {} : { deviceId: { exact: deviceId } }),
});
const video = (deviceId: string | undefined): MediaTrackConstraints => ({
  width: 640,
  height: 480,
  frameRate: 15,
  ...(deviceId === undefined ? {} : { deviceId: { exact: deviceId } }),
});

const storageKey = 'conclave.devices';

export class LocalDevices {
  #choice: DeviceChoice;
  #lists: DeviceLists = noDevices;
  readonly #onChange: (lists: DeviceLists, choice: DeviceChoice) => void;

  constructor(onChange: (lists: DeviceLists, choice: DeviceChoice) => void) {
    this.#onChange = onChange;
    this.#choice = readChoice();
  }

  get choice(): DeviceChoice {
    return this.#choice;
  }

  /** Reads the browser's devices again (labels appear once the page may use the camera). */
  async refresh(): Promise<void> {
    this.#lists = listsOf(await navigator.mediaDevices.enumerateDevices());
    this.#choice = availableChoice(this.#choice, this.#lists);
    this.#onChange(this.#lists, this.#choice);
  }

  /** Camera and microphone as chosen. */
  async capture(): Promise<MediaStream> {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: audio(this.#choice.microphone),
      video: video(this.#choice.camera),
    });
    await this.refresh();
    return stream;
  }

  choose(kind: DeviceKind, id: string): void {
    this.#choice = { ...this.#choice, [kind]: id };
    try {
      localStorage.setItem(storageKey, JSON.stringify(this.#choice));
    } catch {
      // Storage refused (private mode): the choice holds for this visit only.
    }
    this.#onChange(this.#lists, this.#choice);
  }

  /** A new track from the chosen device of `kind`, in place of the old one in `stream`. */
  async switchTrack(
    stream: MediaStream,
    kind: 'camera' | 'microphone',
  ): Promise<{ stream: MediaStream; track: MediaStreamTrack }> {
    const id = this.#choice[kind];
    const fresh = await navigator.mediaDevices.getUserMedia(
      kind === 'camera' ? { video: video(id) } : { audio: audio(id) },
    );
    const [track] = kind === 'camera' ? fresh.getVideoTracks() : fresh.getAudioTracks();
    if (track === undefined) throw new Error(`The ${unnamed[kind].toLowerCase()} did not start.`);
    const kept = kind === 'camera' ? stream.getAudioTracks() : stream.getVideoTracks();
    const replaced = kind === 'camera' ? stream.getVideoTracks() : stream.getAudioTracks();
    for (const old of replaced) old.stop();
    return { stream: new MediaStream([...kept, track]), track };
  }

  /** Plays the others through the chosen speaker (where the browser can choose one). */
  async playOn(context: AudioContext | undefined): Promise<void> {
    const id = this.#choice.speaker;
    const sink = context as
      (AudioContext & { setSinkId?: (id: string) => Promise<void> }) | undefined;
    if (id === undefined || sink?.setSinkId === undefined) return;
    await sink.setSinkId(id);
  }
}

function readChoice(): DeviceChoice {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(storageKey) ?? '{}');
    if (typeof saved !== 'object' || saved === null) return {};
    const choice: Partial<Record<DeviceKind, string>> = {};
    for (const kind of ['camera', 'microphone', 'speaker'] as const) {
      const id = (saved as Record<string, unknown>)[kind];
      if (typeof id === 'string') choice[kind] = id;
    }
    return choice;
  } catch {
    return {};
  }
}
