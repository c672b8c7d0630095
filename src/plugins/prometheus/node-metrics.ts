/** One metrics registry per node in this process (tests run several nodes side by side). */
import { KongMetrics } from './metrics.js';
import { MetricsRecorder } from './recorder.js';

interface NodeEntry {
  metrics: KongMetrics;
  recorder: MetricsRecorder;
}

const nodes = new Map<string, NodeEntry>();

export function nodeMetrics(nodeId: string): NodeEntry {
  let n = nodes.get(nodeId);
  if (!n) {
    const metrics = new KongMetrics();
    n = { metrics, recorder: new MetricsRecorder(metrics) };
    nodes.set(nodeId, n);
  }
  return n;
}

export function recorderFor(nodeId: string): MetricsRecorder {
  return nodeMetrics(nodeId).recorder;
}

export function dropNodeMetrics(nodeId: string): void {
  nodes.delete(nodeId);
}
