/**
 * Each node in this process has its own memory strategy (tests run several nodes at once),
 * found by node id from the request path and from the Admin API alike.
 */
import { MemoryStrategy, parseSize } from './memory-store.js';

const stores = new Map<string, MemoryStrategy>();
const DEFAULT_MEM_CACHE_SIZE = '128m';

export function openNodeStore(nodeId: string, memCacheSize: string | number | undefined): MemoryStrategy {
  let store = stores.get(nodeId);
  if (!store) {
    store = new MemoryStrategy(parseSize(memCacheSize ?? DEFAULT_MEM_CACHE_SIZE));
    stores.set(nodeId, store);
  }
  return store;
}

export function nodeStore(nodeId: string): MemoryStrategy {
  return stores.get(nodeId) ?? openNodeStore(nodeId, undefined);
}

export function closeNodeStore(nodeId: string): void {
  stores.get(nodeId)?.flushAll();
  stores.delete(nodeId);
}

/**
 * Which dictionary each proxy-cache plugin instance stores into, learned when the runtime
 * configures the instance; the per-plugin Admin API endpoints read it.
 */
const dictionaryByPlugin = new Map<string, string>();

export function rememberPluginDictionary(pluginId: string, dictionaryName: string): void {
  dictionaryByPlugin.set(pluginId, dictionaryName);
}

export function pluginDictionary(pluginId: string): string | undefined {
  return dictionaryByPlugin.get(pluginId);
}
