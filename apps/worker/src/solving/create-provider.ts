import { PROVIDERS } from '@crux/contracts/core';
import type { ModelProvider } from './model-provider.js';
import { OpenAIProvider } from './openai-provider.js';
import { ProviderError } from './provider-error.js';
import { SimulatedProvider } from './simulated-provider.js';

/** The provider part of the worker's settings (loadSettings); the openai tuning falls back to its documented defaults. */
export interface ProviderSettings {
  simulatedLatencyMs: number;
  openaiBaseUrl: string | null;
  openaiApiKey?: string | null;
  openaiConnectTimeoutMs?: number;
  openaiReadTimeoutMs?: number;
  openaiMaxRetries?: number;
  openaiRetryBaseMs?: number;
  openaiRetryMaxMs?: number;
}

/** The provider a job asked for; a provider this worker cannot use fails the job, never the worker. */
export function createProvider(name: string, settings: ProviderSettings): ModelProvider {
  switch (name) {
    case 'simulated':
      return new SimulatedProvider({ latencyMs: settings.simulatedLatencyMs });
    case 'openai':
      if (!settings.openaiBaseUrl) {
        throw new ProviderError('openai', "the job asked for llm_provider 'openai', but this worker has no OPENAI_BASE_URL configured");
      }
      return new OpenAIProvider({
        baseUrl: settings.openaiBaseUrl,
        apiKey: settings.openaiApiKey ?? null,
        timeouts: { connectMs: settings.openaiConnectTimeoutMs ?? 10_000, readMs: settings.openaiReadTimeoutMs ?? 120_000 },
        retry: { maxRetries: settings.openaiMaxRetries ?? 4, baseMs: settings.openaiRetryBaseMs ?? 500, maxMs: settings.openaiRetryMaxMs ?? 30_000 },
      });
    default:
      throw new ProviderError(name, `unknown llm_provider '${name}'; known providers are ${PROVIDERS.join(', ')}`);
  }
}
