/** prometheus configuration (Kong's kong/plugins/prometheus/schema.lua): which metric families to record. */
import type { PluginSchemaDef } from '../../schema/types.js';

export interface PrometheusConfig {
  per_consumer: boolean;
  status_code_metrics: boolean;
  ai_metrics: boolean;
  latency_metrics: boolean;
  bandwidth_metrics: boolean;
  upstream_health_metrics: boolean;
  wasm_metrics: boolean;
}

const flag = (description: string) => ({ type: 'boolean' as const, default: false, description });

export const prometheusSchema: PluginSchemaDef = {
  config: {
    per_consumer: flag('Fill the consumer label of `kong_http_requests_total` and `kong_bandwidth_bytes` when a consumer is known.'),
    status_code_metrics: flag('Record `kong_http_requests_total`.'),
    ai_metrics: flag('Record AI metrics (accepted for compatibility; no AI plugin emits them here).'),
    latency_metrics: flag('Record `kong_kong_latency_ms`, `kong_upstream_latency_ms` and `kong_request_latency_ms`.'),
    bandwidth_metrics: flag('Record `kong_bandwidth_bytes`.'),
    upstream_health_metrics: flag('Export `kong_upstream_target_health`.'),
    wasm_metrics: flag('Accepted for compatibility; there are no Wasm filters here.'),
  },
};
