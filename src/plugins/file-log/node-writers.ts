/** One writer (set of open files) per node, closed when the node stops. */
import { FileLogWriter } from './writer.js';

const writers = new Map<string, FileLogWriter>();

export function writerFor(nodeId: string, prefix: string): FileLogWriter {
  let w = writers.get(nodeId);
  if (!w) {
    w = new FileLogWriter(prefix);
    writers.set(nodeId, w);
  }
  return w;
}

export function closeWriter(nodeId: string): void {
  writers.get(nodeId)?.close();
  writers.delete(nodeId);
}
