/**
 * @peculiar/x509 2.x resolves its algorithm providers through tsyringe, which refuses to load
 * unless the Reflect metadata API exists, and `reflect-metadata` is not a dependency of this
 * project. This installs the small subset tsyringe and tslib's `__metadata` call (define/get
 * own/inherited metadata, the `Reflect.metadata` decorator factory), only when absent, so a
 * real polyfill loaded elsewhere wins.
 */
type Key = unknown;
type MetadataTarget = object;

const store = new WeakMap<MetadataTarget, Map<string | symbol | undefined, Map<Key, unknown>>>();

function table(target: MetadataTarget, property: string | symbol | undefined, create: boolean): Map<Key, unknown> | undefined {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let entries = byProperty.get(property);
  if (!entries && create) {
    entries = new Map();
    byProperty.set(property, entries);
  }
  return entries;
}

function getOwnMetadata(key: Key, target: MetadataTarget, property?: string | symbol): unknown {
  return table(target, property, false)?.get(key);
}

function hasOwnMetadata(key: Key, target: MetadataTarget, property?: string | symbol): boolean {
  return table(target, property, false)?.has(key) ?? false;
}

function getMetadata(key: Key, target: MetadataTarget, property?: string | symbol): unknown {
  for (let t: MetadataTarget | null = target; t; t = Object.getPrototypeOf(t)) {
    if (hasOwnMetadata(key, t, property)) return getOwnMetadata(key, t, property);
  }
  return undefined;
}

const api = {
  defineMetadata(key: Key, value: unknown, target: MetadataTarget, property?: string | symbol): void {
    table(target, property, true)!.set(key, value);
  },
  getOwnMetadata,
  hasOwnMetadata,
  getMetadata,
  hasMetadata(key: Key, target: MetadataTarget, property?: string | symbol): boolean {
    for (let t: MetadataTarget | null = target; t; t = Object.getPrototypeOf(t)) {
      if (hasOwnMetadata(key, t, property)) return true;
    }
    return false;
  },
  deleteMetadata(key: Key, target: MetadataTarget, property?: string | symbol): boolean {
    return table(target, property, false)?.delete(key) ?? false;
  },
  metadata(key: Key, value: unknown) {
    return (target: MetadataTarget, property?: string | symbol): void => {
      table(target, property, true)!.set(key, value);
    };
  },
};

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  for (const [name, fn] of Object.entries(api)) {
    if (typeof reflect[name] !== 'function') reflect[name] = fn;
  }
}

export {};
