// What happens to devices outside the partner API, which tests drive through the simulator: a car is
// plugged into a wallbox or an EV, or unplugged; a charger connects with a claim token (OCPP). Each
// hook answers the device as its detail GET would, or throws a SimulatorHookError carrying the reply
// that its admin route gives.
import { plugIn, unplug, type Charger, type PlugInOptions } from './api/charging.js';
import { pairWallbox, type PairedDevice } from './api/claim-tokens.js';
import { deviceById, renderDevice } from './api/devices.js';
import { EV_CHARGER } from './api/electric-vehicles.js';
import { WALLBOX_CHARGER } from './api/wallboxes.js';
import type { Reply } from './http.js';
import type { DeviceKind, Json, StoredDevice } from './records.js';
import { isReply, type Store } from './store.js';

/** A hook refused, with the status and body its admin route answers. */
export class SimulatorHookError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`The simulator refused (${status}): ${JSON.stringify(body)}`);
    this.name = 'SimulatorHookError';
  }
}

/** The kinds a car is plugged into, and where each differs in boost and plugging. */
const CHARGERS: Partial<Record<DeviceKind, Charger>> = { wallbox: WALLBOX_CHARGER, electric_vehicle: EV_CHARGER };
const CHARGING_KINDS = Object.keys(CHARGERS) as DeviceKind[];

export class DeviceHooks {
  readonly #store: Store;
  readonly #apiBase: () => string;

  /** `apiBase` is the API's base URL, which the devices' resolution links start with. */
  constructor(store: Store, apiBase: () => string) {
    this.#store = store;
    this.#apiBase = apiBase;
  }

  /** A car is plugged into a device of one of `kinds` (a 404 for any other device, and for a deleted one). */
  plugIn(deviceId: string, options: PlugInOptions = {}, kinds: DeviceKind[] = CHARGING_KINDS): Json {
    return this.#charging(deviceId, kinds, (device, charger) => plugIn(this.#store, device, charger, options));
  }

  /** The car is unplugged from a device of one of `kinds`. */
  unplug(deviceId: string, kinds: DeviceKind[] = CHARGING_KINDS): Json {
    return this.#charging(deviceId, kinds, (device, charger) => unplug(this.#store, device, charger));
  }

  /** A charger connects with a claim token and becomes the token's user's new wallbox. */
  pairWallbox(token: string, device: PairedDevice = {}): Json {
    return this.#rendered(pairWallbox(this.#store, token, device));
  }

  #charging(deviceId: string, kinds: DeviceKind[], change: (device: StoredDevice, charger: Charger) => StoredDevice): Json {
    const device = deviceById(this.#store, deviceId, kinds);
    return this.#rendered(isReply(device) ? device : change(device, CHARGERS[device.kind]!));
  }

  #rendered(result: StoredDevice | Reply): Json {
    if (isReply(result)) throw new SimulatorHookError(result.status, result.body);
    return renderDevice(this.#store, result, this.#apiBase());
  }
}
